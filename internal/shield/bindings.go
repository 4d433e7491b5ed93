package shield

import (
	"context"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// BindingParams are a binding's writable fields. Type, A and X are set at
// creation only; nil fields are left unchanged on update.
type BindingParams struct {
	Type BindingType
	A    string
	// X asks for a specific binding number; "" lets the shield choose.
	X              string
	B              *string
	ExpiresIn      *int64 // seconds from now
	ExpiresAt      *time.Time
	Record         *bool
	ExternalID     *string
	Direction      *Direction
	AllowedCallers *[]string
}

// Limits of a binding.
const (
	maxAllowedCallers = 20
	maxExternalID     = 128
	// maxBindingTTL bounds expires_in, ten years, so the sum cannot
	// overflow.
	maxBindingTTL = 10 * 365 * 24 * 3600
)

// CreateBinding binds parties through a binding number X. X is the one
// asked for, or the first binding number on which none of the parties is
// bound already, so a party calling X always means one binding.
func (s *Service) CreateBinding(ctx context.Context, by *permission.Principal, p *BindingParams) (*Binding, error) {
	region, err := s.region(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	b := &Binding{ID: s.cfg.NewID(), TenantID: by.TenantID, Type: p.Type, Direction: DirectionBoth,
		AllowedCallers: []string{}, CreatedAt: now, UpdatedAt: now}
	if p.Type != BindingAXB && p.Type != BindingAXN {
		return nil, invalid("type", "must be axb or axn")
	}
	a, err := normalize(p.A, region, "a")
	if err != nil {
		return nil, err
	}
	b.A = a.E164
	if _, err := applyBinding(b, p, region, now); err != nil {
		return nil, err
	}
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		if b.X, err = s.chooseX(ctx, tx, b, p.X, region, now); err != nil {
			return err
		}
		if err := tx.Shield().CreateBinding(ctx, b, now); err != nil {
			return err
		}
		return bindingChange(ctx, tx, by, ActionBindingCreated, b, now, EventBindingSaved, nil)
	})
	if err != nil {
		return nil, err
	}
	s.cache.BindingChanged(by.TenantID, b.ID, b)
	return b, nil
}

// chooseX returns the X for b: want, if it is a free binding number, else
// the first free one.
func (s *Service) chooseX(ctx context.Context, tx Tx, b *Binding, want, region string, now time.Time) (string, error) {
	numbers, err := tx.Shield().Numbers(ctx, b.TenantID)
	if err != nil {
		return "", err
	}
	busy, err := tx.Shield().BusyNumbers(ctx, b.TenantID, b.Parties(), now)
	if err != nil {
		return "", err
	}
	if want != "" {
		info, ok := ParseNumber(want, region)
		if !ok || !slices.ContainsFunc(numbers, func(n *Number) bool { return n.Number == info.E164 && n.Purpose == PurposeBinding }) {
			return "", errcode.New(errcode.UnknownNumber, "x is not one of the tenant's binding numbers")
		}
		if slices.Contains(busy, info.E164) {
			return "", ErrPartyBound
		}
		return info.E164, nil
	}
	for _, n := range numbers {
		if n.Purpose == PurposeBinding && !slices.Contains(busy, n.Number) {
			return n.Number, nil
		}
	}
	return "", ErrNoBindingNumber
}

// Binding returns one of the caller's tenant's bindings.
func (s *Service) Binding(ctx context.Context, by *permission.Principal, id string) (*Binding, error) {
	return s.cfg.Store.GetBinding(ctx, by.TenantID, id)
}

// Bindings lists a page of the caller's tenant's bindings in creation
// order; live keeps those that have not expired.
func (s *Service) Bindings(ctx context.Context, by *permission.Principal, live bool, after string, limit int) ([]*Binding, error) {
	p := &BindingListParams{TenantID: by.TenantID, After: after, Limit: limit}
	if live {
		p.LiveAt = s.cfg.Now()
	}
	return s.cfg.Store.Bindings(ctx, p)
}

// UpdateBinding changes a binding's B, expiry, recording, external ID,
// direction or allowed callers.
func (s *Service) UpdateBinding(ctx context.Context, by *permission.Principal, id string, p *BindingParams) (*Binding, error) {
	region, err := s.region(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	var out *Binding
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		b, err := tx.Shield().GetBinding(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		fields, err := applyBinding(b, p, region, now)
		if err != nil {
			return err
		}
		out = b
		if len(fields) == 0 {
			return nil
		}
		b.UpdatedAt = now
		if err := tx.Shield().UpdateBinding(ctx, b, now); err != nil {
			return err
		}
		return bindingChange(ctx, tx, by, ActionBindingUpdated, b, now, EventBindingSaved, fields)
	})
	if err != nil {
		return nil, err
	}
	s.cache.BindingChanged(by.TenantID, out.ID, out)
	return out, nil
}

// DeleteBinding unbinds: calls through it are refused from now on.
func (s *Service) DeleteBinding(ctx context.Context, by *permission.Principal, id string) error {
	now := s.cfg.Now()
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		b, err := tx.Shield().GetBinding(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		if err := tx.Shield().DeleteBinding(ctx, by.TenantID, id); err != nil {
			return err
		}
		return bindingChange(ctx, tx, by, ActionBindingDeleted, b, now, EventBindingGone, nil)
	})
	if err != nil {
		return err
	}
	s.cache.BindingChanged(by.TenantID, id, nil)
	return nil
}

// bindingChange records a binding's change; the event makes the other
// nodes read the binding again. Details name X, never a party.
func bindingChange(ctx context.Context, tx Tx, by *permission.Principal, action string, b *Binding, at time.Time,
	subject string, fields []string) error {
	details := map[string]any{"type": b.Type, "x": b.X}
	if fields != nil {
		details["fields"] = fields
	}
	return audit.Record(ctx, tx, audit.By(by, action, "shield_binding", b.ID, at).With(details),
		event.Event{Subject: subject, Data: event.Change{ID: b.ID, Fields: fields}})
}

// CallEventParams report a call event on a binding.
type CallEventParams struct {
	Type   string // ring, answer or end
	CallID string
	Cause  string
}

// ReportCall records a call event the PBX saw on a binding; it leaves as
// a signed webhook. The attempt is recorded by Resolve itself.
func (s *Service) ReportCall(ctx context.Context, by *permission.Principal, id string, p *CallEventParams) error {
	switch p.Type {
	case "ring", "answer", "end":
	default:
		return invalid("type", "must be ring, answer or end")
	}
	b, err := s.cfg.Store.GetBinding(ctx, by.TenantID, id)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	ev := event.Event{Subject: EventCall, TenantID: by.TenantID, At: now,
		Data: CallEvent{Type: p.Type, BindingID: b.ID, ExternalID: b.ExternalID, CallID: p.CallID, Cause: p.Cause}}
	return s.cfg.InTx(ctx, func(tx Tx) error { return tx.Outbox().Append(ctx, ev) })
}

// QRParams describe a scan-to-call binding.
type QRParams struct {
	A          string
	ExpiresIn  *int64
	Record     *bool
	ExternalID *string
}

// qrTTL is how long a scan-to-call binding lasts unless told otherwise.
const qrTTL = 3600

// CreateQRBinding creates a short-lived AXN binding open to every caller:
// whoever scans its QR code (tel:X) and calls reaches A, and A can call
// the last of them back.
func (s *Service) CreateQRBinding(ctx context.Context, by *permission.Principal, p *QRParams) (*Binding, error) {
	ttl := p.ExpiresIn
	if ttl == nil {
		v := int64(qrTTL)
		ttl = &v
	}
	return s.CreateBinding(ctx, by, &BindingParams{Type: BindingAXN, A: p.A, ExpiresIn: ttl, Record: p.Record,
		ExternalID: p.ExternalID})
}
