package customer

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Tier is one level of the tenant's customer tiers (standard, senior, vip
// by default). Customers name their tier by Name, which rules compare
// (customer.tier == "vip"); Label is what people read.
type Tier struct {
	TenantID  string    `json:"-"`
	Name      string    `json:"name"`
	Label     string    `json:"label"`
	Position  int       `json:"position"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DefaultTiers are the tiers every tenant starts with.
func DefaultTiers() []Tier {
	return []Tier{{Name: "standard", Label: "Standard", Position: 1}, {Name: "senior", Label: "Senior", Position: 2},
		{Name: "vip", Label: "VIP", Position: 3}}
}

// TierStore persists a tenant's tiers.
type TierStore interface {
	// List returns the tenant's tiers by position, then name.
	List(ctx context.Context, tenantID string) ([]*Tier, error)
	Get(ctx context.Context, tenantID, name string) (*Tier, error)
	// Create inserts a tier. ErrTierTaken.
	Create(ctx context.Context, t *Tier) error
	// Update writes label, position and updated_at.
	Update(ctx context.Context, t *Tier) error
	// Delete removes a tier no customer has. ErrTierInUse.
	Delete(ctx context.Context, tenantID, name string) error
}

// Tier limits.
const (
	maxTiers      = 50
	maxTierLabel  = 50
	maxTierPlaces = 1000
)

// Tier audit actions and events.
const (
	ActionTierCreated = "customer_tier.created"
	ActionTierUpdated = "customer_tier.updated"
	ActionTierDeleted = "customer_tier.deleted"

	EventTiersChanged = "sb.customer_tier.changed"
)

// Tier errors.
var (
	ErrTierNotFound = errcode.New(errcode.NotFound, "customer tier not found")
	ErrTierTaken    = errcode.New(errcode.NameTaken, "another customer tier already has this name")
	ErrTierInUse    = errcode.New(errcode.TierInUse, "customers still have this tier; move them to another tier first")
	errTooManyTiers = errcode.Errorf(errcode.ValidationFailed, "a tenant has at most %d customer tiers", maxTiers)
)

var tierName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// TierParams are a tier's writable fields; nil leaves a field unchanged
// on update. A new tier without a label is labelled with its name, and
// without a position goes last.
type TierParams struct {
	Name     string
	Label    *string
	Position *int
}

// Tiers lists the caller's tenant's tiers.
func (s *Service) Tiers(ctx context.Context, by *permission.Principal) ([]*Tier, error) {
	return s.cfg.Tiers.List(ctx, by.TenantID)
}

// CreateTier adds a tier to the caller's tenant.
func (s *Service) CreateTier(ctx context.Context, by *permission.Principal, p *TierParams) (*Tier, error) {
	now := s.cfg.Now()
	t := &Tier{TenantID: by.TenantID, Name: p.Name, Label: p.Name, CreatedAt: now, UpdatedAt: now}
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		all, err := tx.CustomerTiers().List(ctx, by.TenantID)
		if err != nil {
			return err
		}
		if len(all) >= maxTiers {
			return errTooManyTiers
		}
		for _, o := range all {
			t.Position = max(t.Position, o.Position+1)
		}
		p.apply(t)
		if err := t.validate(); err != nil {
			return err
		}
		if err := tx.CustomerTiers().Create(ctx, t); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionTierCreated, "customer_tier", t.Name, now),
			event.Event{Subject: EventTiersChanged, Data: event.Change{ID: t.Name}})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateTier changes a tier's label or position.
func (s *Service) UpdateTier(ctx context.Context, by *permission.Principal, p *TierParams) (*Tier, error) {
	now := s.cfg.Now()
	var out *Tier
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		t, err := tx.CustomerTiers().Get(ctx, by.TenantID, p.Name)
		if err != nil {
			return err
		}
		out = t
		fields := p.apply(t)
		if len(fields) == 0 {
			return nil
		}
		if err := t.validate(); err != nil {
			return err
		}
		t.UpdatedAt = now
		if err := tx.CustomerTiers().Update(ctx, t); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionTierUpdated, "customer_tier", t.Name, now).With(map[string]any{"fields": fields}),
			event.Event{Subject: EventTiersChanged, Data: event.Change{ID: t.Name, Fields: fields}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteTier removes a tier that no customer has.
func (s *Service) DeleteTier(ctx context.Context, by *permission.Principal, name string) error {
	now := s.cfg.Now()
	return s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.CustomerTiers().Delete(ctx, by.TenantID, name); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionTierDeleted, "customer_tier", name, now),
			event.Event{Subject: EventTiersChanged, Data: event.Change{ID: name}})
	})
}

// apply sets the given fields, trimmed, and returns the names of those
// that changed.
func (p *TierParams) apply(t *Tier) []string {
	var fields []string
	if p.Label != nil && strings.TrimSpace(*p.Label) != t.Label {
		t.Label, fields = strings.TrimSpace(*p.Label), append(fields, "label")
	}
	if p.Position != nil && *p.Position != t.Position {
		t.Position, fields = *p.Position, append(fields, "position")
	}
	return fields
}

func (t *Tier) validate() error {
	var d []errcode.Detail
	if !tierName.MatchString(t.Name) {
		d = append(d, errcode.Detail{Field: "name", Message: "must be 1 to 32 lower-case letters, digits, - or _, starting with a letter"})
	}
	if n := utf8.RuneCountInString(t.Label); n < 1 || n > maxTierLabel {
		d = append(d, errcode.Detail{Field: "label", Message: "must be 1 to 50 characters, not only spaces"})
	}
	if t.Position < 0 || t.Position > maxTierPlaces {
		d = append(d, errcode.Detail{Field: "position", Message: "must be 0 to 1000"})
	}
	if len(d) > 0 {
		return &errcode.Error{Code: errcode.ValidationFailed, Message: "the customer tier is invalid", Details: d}
	}
	return nil
}
