package cannedreply

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Service applies the rules for canned replies.
type Service struct {
	cfg Config
}

// Config wires a Service.
type Config struct {
	// Replies serves reads outside transactions.
	Replies Store
	// InTx runs fn in one database transaction.
	InTx  func(ctx context.Context, fn func(Tx) error) error
	Now   func() time.Time
	NewID func() string
}

// NewService returns a Service.
func NewService(cfg Config) *Service { return &Service{cfg: cfg} }

// Params are the writable fields; nil fields are left unchanged on update
// and empty on create.
type Params struct {
	Shortcut *string
	Title    *string
	Body     *string
	// TeamID limits the reply to a team; "" makes it tenant-wide.
	TeamID *string
}

// Create adds a reply to the caller's tenant.
func (s *Service) Create(ctx context.Context, by *permission.Principal, p *Params) (*Reply, error) {
	now := s.cfg.Now()
	r := &Reply{ID: s.cfg.NewID(), TenantID: by.TenantID, CreatedBy: by.UserID, CreatedAt: now, UpdatedAt: now}
	applyParams(r, p)
	if err := validate(r); err != nil {
		return nil, err
	}
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.CannedReplies().Create(ctx, r); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionCreated, "canned_reply", r.ID, now).With(map[string]any{"shortcut": r.Shortcut}),
			event.Event{Subject: EventCreated, Data: event.Change{ID: r.ID}})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Get returns a reply the caller may see.
func (s *Service) Get(ctx context.Context, by *permission.Principal, id string) (*Reply, error) {
	r, err := s.cfg.Replies.Get(ctx, by.TenantID, id)
	if err != nil {
		return nil, err
	}
	if r.TeamID == "" || seesAll(by) {
		return r, nil
	}
	teams, err := s.cfg.Replies.MemberTeams(ctx, by.TenantID, by.UserID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(teams, r.TeamID) {
		// Another team's reply is reported as absent, like another tenant's.
		return nil, ErrNotFound
	}
	return r, nil
}

// List returns a page of the replies the caller may see, in shortcut order.
// A leading "/" in the query is ignored: agents type it to open the picker.
func (s *Service) List(ctx context.Context, by *permission.Principal, p ListParams) ([]*Reply, error) {
	p.TenantID, p.VisibleTo = by.TenantID, ""
	if !seesAll(by) {
		p.VisibleTo = by.UserID
	}
	p.Query = strings.TrimPrefix(strings.TrimSpace(p.Query), "/")
	return s.cfg.Replies.List(ctx, &p)
}

// Update changes a reply of the caller's tenant.
func (s *Service) Update(ctx context.Context, by *permission.Principal, id string, p *Params) (*Reply, error) {
	now := s.cfg.Now()
	var out *Reply
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		r, err := tx.CannedReplies().Get(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		out = r
		fields := applyParams(r, p)
		if len(fields) == 0 {
			return nil
		}
		if err := validate(r); err != nil {
			return err
		}
		r.UpdatedAt = now
		if err := tx.CannedReplies().Update(ctx, r); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionUpdated, "canned_reply", r.ID, now).With(map[string]any{"fields": fields}),
			event.Event{Subject: EventUpdated, Data: event.Change{ID: r.ID, Fields: fields}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete removes a reply of the caller's tenant. The audit entry keeps its
// shortcut, since the reply itself is gone.
func (s *Service) Delete(ctx context.Context, by *permission.Principal, id string) error {
	now := s.cfg.Now()
	return s.cfg.InTx(ctx, func(tx Tx) error {
		r, err := tx.CannedReplies().Get(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		if err := tx.CannedReplies().Delete(ctx, by.TenantID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionDeleted, "canned_reply", id, now).With(map[string]any{"shortcut": r.Shortcut}),
			event.Event{Subject: EventDeleted, Data: event.Change{ID: id}})
	})
}

// seesAll reports whether by sees every reply of the tenant: those who
// manage replies must see the team-limited ones to manage them.
func seesAll(by *permission.Principal) bool { return by.Can(permission.CannedRepliesWrite) }

// applyParams sets the given fields, trimmed, and returns the names of
// those that changed.
func applyParams(r *Reply, p *Params) []string {
	var fields []string
	set := func(dst *string, v *string, name string, trim bool) {
		if v == nil {
			return
		}
		nv := *v
		if trim {
			nv = strings.TrimSpace(nv)
		}
		if nv != *dst {
			*dst = nv
			fields = append(fields, name)
		}
	}
	set(&r.Shortcut, p.Shortcut, "shortcut", false)
	set(&r.Title, p.Title, "title", true)
	set(&r.Body, p.Body, "body", true)
	set(&r.TeamID, p.TeamID, "team_id", true)
	return fields
}
