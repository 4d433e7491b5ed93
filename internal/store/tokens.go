package store

import (
	"context"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/auth"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
	"github.com/switchboardhq/switchboard/internal/user"
)

type tokenQueries struct {
	Insert     string `query:"TokenInsert"`
	Identify   string `query:"TokenIdentify"`
	Touch      string `query:"TokenTouch"`
	ListAPI    string `query:"TokenListAPI"`
	Revoke     string `query:"TokenRevoke"`
	RevokeUser string `query:"TokenRevokeUser"`
}

// Tokens implements auth.TokenStore.
type Tokens struct {
	c conn
	q *tokenQueries
}

var _ auth.TokenStore = (*Tokens)(nil)

// Tokens returns the transaction's token store.
func (t *Tx) Tokens() auth.TokenStore { return t.s.Tokens }

// Create implements auth.TokenStore.
func (s *Tokens) Create(ctx context.Context, t *auth.Token) error {
	_, err := s.c.write().Exec(ctx, s.q.Insert, t.ID, nullIfEmpty(t.TenantID), t.UserID, string(t.Kind), t.Name,
		t.Digest, joinScopes(t.Scopes), ms(t.CreatedAt), msPtr(t.ExpiresAt))
	return wrap("create token", err)
}

// Identify implements auth.TokenStore.
func (s *Tokens) Identify(ctx context.Context, digest string, now time.Time) (*auth.Identity, error) {
	var id auth.Identity
	var role, status, tenantStatus string
	t, err := scanToken(s.c.read().QueryRow(ctx, s.q.Identify, digest, ms(now)), &role, &status, &id.UserName, &tenantStatus)
	if err != nil {
		return nil, wrap("identify token", notFound(err, auth.ErrNotFound))
	}
	t.Digest = digest
	id.Token, id.Role, id.UserStatus = t, permission.Role(role), user.Status(status)
	id.TenantActive = tenantStatus == "active"
	return &id, nil
}

// Touch implements auth.TokenStore.
func (s *Tokens) Touch(ctx context.Context, id string, at time.Time) error {
	_, err := s.c.write().Exec(ctx, s.q.Touch, id, ms(at))
	return wrap("touch token", err)
}

// ListAPI implements auth.TokenStore.
func (s *Tokens) ListAPI(ctx context.Context, tenantID, userID string, now time.Time) ([]*auth.Token, error) {
	rows, err := s.c.read().Query(ctx, s.q.ListAPI, tenantID, userID, ms(now))
	return collect(rows, err, func(r sqldb.Row) (*auth.Token, error) { return scanToken(r) }, "list tokens")
}

// Revoke implements auth.TokenStore.
func (s *Tokens) Revoke(ctx context.Context, tenantID, userID, id string, at time.Time) error {
	n, err := s.c.write().Exec(ctx, s.q.Revoke, tenantID, userID, id, ms(at))
	return wrap("revoke token", affected(n, err, auth.ErrNotFound))
}

// RevokeUser implements auth.TokenStore.
func (s *Tokens) RevokeUser(ctx context.Context, p *auth.RevokeUserParams) error {
	_, err := s.c.write().Exec(ctx, s.q.RevokeUser, p.TenantID, p.UserID, p.Except, ms(p.At))
	return wrap("revoke user tokens", err)
}

// scanToken reads the token columns, then any extra columns into extra.
func scanToken(r sqldb.Row, extra ...any) (*auth.Token, error) {
	var t auth.Token
	var kind, scopes string
	var created int64
	var expires, used *int64
	dest := append([]any{&t.ID, &t.TenantID, &t.UserID, &kind, &t.Name, &scopes, &created, &expires, &used}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	t.Kind, t.CreatedAt = auth.Kind(kind), fromMS(created)
	t.ExpiresAt, t.LastUsedAt = fromMSPtr(expires), fromMSPtr(used)
	t.Scopes = []permission.Permission{}
	for _, sc := range splitList(scopes) {
		t.Scopes = append(t.Scopes, permission.Permission(sc))
	}
	return &t, nil
}

func joinScopes(ps []permission.Permission) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ",")
}
