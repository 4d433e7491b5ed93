// Package skill manages a tenant's skills: the abilities (languages, products,
// channels) that agents hold at a level from 1 to 5 and that routing matches
// work against.
package skill

import (
	"context"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Skill is one ability agents can hold.
type Skill struct {
	ID          string    `json:"id"`
	TenantID    string    `json:"tenant_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Store persists skills; every call is confined to one tenant.
type Store interface {
	Create(ctx context.Context, s *Skill) error // ErrNameTaken
	Get(ctx context.Context, tenantID, id string) (*Skill, error)
	List(ctx context.Context, p *ListParams) ([]*Skill, error)
	Update(ctx context.Context, s *Skill) error // name, description, updated_at
	// Delete removes the skill and every user's level in it.
	Delete(ctx context.Context, tenantID, id string) error
}

// ListParams selects a page of skills in creation order.
type ListParams struct {
	TenantID string
	After    string
	Limit    int
}

// Tx is the transactional view the service writes through.
type Tx interface {
	audit.Recorder
	Skills() Store
}

// Errors.
var (
	ErrNotFound  = errcode.New(errcode.NotFound, "skill not found")
	ErrNameTaken = errcode.New(errcode.NameTaken, "a skill with this name already exists")
)

// Service applies the rules for managing skills.
type Service struct {
	cfg Config
}

// Config wires a Service.
type Config struct {
	// Skills serves reads outside transactions.
	Skills Store
	// InTx runs fn in one database transaction.
	InTx  func(ctx context.Context, fn func(Tx) error) error
	Now   func() time.Time
	NewID func() string
}

// NewService returns a Service.
func NewService(cfg Config) *Service { return &Service{cfg: cfg} }

// Params are the writable fields; nil fields are left unchanged.
type Params struct {
	Name        *string
	Description *string
}

// Create adds a skill to the caller's tenant.
func (s *Service) Create(ctx context.Context, by *permission.Principal, p *Params) (*Skill, error) {
	now := s.cfg.Now()
	sk := &Skill{ID: s.cfg.NewID(), TenantID: by.TenantID, CreatedAt: now, UpdatedAt: now}
	applyParams(sk, p)
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.Skills().Create(ctx, sk); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, audit.ActionSkillCreated, "skill", sk.ID, now),
			event.Event{Subject: event.SkillCreated, Data: event.Change{ID: sk.ID}})
	})
	if err != nil {
		return nil, err
	}
	return sk, nil
}

// Get returns a skill of the caller's tenant.
func (s *Service) Get(ctx context.Context, by *permission.Principal, id string) (*Skill, error) {
	return s.cfg.Skills.Get(ctx, by.TenantID, id)
}

// List returns a page of the caller's tenant's skills.
func (s *Service) List(ctx context.Context, by *permission.Principal, p ListParams) ([]*Skill, error) {
	p.TenantID = by.TenantID
	return s.cfg.Skills.List(ctx, &p)
}

// Update changes a skill of the caller's tenant.
func (s *Service) Update(ctx context.Context, by *permission.Principal, id string, p *Params) (*Skill, error) {
	now := s.cfg.Now()
	var out *Skill
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		sk, err := tx.Skills().Get(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		out = sk
		fields := applyParams(sk, p)
		if len(fields) == 0 {
			return nil
		}
		sk.UpdatedAt = now
		if err := tx.Skills().Update(ctx, sk); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, audit.ActionSkillUpdated, "skill", sk.ID, now).With(map[string]any{"fields": fields}),
			event.Event{Subject: event.SkillUpdated, Data: event.Change{ID: sk.ID, Fields: fields}})
	})
	return out, err
}

// Delete removes a skill of the caller's tenant.
func (s *Service) Delete(ctx context.Context, by *permission.Principal, id string) error {
	now := s.cfg.Now()
	return s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.Skills().Delete(ctx, by.TenantID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, audit.ActionSkillDeleted, "skill", id, now),
			event.Event{Subject: event.SkillDeleted, Data: event.Change{ID: id}})
	})
}

func applyParams(sk *Skill, p *Params) []string {
	var fields []string
	if p.Name != nil && strings.TrimSpace(*p.Name) != sk.Name {
		sk.Name = strings.TrimSpace(*p.Name)
		fields = append(fields, "name")
	}
	if p.Description != nil && *p.Description != sk.Description {
		sk.Description = *p.Description
		fields = append(fields, "description")
	}
	return fields
}
