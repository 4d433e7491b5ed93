// Package webchat is the web chat channel: visitor sessions (anonymous
// visitor tokens and HMAC identity verification), the visitor WebSocket, and
// the embeddable widget with its demo page. The protocol is
// docs/protocol/webchat.md.
package webchat

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/inbox"
	"github.com/switchboardhq/switchboard/internal/ratelimit"
	"github.com/switchboardhq/switchboard/internal/secret"
)

// Inboxes finds an inbox by its public key.
type Inboxes interface {
	GetByKey(ctx context.Context, key string) (*inbox.Inbox, error)
}

// Service opens visitor sessions.
type Service struct {
	cfg      Config
	sessions *ratelimit.Limiter // per client IP
	// inboxes caches inboxes by key for inboxCacheTTL: every session and
	// socket names its inbox, and settings changes may take that long to
	// reach visitors.
	inboxes sync.Map // key → cachedInbox
}

const inboxCacheTTL = 5 * time.Second

type cachedInbox struct {
	in      *inbox.Inbox
	expires time.Time
}

// Config wires a Service.
type Config struct {
	Inboxes       Inboxes
	Customers     customer.Store
	Conversations *conversation.Service
	Store         conversation.Store
	// Write runs fn in a (group-committed) write transaction.
	Write func(ctx context.Context, fn func(conversation.Tx) error) error
	// Online reports whether an agent who serves the inbox is connected.
	Online func(ctx context.Context, in *inbox.Inbox) bool
	// DefaultLocale returns the tenant's default language, which the
	// widget speaks when the browser asks for none it knows.
	DefaultLocale func(ctx context.Context, tenantID string) (string, error)
	// ClaimDeclared makes the email address and phone number a visitor
	// gave the customer's identities where they are valid and free
	// (customer.Service.ClaimDeclared); nil skips it.
	ClaimDeclared func(ctx context.Context, cs customer.Store, c *customer.Customer, email, phone string, at time.Time) error
	Rand          io.Reader
	Now           func() time.Time
	NewID         func() string
	// RateLimits turns per-IP and per-visitor limits on (the default).
	RateLimits bool
}

// NewService returns a Service. Sessions are limited to 30 per client IP,
// refilled at one every 2 seconds.
func NewService(cfg Config) *Service {
	return &Service{cfg: cfg, sessions: ratelimit.New(2*time.Second, 30, cfg.Now)}
}

// SessionParams are a widget's session request.
type SessionParams struct {
	Key            string
	VisitorToken   string
	Identifier     string
	IdentifierHash string
	Name           string
	Email          string
	Phone          string
	IP             string
}

// Session is an open visitor session.
type Session struct {
	VisitorToken   string
	CustomerID     string
	ConversationID string
	LastSeq        int64
	Inbox          *inbox.Inbox
	AgentsOnline   bool
	// DefaultLocale is the tenant's default language (en, zh-CN).
	DefaultLocale string
	// New is true when the visitor token was issued now.
	New bool
}

// Errors.
var (
	ErrUnknownInbox = errcode.New(errcode.NotFound, "no inbox has this key")
	ErrIdentity     = errcode.New(errcode.IdentityInvalid, "the identity hash does not match the identifier")
	ErrIdentityNeed = errcode.New(errcode.IdentityInvalid, "this inbox requires a verified identity")
	ErrVisitor      = errcode.New(errcode.VisitorUnknown, "unknown visitor token; open a session first")
)

// Open resolves (or creates) the visitor's customer and current
// conversation.
func (s *Service) Open(ctx context.Context, p *SessionParams) (*Session, error) {
	sess, err := s.open(ctx, p)
	if err != nil {
		return nil, err
	}
	if sess.DefaultLocale, err = s.cfg.DefaultLocale(ctx, sess.Inbox.TenantID); err != nil {
		return nil, err
	}
	return sess, nil
}

func (s *Service) open(ctx context.Context, p *SessionParams) (*Session, error) {
	in, err := s.Inbox(ctx, p.Key)
	if err != nil {
		return nil, err
	}
	if s.cfg.RateLimits {
		if ok, wait := s.sessions.Allow(p.IP); !ok {
			e := errcode.New(errcode.RateLimited, "too many chat sessions from this address")
			e.RetryAfter = wait
			return nil, e
		}
	}
	if err := verify(in, p.Identifier, p.IdentifierHash); err != nil {
		return nil, err
	}
	if sess, ok, err := s.returning(ctx, in, p); err != nil || ok {
		return sess, err
	}
	sess := &Session{Inbox: in}
	err = s.cfg.Write(ctx, func(tx conversation.Tx) error {
		cu, token, isNew, err := s.resolve(ctx, tx.Customers(), in, p)
		if err != nil {
			return err
		}
		sess.VisitorToken, sess.CustomerID, sess.New = token, cu.ID, isNew
		c, err := tx.Conversations().FindActive(ctx, in.TenantID, in.ID, cu.ID)
		if errors.Is(err, conversation.ErrNotFound) {
			c, err = s.cfg.Conversations.StartIn(ctx, tx, &conversation.StartParams{TenantID: in.TenantID,
				InboxID: in.ID, CustomerID: cu.ID, Channel: string(in.Channel)})
		}
		if err != nil {
			return err
		}
		sess.ConversationID, sess.LastSeq = c.ID, c.LastSeq
		return nil
	})
	if err != nil {
		return nil, err
	}
	sess.AgentsOnline = s.cfg.Online(ctx, in)
	return sess, nil
}

// Inbox returns the web chat inbox with a public key (ErrUnknownInbox
// otherwise), from a cache that keeps it for inboxCacheTTL: every widget
// request names its inbox.
func (s *Service) Inbox(ctx context.Context, key string) (*inbox.Inbox, error) {
	now := s.cfg.Now()
	if v, ok := s.inboxes.Load(key); ok && now.Before(v.(cachedInbox).expires) {
		return v.(cachedInbox).in, nil
	}
	in, err := s.cfg.Inboxes.GetByKey(ctx, key)
	if err == nil && in.Channel == inbox.ChannelWebchat {
		s.inboxes.Store(key, cachedInbox{in: in, expires: now.Add(inboxCacheTTL)})
	}
	if errors.Is(err, inbox.ErrNotFound) || (err == nil && in.Channel != inbox.ChannelWebchat) {
		return nil, ErrUnknownInbox
	}
	return in, err
}

// verify checks a site's identity assertion: hex HMAC-SHA256 of the
// identifier under the inbox's identity secret.
func verify(in *inbox.Inbox, identifier, hash string) error {
	if identifier == "" {
		if in.Settings.IdentityRequired {
			return ErrIdentityNeed
		}
		return nil
	}
	want := IdentityHash(in.IdentitySecret, identifier)
	if !hmac.Equal([]byte(strings.ToLower(hash)), []byte(want)) {
		return ErrIdentity
	}
	return nil
}

// IdentityHash is what a site computes on its server for identifier.
func IdentityHash(secret, identifier string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(identifier))
	return hex.EncodeToString(mac.Sum(nil))
}

// returning answers the common page load of a known visitor — a token (and
// identifier) of one customer, an unchanged profile and an active
// conversation — from reads alone, without taking the single writer. Any
// other case (ok false) goes through Open's write.
func (s *Service) returning(ctx context.Context, in *inbox.Inbox, p *SessionParams) (sess *Session, ok bool, err error) {
	if p.VisitorToken == "" {
		return nil, false, nil
	}
	cu, err := s.cfg.Customers.FindByIdentity(ctx, in.TenantID, visitorIdentity(p.VisitorToken))
	if errors.Is(err, customer.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if (p.Name != "" && p.Name != cu.Name) || (p.Email != "" && p.Email != cu.Email) || (p.Phone != "" && p.Phone != cu.Phone) {
		return nil, false, nil
	}
	if p.Identifier != "" {
		known, err := s.cfg.Customers.FindByIdentity(ctx, in.TenantID, customer.Identity{Kind: customer.IdentityExternal, Value: p.Identifier})
		if errors.Is(err, customer.ErrNotFound) || (err == nil && known.ID != cu.ID) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
	c, err := s.cfg.Store.FindActive(ctx, in.TenantID, in.ID, cu.ID)
	if errors.Is(err, conversation.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return &Session{Inbox: in, VisitorToken: p.VisitorToken, CustomerID: cu.ID, ConversationID: c.ID, LastSeq: c.LastSeq,
		AgentsOnline: s.cfg.Online(ctx, in)}, true, nil
}

// resolve finds the customer behind the visitor token and identifier, or
// creates one. It returns the token the visitor should keep.
func (s *Service) resolve(ctx context.Context, cs customer.Store, in *inbox.Inbox, p *SessionParams) (*customer.Customer, string, bool, error) {
	now := s.cfg.Now()
	var cu *customer.Customer
	token, isNew := p.VisitorToken, false
	if token != "" {
		c, err := cs.FindByIdentity(ctx, in.TenantID, visitorIdentity(token))
		switch {
		case err == nil:
			cu = c
		case errors.Is(err, customer.ErrNotFound):
			token = "" // unknown here (another tenant's, or forged): start afresh
		default:
			return nil, "", false, err
		}
	}
	if p.Identifier != "" {
		ext := customer.Identity{Kind: customer.IdentityExternal, Value: p.Identifier}
		known, err := cs.FindByIdentity(ctx, in.TenantID, ext)
		switch {
		case err == nil:
			if cu == nil || cu.ID != known.ID {
				cu, token = known, "" // the identified customer wins; this browser gets a token of theirs
			}
		case errors.Is(err, customer.ErrNotFound):
			if cu != nil {
				if err := cs.AddIdentity(ctx, in.TenantID, cu.ID, ext, now); err != nil {
					return nil, "", false, err
				}
			}
		default:
			return nil, "", false, err
		}
	}
	if token == "" {
		t, err := secret.NewToken(s.cfg.Rand, "sbv")
		if err != nil {
			return nil, "", false, err
		}
		token, isNew = t.Plain, true
	}
	if cu == nil {
		cu = &customer.Customer{ID: s.cfg.NewID(), TenantID: in.TenantID, Name: p.Name, Email: p.Email, Phone: p.Phone,
			CreatedAt: now, UpdatedAt: now}
		if err := cs.Create(ctx, cu, visitorIdentity(token)); err != nil {
			return nil, "", false, err
		}
		if p.Identifier != "" {
			ext := customer.Identity{Kind: customer.IdentityExternal, Value: p.Identifier}
			if err := cs.AddIdentity(ctx, in.TenantID, cu.ID, ext, now); err != nil {
				return nil, "", false, err
			}
		}
		return cu, token, isNew, s.claim(ctx, cs, cu, p, now)
	}
	if isNew {
		if err := cs.AddIdentity(ctx, in.TenantID, cu.ID, visitorIdentity(token), now); err != nil {
			return nil, "", false, err
		}
	}
	if p.Name != "" || p.Email != "" || p.Phone != "" {
		upd := &customer.Customer{ID: cu.ID, TenantID: cu.TenantID, Name: p.Name, Email: p.Email, Phone: p.Phone, UpdatedAt: now}
		if err := cs.UpdateProfile(ctx, upd); err != nil {
			return nil, "", false, err
		}
		if p.Name != "" {
			cu.Name = p.Name
		}
		if err := s.claim(ctx, cs, cu, p, now); err != nil {
			return nil, "", false, err
		}
	}
	return cu, token, isNew, nil
}

// claim offers the pre-chat email and phone as the customer's identities.
func (s *Service) claim(ctx context.Context, cs customer.Store, cu *customer.Customer, p *SessionParams, at time.Time) error {
	if s.cfg.ClaimDeclared == nil || (p.Email == "" && p.Phone == "") {
		return nil
	}
	return s.cfg.ClaimDeclared(ctx, cs, cu, p.Email, p.Phone, at)
}

func visitorIdentity(token string) customer.Identity {
	return customer.Identity{Kind: customer.IdentityVisitor, Value: secret.Digest(token)}
}

// Visitor is an authenticated visitor socket's owner.
type Visitor struct {
	Inbox    *inbox.Inbox
	Customer *customer.Customer
	// Conversation is the visitor's current conversation (may be nil).
	Conversation *conversation.Conversation
}

// Visitor resolves a visitor token for an inbox key.
func (s *Service) Visitor(ctx context.Context, key, token string) (*Visitor, error) {
	in, err := s.Inbox(ctx, key)
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, ErrVisitor
	}
	cu, err := s.cfg.Customers.FindByIdentity(ctx, in.TenantID, visitorIdentity(token))
	if errors.Is(err, customer.ErrNotFound) {
		return nil, ErrVisitor
	}
	if err != nil {
		return nil, err
	}
	v := &Visitor{Inbox: in, Customer: cu}
	c, err := s.cfg.Store.FindActive(ctx, in.TenantID, in.ID, cu.ID)
	if err == nil {
		v.Conversation = c
	} else if !errors.Is(err, conversation.ErrNotFound) {
		return nil, err
	}
	return v, nil
}
