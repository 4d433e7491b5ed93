package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/memo"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/ratelimit"
	"github.com/switchboardhq/switchboard/internal/secret"
	"github.com/switchboardhq/switchboard/internal/tenant"
	"github.com/switchboardhq/switchboard/internal/user"
)

// touchEvery bounds how often a token's last-used time is written, so that
// authenticating a request writes nothing in the common case.
const touchEvery = time.Minute

// Service authenticates callers and manages their credentials.
type Service struct {
	cfg       Config
	accounts  *ratelimit.Limiter // failed logins per account
	addresses *ratelimit.Limiter // failed logins per client IP
	// dummyHash is verified against when an email is unknown, so that the
	// response time does not reveal which emails have accounts. It is made
	// on first use: hashing at start-up would cost every start ~20 ms.
	dummyHash func() (string, error)
	// ids keeps identified tokens by digest for IdentityTTL, so a busy
	// client's requests do not each read the database. The node forgets
	// them all whenever a user, a tenant or a credential changes
	// (ForgetIdentities), before the writer's request returns; other
	// nodes' changes arrive over the bus, and IdentityTTL bounds a missed
	// one (ADR 0021).
	ids *memo.Memo[string, *identified]
}

// identified is a token's identity as read, and when this node last
// recorded its use.
type identified struct {
	*Identity
	touched atomic.Int64 // unix nanoseconds
}

// Config wires a Service.
type Config struct {
	Tokens  TokenStore
	Users   user.Store
	Tenants tenant.Store
	InTx    func(ctx context.Context, fn func(Tx) error) error
	Rand    io.Reader // session and API tokens
	Hasher  secret.Hasher
	Now     func() time.Time
	NewID   func() string
	Logger  *slog.Logger
	// SessionTTL is the lifetime of a login session.
	SessionTTL time.Duration
	// IdentityTTL bounds how long an identified token is used without
	// reading it again. Defaults to 10 seconds; negative disables it.
	IdentityTTL time.Duration
}

// maxIdentities bounds the identities a node keeps.
const maxIdentities = 100_000

// NewService returns a Service. Login throttling allows 5 failed attempts per
// account (then one a minute) and 30 per client IP (then one per 10 s).
func NewService(cfg Config) *Service {
	if cfg.IdentityTTL == 0 {
		cfg.IdentityTTL = 10 * time.Second
	}
	return &Service{
		ids:       memo.New[string, *identified](maxIdentities, max(cfg.IdentityTTL, 0)),
		cfg:       cfg,
		accounts:  ratelimit.New(time.Minute, 5, cfg.Now),
		addresses: ratelimit.New(10*time.Second, 30, cfg.Now),
		dummyHash: sync.OnceValues(func() (string, error) { return cfg.Hasher.HashPassword("timing-equaliser") }),
	}
}

// Session is a signed-in user with a fresh session token.
type Session struct {
	Token     string // shown once
	ExpiresAt time.Time
	User      *user.User
}

// LoginParams are a login attempt.
type LoginParams struct {
	Email    string
	Password string
	IP       string
}

// Login checks an email and password and opens a session.
func (s *Service) Login(ctx context.Context, p *LoginParams) (*Session, error) {
	email, _ := user.NormalizeEmail(p.Email)
	if err := s.throttle(email, p.IP); err != nil {
		return nil, err
	}
	u, err := s.cfg.Users.GetByEmail(ctx, email)
	if errors.Is(err, user.ErrNotFound) || email == "" {
		if dummy, err := s.dummyHash(); err == nil {
			_ = s.cfg.Hasher.Verify(dummy, p.Password)
		}
		s.fail(email, p.IP)
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, err
	}
	hash := u.PasswordHash
	if hash == "" {
		// Same cost as a real check: timing must not tell invited accounts apart.
		if hash, err = s.dummyHash(); err != nil {
			return nil, err
		}
	}
	if s.cfg.Hasher.Verify(hash, p.Password) != nil || u.PasswordHash == "" {
		s.fail(email, p.IP)
		s.recordFailure(ctx, u, p.IP, "wrong_password")
		return nil, ErrInvalidCredentials
	}
	if u.Status != user.StatusActive {
		s.recordFailure(ctx, u, p.IP, "user_"+string(u.Status))
		return nil, ErrInvalidCredentials
	}
	if err := s.checkTenant(ctx, u.TenantID); err != nil {
		return nil, err
	}
	return s.openSession(ctx, u, p.IP, audit.ActionLogin, nil)
}

func (s *Service) throttle(email, ip string) error {
	for _, c := range []struct {
		lim *ratelimit.Limiter
		key string
	}{{s.accounts, email}, {s.addresses, ip}} {
		if c.key == "" {
			continue
		}
		if ok, wait := c.lim.Check(c.key); !ok {
			e := errcode.New(errcode.RateLimited, "too many failed sign-in attempts; try again later")
			e.RetryAfter = wait
			return e
		}
	}
	return nil
}

func (s *Service) fail(email, ip string) {
	if email != "" {
		s.accounts.Take(email)
	}
	if ip != "" {
		s.addresses.Take(ip)
	}
}

func (s *Service) recordFailure(ctx context.Context, u *user.User, ip, reason string) {
	e := &audit.Entry{ID: "", TenantID: u.TenantID, ActorID: u.ID, Action: audit.ActionLoginFailed,
		TargetType: "user", TargetID: u.ID, IP: ip, Details: map[string]any{"reason": reason}, At: s.cfg.Now()}
	err := s.cfg.InTx(ctx, func(tx Tx) error { return tx.Audit().Append(ctx, e) })
	if err != nil {
		s.cfg.Logger.ErrorContext(ctx, "record failed login", "user_id", u.ID, "err", err)
	}
}

func (s *Service) checkTenant(ctx context.Context, tenantID string) error {
	if tenantID == "" {
		return nil
	}
	t, err := s.cfg.Tenants.Get(ctx, tenantID)
	if err != nil {
		return err
	}
	if t.Status != tenant.StatusActive {
		return ErrTenantSuspended
	}
	return nil
}

// openSession creates a session token for u and records action; extra runs
// in the same transaction first.
func (s *Service) openSession(ctx context.Context, u *user.User, ip, action string, extra func(Tx) error) (*Session, error) {
	tok, err := secret.NewToken(s.cfg.Rand, "sbs")
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	exp := now.Add(s.cfg.SessionTTL)
	t := &Token{ID: s.cfg.NewID(), TenantID: u.TenantID, UserID: u.ID, Kind: KindSession, Name: "session",
		Digest: tok.Digest, Scopes: []permission.Permission{}, CreatedAt: now, ExpiresAt: &exp}
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		if extra != nil {
			if err := extra(tx); err != nil {
				return err
			}
		}
		if err := tx.Tokens().Create(ctx, t); err != nil {
			return err
		}
		by := &permission.Principal{UserID: u.ID, TenantID: u.TenantID, IP: ip}
		return audit.Record(ctx, tx, audit.By(by, action, "user", u.ID, now))
	})
	if err != nil {
		return nil, err
	}
	return &Session{Token: tok.Plain, ExpiresAt: exp, User: u}, nil
}

// Authenticate turns a presented token into a Principal.
func (s *Service) Authenticate(ctx context.Context, plain, ip string) (*permission.Principal, error) {
	if plain == "" {
		return nil, ErrUnauthenticated
	}
	now := s.cfg.Now()
	id, err := s.identify(ctx, secret.Digest(plain), now)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, fmt.Errorf("identify token: %w", err)
	}
	if id.UserStatus != user.StatusActive {
		return nil, ErrUnauthenticated
	}
	if !id.TenantActive {
		return nil, ErrTenantSuspended
	}
	perms := id.Role.Grants()
	if len(id.Token.Scopes) > 0 {
		perms = perms.Intersect(permission.NewSet(id.Token.Scopes...))
	}
	if last := id.touched.Load(); now.UnixNano()-last > int64(touchEvery) && id.touched.CompareAndSwap(last, now.UnixNano()) {
		if err := s.cfg.Tokens.Touch(ctx, id.Token.ID, now); err != nil {
			s.cfg.Logger.WarnContext(ctx, "touch token", "token_id", id.Token.ID, "err", err)
		}
	}
	return &permission.Principal{UserID: id.Token.UserID, Name: id.UserName, TenantID: id.Token.TenantID, Role: id.Role,
		Perms: perms, TokenID: id.Token.ID, IP: ip}, nil
}

// identify returns the live token with this digest, from memory when it
// was read moments ago. ErrNotFound.
func (s *Service) identify(ctx context.Context, digest string, now time.Time) (*identified, error) {
	if id, ok := s.ids.Get(digest, now); ok && (id.Token.ExpiresAt == nil || now.Before(*id.Token.ExpiresAt)) {
		return id, nil
	}
	epoch := s.ids.Epoch()
	got, err := s.cfg.Tokens.Identify(ctx, digest, now)
	if err != nil {
		return nil, err
	}
	id := &identified{Identity: got}
	if got.Token.LastUsedAt != nil {
		id.touched.Store(got.Token.LastUsedAt.UnixNano())
	}
	s.ids.Put(digest, id, epoch, now)
	return id, nil
}

// ForgetIdentities drops the identified tokens this node keeps: a user, a
// tenant or a credential changed, and the next request of every client
// reads its token again.
func (s *Service) ForgetIdentities() { s.ids.ForgetAll() }

// Logout revokes the token the principal authenticated with.
func (s *Service) Logout(ctx context.Context, by *permission.Principal) error {
	now := s.cfg.Now()
	return s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.Tokens().Revoke(ctx, by.TenantID, by.UserID, by.TokenID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, audit.ActionLogout, "user", by.UserID, now), revoked(by.UserID))
	})
}

// revoked announces that some of a user's credentials ended, so open
// sockets check theirs at once.
func revoked(userID string) event.Event {
	return event.Event{Subject: event.CredentialsRevoked, Data: event.Change{ID: userID}}
}

// Me returns the principal's user record.
func (s *Service) Me(ctx context.Context, by *permission.Principal) (*user.User, error) {
	return s.cfg.Users.Get(ctx, by.TenantID, by.UserID)
}
