// Package team manages teams: named groups of a tenant's users that routing,
// reporting and supervisors work with.
package team

import (
	"context"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Team is a group of users in one tenant.
type Team struct {
	ID          string    `json:"id"`
	TenantID    string    `json:"tenant_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	MemberIDs   []string  `json:"member_ids"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Store persists teams; every call is confined to one tenant.
type Store interface {
	// Create inserts t and its members. ErrNameTaken, ErrUnknownUser.
	Create(ctx context.Context, t *Team) error
	Get(ctx context.Context, tenantID, id string) (*Team, error)
	List(ctx context.Context, p *ListParams) ([]*Team, error)
	// Update writes name, description, members and updated_at.
	Update(ctx context.Context, t *Team) error
	Delete(ctx context.Context, tenantID, id string) error
}

// ListParams selects a page of teams in creation order.
type ListParams struct {
	TenantID string
	After    string
	Limit    int
}

// Tx is the transactional view the service writes through.
type Tx interface {
	audit.Recorder
	Teams() Store
}

// Errors.
var (
	ErrNotFound    = errcode.New(errcode.NotFound, "team not found")
	ErrNameTaken   = errcode.New(errcode.NameTaken, "a team with this name already exists")
	ErrUnknownUser = errcode.New(errcode.UnknownUser, "a user in member_ids does not exist")
)

// Service applies the rules for managing teams.
type Service struct {
	cfg Config
}

// Config wires a Service.
type Config struct {
	// Teams serves reads outside transactions.
	Teams Store
	// InTx runs fn in one database transaction.
	InTx  func(ctx context.Context, fn func(Tx) error) error
	Now   func() time.Time
	NewID func() string
}

// NewService returns a Service.
func NewService(cfg Config) *Service { return &Service{cfg: cfg} }

// Params are the writable fields; nil fields are left unchanged on update and
// empty on create.
type Params struct {
	Name        *string
	Description *string
	MemberIDs   *[]string
}

// Create adds a team to the caller's tenant.
func (s *Service) Create(ctx context.Context, by *permission.Principal, p *Params) (*Team, error) {
	now := s.cfg.Now()
	t := &Team{ID: s.cfg.NewID(), TenantID: by.TenantID, MemberIDs: []string{}, CreatedAt: now, UpdatedAt: now}
	applyParams(t, p)
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.Teams().Create(ctx, t); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, audit.ActionTeamCreated, "team", t.ID, now),
			event.Event{Subject: event.TeamCreated, Data: event.Change{ID: t.ID}})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Get returns a team of the caller's tenant.
func (s *Service) Get(ctx context.Context, by *permission.Principal, id string) (*Team, error) {
	return s.cfg.Teams.Get(ctx, by.TenantID, id)
}

// List returns a page of the caller's tenant's teams.
func (s *Service) List(ctx context.Context, by *permission.Principal, p ListParams) ([]*Team, error) {
	p.TenantID = by.TenantID
	return s.cfg.Teams.List(ctx, &p)
}

// Update changes a team of the caller's tenant.
func (s *Service) Update(ctx context.Context, by *permission.Principal, id string, p *Params) (*Team, error) {
	now := s.cfg.Now()
	var out *Team
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		t, err := tx.Teams().Get(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		out = t
		fields := applyParams(t, p)
		if len(fields) == 0 {
			return nil
		}
		t.UpdatedAt = now
		if err := tx.Teams().Update(ctx, t); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, audit.ActionTeamUpdated, "team", t.ID, now).With(map[string]any{"fields": fields}),
			event.Event{Subject: event.TeamUpdated, Data: event.Change{ID: t.ID, Fields: fields}})
	})
	return out, err
}

// Delete removes a team; its members stay, without the membership.
func (s *Service) Delete(ctx context.Context, by *permission.Principal, id string) error {
	now := s.cfg.Now()
	return s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.Teams().Delete(ctx, by.TenantID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, audit.ActionTeamDeleted, "team", id, now),
			event.Event{Subject: event.TeamDeleted, Data: event.Change{ID: id}})
	})
}

func applyParams(t *Team, p *Params) []string {
	var fields []string
	if p.Name != nil && strings.TrimSpace(*p.Name) != t.Name {
		t.Name = strings.TrimSpace(*p.Name)
		fields = append(fields, "name")
	}
	if p.Description != nil && *p.Description != t.Description {
		t.Description = *p.Description
		fields = append(fields, "description")
	}
	if p.MemberIDs != nil {
		ids := dedupeSorted(*p.MemberIDs)
		if !equal(ids, t.MemberIDs) {
			t.MemberIDs = ids
			fields = append(fields, "member_ids")
		}
	}
	return fields
}
