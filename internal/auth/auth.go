// Package auth authenticates callers: password login with rate limiting,
// opaque session and API tokens (stored only as SHA-256 digests), invite
// acceptance, password changes and the bootstrap of the platform
// administrator. It turns a presented token into a permission.Principal.
package auth

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/user"
)

// Kind tells sessions from API tokens.
type Kind string

// The token kinds.
const (
	KindSession Kind = "session" // from a login; expires after the session TTL
	KindAPI     Kind = "api"     // created by a user for scripts and integrations
)

// Token is a stored credential. The plain token is never stored.
type Token struct {
	ID       string `json:"id"`
	TenantID string `json:"tenant_id,omitempty"`
	UserID   string `json:"user_id"`
	Kind     Kind   `json:"kind"`
	Name     string `json:"name"`
	Digest   string `json:"-"`
	// Scopes narrow an API token to a subset of its owner's permissions;
	// empty means all of them.
	Scopes     []permission.Permission `json:"scopes"`
	CreatedAt  time.Time               `json:"created_at"`
	ExpiresAt  *time.Time              `json:"expires_at,omitempty"`
	LastUsedAt *time.Time              `json:"last_used_at,omitempty"`
}

// Identity is what authenticating a token yields: the token and its owner's
// current role and standing, read in one query.
type Identity struct {
	Token        *Token
	Role         permission.Role
	UserStatus   user.Status
	UserName     string
	TenantActive bool // always true for the platform administrator
}

// TokenStore persists tokens.
type TokenStore interface {
	Create(ctx context.Context, t *Token) error
	// Identify looks up a live (unrevoked, unexpired at now) token by digest
	// across tenants, joined with its owner. ErrNotFound otherwise.
	Identify(ctx context.Context, digest string, now time.Time) (*Identity, error)
	// Touch records use of a token.
	Touch(ctx context.Context, id string, at time.Time) error
	// ListAPI returns a user's live API tokens, newest first.
	ListAPI(ctx context.Context, tenantID, userID string, now time.Time) ([]*Token, error)
	// Revoke revokes one of a user's tokens. ErrNotFound if it is not theirs.
	Revoke(ctx context.Context, tenantID, userID, id string, at time.Time) error
	// RevokeUser revokes every token of a user but Except (deletion,
	// password change).
	RevokeUser(ctx context.Context, p *RevokeUserParams) error
}

// RevokeUserParams select the tokens RevokeUser revokes.
type RevokeUserParams struct {
	TenantID string
	UserID   string
	Except   string // a token ID to keep, or empty
	At       time.Time
}

// Tx is the transactional view the service writes through.
type Tx interface {
	audit.Recorder
	Tokens() TokenStore
	Users() user.Store
}

// Errors.
var (
	ErrNotFound           = errcode.New(errcode.NotFound, "token not found")
	ErrUnauthenticated    = errcode.New(errcode.Unauthenticated, "missing, expired or revoked credentials")
	ErrInvalidCredentials = errcode.New(errcode.InvalidCredentials, "wrong email or password")
	ErrTenantSuspended    = errcode.New(errcode.TenantSuspended, "your organisation's account is suspended")
	ErrWrongPassword      = errcode.New(errcode.WrongPassword, "the current password is wrong")
)
