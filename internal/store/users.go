package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
	"github.com/switchboardhq/switchboard/internal/user"
)

type userQueries struct {
	Insert              string `query:"UserInsert"`
	TeamAdd             string `query:"UserTeamAdd"`
	TeamsClear          string `query:"UserTeamsClear"`
	SkillAdd            string `query:"UserSkillAdd"`
	SkillsClear         string `query:"UserSkillsClear"`
	Get                 string `query:"UserGet"`
	GetByEmail          string `query:"UserGetByEmail"`
	GetByExtension      string `query:"UserGetByExtension"`
	List                string `query:"UserList"`
	Update              string `query:"UserUpdate"`
	SetPassword         string `query:"UserSetPassword"`
	Delete              string `query:"UserDelete"`
	CountActiveAdmins   string `query:"UserCountActiveAdmins"`
	CountPlatformAdmins string `query:"UserCountPlatformAdmins"`
	InviteInsert        string `query:"InviteInsert"`
	InviteGet           string `query:"InviteGet"`
	InviteDeleteForUser string `query:"InviteDeleteForUser"`
	TokensRevokeUser    string `query:"TokenRevokeUser"`
}

// Users implements user.Store.
type Users struct {
	c conn
	q *userQueries
}

var _ user.Store = (*Users)(nil)

// Users returns the transaction's user store.
func (t *Tx) Users() user.Store { return t.s.Users }

// Create implements user.Store.
func (s *Users) Create(ctx context.Context, u *user.User) error {
	return wrap("create user", s.c.atomic(ctx, func(q sqldb.Querier) error {
		_, err := q.Exec(ctx, s.q.Insert, u.ID, nullIfEmpty(u.TenantID), u.Email, u.Name, string(u.Role),
			string(u.Status), u.PasswordHash, ms(u.CreatedAt), ms(u.UpdatedAt), capacityJSON(u.Capacity),
			nullIfEmpty(u.Extension), max(u.Level, 1))
		if sqldb.IsUnique(err, "users_email_live", "users.email") {
			return user.ErrEmailTaken
		}
		if isExtensionTaken(err) {
			return user.ErrExtensionTaken
		}
		if err != nil {
			return err
		}
		return s.setLinks(ctx, q, u)
	}))
}

// setLinks writes u's team memberships and skills. Each insert selects the
// parent within the tenant, so an ID from another tenant inserts nothing and
// is reported as unknown.
func (s *Users) setLinks(ctx context.Context, q sqldb.Querier, u *user.User) error {
	for _, id := range u.TeamIDs {
		n, err := q.Exec(ctx, s.q.TeamAdd, u.TenantID, id, u.ID)
		if err := affected(n, err, user.ErrUnknownTeam); err != nil {
			return err
		}
	}
	for _, sk := range u.Skills {
		n, err := q.Exec(ctx, s.q.SkillAdd, u.TenantID, u.ID, sk.SkillID, sk.Level)
		if err := affected(n, err, user.ErrUnknownSkill); err != nil {
			return err
		}
	}
	return nil
}

// Get implements user.Store.
func (s *Users) Get(ctx context.Context, tenantID, id string) (*user.User, error) {
	u, err := scanUser(s.c.read().QueryRow(ctx, s.q.Get, tenantID, id))
	return u, wrap("get user", notFound(err, user.ErrNotFound))
}

// GetByEmail implements user.Store.
func (s *Users) GetByEmail(ctx context.Context, email string) (*user.User, error) {
	u, err := scanUser(s.c.read().QueryRow(ctx, s.q.GetByEmail, email))
	return u, wrap("get user by email", notFound(err, user.ErrNotFound))
}

// GetByExtension returns the tenant's live user with this phone extension.
func (s *Users) GetByExtension(ctx context.Context, tenantID, extension string) (*user.User, error) {
	u, err := scanUser(s.c.read().QueryRow(ctx, s.q.GetByExtension, tenantID, extension))
	return u, wrap("get user by extension", notFound(err, user.ErrNotFound))
}

// isExtensionTaken reports a violation of users_extension.
func isExtensionTaken(err error) bool {
	return sqldb.IsUnique(err, "users_extension", "users.tenant_id, users.extension")
}

// List implements user.Store.
func (s *Users) List(ctx context.Context, p *user.ListParams) ([]*user.User, error) {
	rows, err := s.c.read().Query(ctx, s.q.List, p.TenantID, p.After, string(p.Role), string(p.Status), p.TeamID, limit(p.Limit))
	if err != nil {
		return nil, wrap("list users", err)
	}
	defer rows.Close()
	out := []*user.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, wrap("list users", err)
		}
		out = append(out, u)
	}
	return out, wrap("list users", rows.Err())
}

// Update implements user.Store.
func (s *Users) Update(ctx context.Context, u *user.User) error {
	return wrap("update user", s.c.atomic(ctx, func(q sqldb.Querier) error {
		n, err := q.Exec(ctx, s.q.Update, u.TenantID, u.ID, u.Name, string(u.Role), string(u.Status), ms(u.UpdatedAt),
			capacityJSON(u.Capacity), nullIfEmpty(u.Extension), max(u.Level, 1))
		if isExtensionTaken(err) {
			return user.ErrExtensionTaken
		}
		if err := affected(n, err, user.ErrNotFound); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, s.q.TeamsClear, u.TenantID, u.ID); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, s.q.SkillsClear, u.TenantID, u.ID); err != nil {
			return err
		}
		return s.setLinks(ctx, q, u)
	}))
}

// SetPassword implements user.Store.
func (s *Users) SetPassword(ctx context.Context, p *user.SetPasswordParams) error {
	return wrap("set password", s.c.atomic(ctx, func(q sqldb.Querier) error {
		n, err := q.Exec(ctx, s.q.SetPassword, p.TenantID, p.ID, p.Hash, string(p.Status), ms(p.At))
		if err := affected(n, err, user.ErrNotFound); err != nil || !p.SignOut {
			return err
		}
		if _, err := q.Exec(ctx, s.q.InviteDeleteForUser, p.TenantID, p.ID); err != nil {
			return err
		}
		_, err = q.Exec(ctx, s.q.TokensRevokeUser, p.TenantID, p.ID, "", ms(p.At))
		return err
	}))
}

// Delete implements user.Store: the row stays for history, its email is
// freed, its links go and its tokens are revoked.
func (s *Users) Delete(ctx context.Context, tenantID, id string, at time.Time) error {
	return wrap("delete user", s.c.atomic(ctx, func(q sqldb.Querier) error {
		n, err := q.Exec(ctx, s.q.Delete, tenantID, id, ms(at))
		if err := affected(n, err, user.ErrNotFound); err != nil {
			return err
		}
		for _, stmt := range []string{s.q.TeamsClear, s.q.SkillsClear, s.q.InviteDeleteForUser} {
			if _, err := q.Exec(ctx, stmt, tenantID, id); err != nil {
				return err
			}
		}
		_, err = q.Exec(ctx, s.q.TokensRevokeUser, tenantID, id, "", ms(at))
		return err
	}))
}

// CountActiveAdmins implements user.Store.
func (s *Users) CountActiveAdmins(ctx context.Context, tenantID string) (int, error) {
	var n int64
	err := s.c.read().QueryRow(ctx, s.q.CountActiveAdmins, tenantID).Scan(&n)
	return int(n), wrap("count admins", err)
}

// CountPlatformAdmins implements user.Store.
func (s *Users) CountPlatformAdmins(ctx context.Context) (int, error) {
	var n int64
	err := s.c.read().QueryRow(ctx, s.q.CountPlatformAdmins).Scan(&n)
	return int(n), wrap("count platform admins", err)
}

// CreateInvite implements user.Store.
func (s *Users) CreateInvite(ctx context.Context, inv *user.Invite) error {
	_, err := s.c.write().Exec(ctx, s.q.InviteInsert, inv.Digest, inv.TenantID, inv.UserID, ms(inv.CreatedAt), ms(inv.ExpiresAt))
	return wrap("create invite", err)
}

// GetInvite implements user.Store.
func (s *Users) GetInvite(ctx context.Context, digest string) (*user.Invite, error) {
	var inv user.Invite
	var created, expires int64
	err := s.c.read().QueryRow(ctx, s.q.InviteGet, digest).Scan(&inv.Digest, &inv.TenantID, &inv.UserID, &created, &expires)
	if err != nil {
		return nil, wrap("get invite", notFound(err, user.ErrNotFound))
	}
	inv.CreatedAt, inv.ExpiresAt = fromMS(created), fromMS(expires)
	return &inv, nil
}

// DeleteInvites implements user.Store.
func (s *Users) DeleteInvites(ctx context.Context, tenantID, userID string) error {
	_, err := s.c.write().Exec(ctx, s.q.InviteDeleteForUser, tenantID, userID)
	return wrap("delete invites", err)
}

func scanUser(r sqldb.Row) (*user.User, error) {
	var u user.User
	var role, status, teams, skills, capacity string
	var created, updated int64
	if err := r.Scan(&u.ID, &u.TenantID, &u.Email, &u.Name, &role, &status, &u.PasswordHash,
		&created, &updated, &teams, &skills, &capacity, &u.Extension, &u.Level); err != nil {
		return nil, err
	}
	u.Capacity = user.DefaultCapacity()
	if capacity != "" {
		var c map[string]int
		if err := json.Unmarshal([]byte(capacity), &c); err != nil {
			return nil, fmt.Errorf("malformed capacity %q: %w", capacity, err)
		}
		maps.Copy(u.Capacity, c)
	}
	u.Role, u.Status = permission.Role(role), user.Status(status)
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	u.TeamIDs = splitList(teams)
	u.Skills = []user.SkillLevel{}
	for _, pair := range splitList(skills) {
		id, lvl, ok := strings.Cut(pair, ":")
		n, err := strconv.Atoi(lvl)
		if !ok || err != nil {
			return nil, fmt.Errorf("malformed skill aggregate %q", pair)
		}
		u.Skills = append(u.Skills, user.SkillLevel{SkillID: id, Level: n})
	}
	return &u, nil
}

// capacityJSON stores a capacity; "" keeps the defaults.
func capacityJSON(c map[string]int) string {
	if len(c) == 0 {
		return ""
	}
	b, _ := json.Marshal(c) // a map of ints always marshals
	return string(b)
}
