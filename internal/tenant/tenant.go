// Package tenant manages tenants: the isolated organisations that share one
// Switchboard deployment. Every tenant-owned row carries its tenant's ID, and
// only the platform administrator works across tenants.
package tenant

import (
	"context"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/secret"
	"github.com/switchboardhq/switchboard/internal/user"
)

// Status is a tenant's state. Users of a suspended tenant cannot sign in.
type Status string

// The tenant states.
const (
	StatusActive    Status = "active"
	StatusSuspended Status = "suspended"
)

// Tenant is one organisation.
type Tenant struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Status    Status    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Store persists tenants.
type Store interface {
	Create(ctx context.Context, t *Tenant) error
	Get(ctx context.Context, id string) (*Tenant, error)
	List(ctx context.Context, p *ListParams) ([]*Tenant, error)
	Update(ctx context.Context, t *Tenant) error // name, status, updated_at
	// Settings reads, and UpdateSettings writes (with updated_at), what the
	// tenant's own administrator changes.
	Settings(ctx context.Context, id string) (*Settings, error)
	UpdateSettings(ctx context.Context, id string, s *Settings, at time.Time) error
}

// ListParams selects a page of tenants in creation order.
type ListParams struct {
	After string
	Limit int
}

// Tx is the transactional view the service writes through.
type Tx interface {
	audit.Recorder
	Tenants() Store
	Users() user.Store
}

// ErrNotFound is returned for an unknown tenant.
var ErrNotFound = errcode.New(errcode.NotFound, "tenant not found")

// Service applies the rules for managing tenants.
type Service struct {
	cfg Config
}

// Config wires a Service.
type Config struct {
	Tenants Store
	InTx    func(ctx context.Context, fn func(Tx) error) error
	Hasher  secret.Hasher
	Now     func() time.Time
	NewID   func() string
}

// NewService returns a Service.
func NewService(cfg Config) *Service { return &Service{cfg: cfg} }

// CreateParams describes a new tenant and its first administrator.
type CreateParams struct {
	Name          string
	AdminEmail    string
	AdminPassword string
	AdminName     string
}

// Created is a new tenant with its first administrator.
type Created struct {
	Tenant *Tenant
	Admin  *user.User
}

// Create adds a tenant and its first admin in one transaction.
func (s *Service) Create(ctx context.Context, by *permission.Principal, p *CreateParams) (*Created, error) {
	email, err := user.NormalizeEmail(p.AdminEmail)
	if err != nil {
		return nil, err
	}
	if why := secret.CheckPasswordPolicy(p.AdminPassword); why != "" {
		return nil, errcode.New(errcode.PasswordTooWeak, why)
	}
	hash, err := s.cfg.Hasher.HashPassword(p.AdminPassword)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	t := &Tenant{ID: s.cfg.NewID(), Name: strings.TrimSpace(p.Name), Status: StatusActive, CreatedAt: now, UpdatedAt: now}
	name := strings.TrimSpace(p.AdminName)
	if name == "" {
		name = "Administrator"
	}
	admin := &user.User{
		ID: s.cfg.NewID(), TenantID: t.ID, Email: email, Name: name, Role: permission.RoleAdmin,
		Status: user.StatusActive, PasswordHash: hash, TeamIDs: []string{}, Skills: []user.SkillLevel{}, Capacity: user.DefaultCapacity(),
		CreatedAt: now, UpdatedAt: now,
	}
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.Tenants().Create(ctx, t); err != nil {
			return err
		}
		if err := tx.Users().Create(ctx, admin); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, audit.ActionTenantCreated, "tenant", t.ID, now).
			With(map[string]any{"admin_id": admin.ID}),
			event.Event{Subject: event.TenantCreated, Data: event.Change{ID: t.ID}})
	})
	if err != nil {
		return nil, err
	}
	return &Created{Tenant: t, Admin: admin}, nil
}

// Get returns a tenant.
func (s *Service) Get(ctx context.Context, id string) (*Tenant, error) {
	return s.cfg.Tenants.Get(ctx, id)
}

// List returns a page of tenants.
func (s *Service) List(ctx context.Context, p ListParams) ([]*Tenant, error) {
	return s.cfg.Tenants.List(ctx, &p)
}

// UpdateParams is a partial update.
type UpdateParams struct {
	Name   *string
	Status *Status
}

// Update renames, suspends or reactivates a tenant.
func (s *Service) Update(ctx context.Context, by *permission.Principal, id string, p *UpdateParams) (*Tenant, error) {
	if p.Status != nil && *p.Status != StatusActive && *p.Status != StatusSuspended {
		return nil, errcode.New(errcode.ValidationFailed, "status must be active or suspended")
	}
	now := s.cfg.Now()
	var out *Tenant
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		t, err := tx.Tenants().Get(ctx, id)
		if err != nil {
			return err
		}
		out = t
		var fields []string
		if p.Name != nil && strings.TrimSpace(*p.Name) != t.Name {
			t.Name, fields = strings.TrimSpace(*p.Name), append(fields, "name")
		}
		if p.Status != nil && *p.Status != t.Status {
			t.Status, fields = *p.Status, append(fields, "status")
		}
		if len(fields) == 0 {
			return nil
		}
		t.UpdatedAt = now
		if err := tx.Tenants().Update(ctx, t); err != nil {
			return err
		}
		e := audit.By(by, audit.ActionTenantUpdated, "tenant", t.ID, now).With(map[string]any{"fields": fields})
		return audit.Record(ctx, tx, e, event.Event{Subject: event.TenantUpdated, Data: event.Change{ID: t.ID, Fields: fields}})
	})
	return out, err
}
