package inbox

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Events.
const (
	EventCreated = "sb.inbox.created"
	EventUpdated = "sb.inbox.updated"
	EventDeleted = "sb.inbox.deleted"
)

// Service applies the rules for managing inboxes.
type Service struct {
	cfg Config
}

// Config wires a Service.
type Config struct {
	Inboxes Store
	InTx    func(ctx context.Context, fn func(Tx) error) error
	Rand    io.Reader
	Now     func() time.Time
	NewID   func() string
	// QueueExists checks a default queue ID of the tenant.
	QueueExists func(ctx context.Context, tenantID, id string) (bool, error)
	// QueueChanged, if set, runs once an inbox's default queue was set,
	// changed, or removed with the inbox, so that routing, which holds
	// the default queues, has the new one before the call returns.
	QueueChanged func(ctx context.Context, tenantID string) error
}

// NewService returns a Service.
func NewService(cfg Config) *Service {
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	return &Service{cfg: cfg}
}

// Params are the writable fields; nil fields are left unchanged.
type Params struct {
	Channel   Channel
	Name      *string
	Settings  *Settings
	MemberIDs *[]string
	// DefaultQueueID sets the queue for work no rule matched ("" none).
	DefaultQueueID *string
	// RotateSecret issues a new identity secret (update only).
	RotateSecret bool
}

// Create adds an inbox to the caller's tenant.
func (s *Service) Create(ctx context.Context, by *permission.Principal, p *Params) (*Inbox, error) {
	if p.Channel != ChannelWebchat {
		return nil, errcode.Errorf(errcode.ValidationFailed, "channel %q is not available yet; use webchat", p.Channel)
	}
	now := s.cfg.Now()
	in := &Inbox{ID: s.cfg.NewID(), TenantID: by.TenantID, Channel: p.Channel, MemberIDs: []string{},
		CreatedAt: now, UpdatedAt: now}
	var err error
	if in.Key, err = s.random("sbk_", 18); err != nil {
		return nil, err
	}
	if in.IdentitySecret, err = s.random("", 32); err != nil {
		return nil, err
	}
	if err := s.checkQueue(ctx, in.TenantID, p); err != nil {
		return nil, err
	}
	if _, err := s.apply(in, p); err != nil {
		return nil, err
	}
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.Inboxes().Create(ctx, in); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, "inbox.created", "inbox", in.ID, now),
			event.Event{Subject: EventCreated, Data: event.Change{ID: in.ID}})
	})
	if err != nil {
		return nil, err
	}
	if in.DefaultQueueID != "" {
		return in, s.queueChanged(ctx, in.TenantID)
	}
	return in, nil
}

func (s *Service) queueChanged(ctx context.Context, tenantID string) error {
	if s.cfg.QueueChanged == nil {
		return nil
	}
	return s.cfg.QueueChanged(ctx, tenantID)
}

// Get returns an inbox of the caller's tenant.
func (s *Service) Get(ctx context.Context, by *permission.Principal, id string) (*Inbox, error) {
	return s.cfg.Inboxes.Get(ctx, by.TenantID, id)
}

// GetByKey returns the inbox with a public key.
func (s *Service) GetByKey(ctx context.Context, key string) (*Inbox, error) {
	return s.cfg.Inboxes.GetByKey(ctx, key)
}

// List returns a page of the caller's tenant's inboxes.
func (s *Service) List(ctx context.Context, by *permission.Principal, p ListParams) ([]*Inbox, error) {
	p.TenantID = by.TenantID
	return s.cfg.Inboxes.List(ctx, &p)
}

// Update changes an inbox.
func (s *Service) Update(ctx context.Context, by *permission.Principal, id string, p *Params) (*Inbox, error) {
	now := s.cfg.Now()
	var out *Inbox
	queueChanged := false
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		in, err := tx.Inboxes().Get(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		out = in
		if err := s.checkQueue(ctx, in.TenantID, p); err != nil {
			return err
		}
		fields, err := s.apply(in, p)
		if err != nil {
			return err
		}
		if p.RotateSecret {
			if in.IdentitySecret, err = s.random("", 32); err != nil {
				return err
			}
			fields = append(fields, "identity_secret")
		}
		if len(fields) == 0 {
			return nil
		}
		in.UpdatedAt = now
		if err := tx.Inboxes().Update(ctx, in); err != nil {
			return err
		}
		queueChanged = slices.Contains(fields, "default_queue_id")
		return audit.Record(ctx, tx, audit.By(by, "inbox.updated", "inbox", in.ID, now).With(map[string]any{"fields": fields}),
			event.Event{Subject: EventUpdated, Data: event.Change{ID: in.ID, Fields: fields}})
	})
	if err == nil && queueChanged {
		err = s.queueChanged(ctx, by.TenantID)
	}
	return out, err
}

// Delete removes an inbox that has no conversations.
func (s *Service) Delete(ctx context.Context, by *permission.Principal, id string) error {
	now := s.cfg.Now()
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.Inboxes().Delete(ctx, by.TenantID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, "inbox.deleted", "inbox", id, now),
			event.Event{Subject: EventDeleted, Data: event.Change{ID: id}})
	})
	if err != nil {
		return err
	}
	return s.queueChanged(ctx, by.TenantID)
}

func (s *Service) apply(in *Inbox, p *Params) ([]string, error) {
	var fields []string
	if p.Name != nil && strings.TrimSpace(*p.Name) != in.Name {
		in.Name = strings.TrimSpace(*p.Name)
		fields = append(fields, "name")
	}
	if p.Settings != nil {
		st := *p.Settings
		if err := validate(&st); err != nil {
			return nil, err
		}
		in.Settings = st
		fields = append(fields, "settings")
	}
	in.Settings.Defaults()
	if p.DefaultQueueID != nil && *p.DefaultQueueID != in.DefaultQueueID {
		in.DefaultQueueID = *p.DefaultQueueID
		fields = append(fields, "default_queue_id")
	}
	if p.MemberIDs != nil {
		ids := slices.Clone(*p.MemberIDs)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if !slices.Equal(ids, in.MemberIDs) {
			in.MemberIDs = ids
			fields = append(fields, "member_ids")
		}
	}
	return fields, nil
}

// ErrUnknownQueue refuses a default queue that is not the tenant's.
var ErrUnknownQueue = errcode.New(errcode.UnknownQueue, "default_queue_id is not a queue of this tenant")

func (s *Service) checkQueue(ctx context.Context, tenantID string, p *Params) error {
	if p.DefaultQueueID == nil || *p.DefaultQueueID == "" || s.cfg.QueueExists == nil {
		return nil
	}
	ok, err := s.cfg.QueueExists(ctx, tenantID, *p.DefaultQueueID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrUnknownQueue
	}
	return nil
}

func validate(st *Settings) error {
	st.Defaults()
	for i, o := range st.AllowedOrigins {
		u, err := url.Parse(strings.TrimRight(o, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			return errcode.Errorf(errcode.ValidationFailed, "allowed origin %q must look like https://example.com", o)
		}
		st.AllowedOrigins[i] = u.Scheme + "://" + strings.ToLower(u.Host)
	}
	for _, f := range st.Prechat.Fields {
		if f != "name" && f != "email" && f != "phone" {
			return errcode.Errorf(errcode.ValidationFailed, "pre-chat field %q is not one of name, email, phone", f)
		}
	}
	return nil
}

// random returns prefix plus n random bytes, base64url-encoded.
func (s *Service) random(prefix string, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.cfg.Rand, b); err != nil {
		return "", fmt.Errorf("inbox: random: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// OriginAllowed reports whether a browser origin may embed the inbox's
// widget.
func (in *Inbox) OriginAllowed(origin string) bool {
	if len(in.Settings.AllowedOrigins) == 0 {
		return true
	}
	return slices.Contains(in.Settings.AllowedOrigins, strings.ToLower(strings.TrimRight(origin, "/")))
}
