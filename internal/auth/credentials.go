package auth

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/secret"
	"github.com/switchboardhq/switchboard/internal/user"
)

// AcceptInviteParams redeem an invite link.
type AcceptInviteParams struct {
	Token    string
	Password string
	Name     string // optional: replaces the name the admin entered
	IP       string
}

// AcceptInvite sets the invited user's password, activates them and signs
// them in. An invite works once.
func (s *Service) AcceptInvite(ctx context.Context, p *AcceptInviteParams) (*Session, error) {
	if why := secret.CheckPasswordPolicy(p.Password); why != "" {
		return nil, errcode.New(errcode.PasswordTooWeak, why)
	}
	inv, err := s.cfg.Users.GetInvite(ctx, secret.Digest(p.Token))
	if errors.Is(err, user.ErrNotFound) || (err == nil && !s.cfg.Now().Before(inv.ExpiresAt)) {
		return nil, user.ErrInviteNone
	}
	if err != nil {
		return nil, err
	}
	if err := s.checkTenant(ctx, inv.TenantID); err != nil {
		return nil, err
	}
	hash, err := s.cfg.Hasher.HashPassword(p.Password)
	if err != nil {
		return nil, err
	}
	u, err := s.cfg.Users.Get(ctx, inv.TenantID, inv.UserID)
	if err != nil {
		return nil, err
	}
	return s.openSession(ctx, u, p.IP, audit.ActionInviteAccepted, func(tx Tx) error {
		// Re-read inside the transaction: a concurrent acceptance of the
		// same invite must fail, not activate twice.
		if _, err := tx.Users().GetInvite(ctx, inv.Digest); err != nil {
			return user.ErrInviteNone
		}
		if err := tx.Users().DeleteInvites(ctx, u.TenantID, u.ID); err != nil {
			return err
		}
		if name := strings.TrimSpace(p.Name); name != "" && name != u.Name {
			u.Name, u.UpdatedAt = name, s.cfg.Now()
			if err := tx.Users().Update(ctx, u); err != nil {
				return err
			}
		}
		u.Status, u.PasswordHash = user.StatusActive, hash
		return tx.Users().SetPassword(ctx, &user.SetPasswordParams{TenantID: u.TenantID, ID: u.ID,
			Hash: hash, Status: user.StatusActive, At: s.cfg.Now()})
	})
}

// ChangePassword replaces the caller's password after checking the current
// one, and signs out every other session and token of the user.
func (s *Service) ChangePassword(ctx context.Context, by *permission.Principal, current, next string) error {
	u, err := s.cfg.Users.Get(ctx, by.TenantID, by.UserID)
	if err != nil {
		return err
	}
	// A stolen session must not become an oracle for the password.
	key := "password-change:" + u.ID
	if err := s.throttle(key, ""); err != nil {
		return err
	}
	if s.cfg.Hasher.Verify(u.PasswordHash, current) != nil {
		s.accounts.Take(key)
		return ErrWrongPassword
	}
	if why := secret.CheckPasswordPolicy(next); why != "" {
		return errcode.New(errcode.PasswordTooWeak, why)
	}
	hash, err := s.cfg.Hasher.HashPassword(next)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	return s.cfg.InTx(ctx, func(tx Tx) error {
		err := tx.Users().SetPassword(ctx, &user.SetPasswordParams{TenantID: u.TenantID, ID: u.ID, Hash: hash, Status: u.Status, At: now})
		if err != nil {
			return err
		}
		// Keep the session that made the change alive: revoking it would
		// sign the user out of the very page they changed it on.
		if err := tx.Tokens().RevokeUser(ctx, &RevokeUserParams{TenantID: by.TenantID, UserID: by.UserID, Except: by.TokenID, At: now}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, audit.ActionPasswordChanged, "user", u.ID, now), revoked(by.UserID))
	})
}

// CreateTokenParams describe a new API token.
type CreateTokenParams struct {
	Name      string
	Scopes    []permission.Permission // empty: all of the creator's permissions
	ExpiresAt *time.Time
}

// CreatedToken is a new API token; Plain is shown once.
type CreatedToken struct {
	Token *Token
	Plain string
}

// CreateToken mints an API token acting as the caller with at most the
// caller's permissions.
func (s *Service) CreateToken(ctx context.Context, by *permission.Principal, p *CreateTokenParams) (*CreatedToken, error) {
	now := s.cfg.Now()
	scopes := slices.Clone(p.Scopes)
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)
	for _, sc := range scopes {
		if !permission.Known(sc) {
			return nil, errcode.Errorf(errcode.UnknownPermission, "unknown permission %q", sc)
		}
		if !by.Can(sc) {
			return nil, errcode.Errorf(errcode.ScopeExceedsCaller, "you do not hold %q", sc)
		}
	}
	if len(scopes) == 0 {
		// A token from a scoped token must not widen to the owner's role.
		scopes = by.Perms.Sorted()
	}
	if p.ExpiresAt != nil && !p.ExpiresAt.After(now) {
		return nil, errcode.New(errcode.ValidationFailed, "expires_at must be in the future").
			WithDetails(errcode.Detail{Field: "expires_at", Message: "must be in the future"})
	}
	tok, err := secret.NewToken(s.cfg.Rand, "sbt")
	if err != nil {
		return nil, err
	}
	t := &Token{ID: s.cfg.NewID(), TenantID: by.TenantID, UserID: by.UserID, Kind: KindAPI,
		Name: strings.TrimSpace(p.Name), Digest: tok.Digest, Scopes: scopes, CreatedAt: now, ExpiresAt: p.ExpiresAt}
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.Tokens().Create(ctx, t); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, audit.ActionTokenCreated, "token", t.ID, now).
			With(map[string]any{"name": t.Name, "scopes": scopes}))
	})
	if err != nil {
		return nil, err
	}
	return &CreatedToken{Token: t, Plain: tok.Plain}, nil
}

// ListTokens returns the caller's live API tokens.
func (s *Service) ListTokens(ctx context.Context, by *permission.Principal) ([]*Token, error) {
	return s.cfg.Tokens.ListAPI(ctx, by.TenantID, by.UserID, s.cfg.Now())
}

// RevokeToken revokes one of the caller's tokens.
func (s *Service) RevokeToken(ctx context.Context, by *permission.Principal, id string) error {
	now := s.cfg.Now()
	return s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.Tokens().Revoke(ctx, by.TenantID, by.UserID, id, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, audit.ActionTokenRevoked, "token", id, now), revoked(by.UserID))
	})
}

// Bootstrap creates the platform administrator when none exists. It never
// changes an existing administrator, so it is safe on every start. It reports
// whether it created one.
func (s *Service) Bootstrap(ctx context.Context, email, password string) (bool, error) {
	email, err := user.NormalizeEmail(email)
	if err != nil {
		return false, err
	}
	// Check before hashing: on every later start this is one cheap read.
	if n, err := s.cfg.Users.CountPlatformAdmins(ctx); err != nil || n > 0 {
		return false, err
	}
	if why := secret.CheckPasswordPolicy(password); why != "" {
		return false, errcode.New(errcode.PasswordTooWeak, "SWITCHBOARD_ADMIN_PASSWORD: "+why)
	}
	hash, err := s.cfg.Hasher.HashPassword(password)
	if err != nil {
		return false, err
	}
	now := s.cfg.Now()
	created := false
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		// Re-check inside the transaction: nodes may start together.
		n, err := tx.Users().CountPlatformAdmins(ctx)
		if err != nil || n > 0 {
			return err
		}
		u := &user.User{ID: s.cfg.NewID(), Email: email, Name: "Platform administrator",
			Role: permission.RolePlatformAdmin, Status: user.StatusActive, PasswordHash: hash,
			TeamIDs: []string{}, Skills: []user.SkillLevel{}, CreatedAt: now, UpdatedAt: now}
		if err := tx.Users().Create(ctx, u); err != nil {
			return err
		}
		created = true
		by := &permission.Principal{UserID: u.ID}
		return audit.Record(ctx, tx, audit.By(by, audit.ActionUserCreated, "user", u.ID, now).
			With(map[string]any{"role": u.Role, "source": "bootstrap"}))
	})
	return created, err
}
