package store

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
	"github.com/switchboardhq/switchboard/internal/tenant"
)

type tenantQueries struct {
	Insert string `query:"TenantInsert"`
	Get    string `query:"TenantGet"`
	List   string `query:"TenantList"`
	Update string `query:"TenantUpdate"`

	SettingsGet    string `query:"TenantSettingsGet"`
	SettingsUpdate string `query:"TenantSettingsUpdate"`
	DefaultTier    string `query:"TenantDefaultTier"`
}

// Tenants implements tenant.Store.
type Tenants struct {
	c conn
	q *tenantQueries
}

var _ tenant.Store = (*Tenants)(nil)

// Create implements tenant.Store. The tenant's default customer tiers are
// part of creating it, so that every way a tenant comes to be (the API,
// bootstrap, the demo) gives it standard, senior and vip.
func (s *Tenants) Create(ctx context.Context, t *tenant.Tenant) error {
	return wrap("create tenant", s.c.atomic(ctx, func(q sqldb.Querier) error {
		if _, err := q.Exec(ctx, s.q.Insert, t.ID, t.Name, string(t.Status), ms(t.CreatedAt), ms(t.UpdatedAt)); err != nil {
			return err
		}
		for _, tier := range customer.DefaultTiers() {
			if _, err := q.Exec(ctx, s.q.DefaultTier, t.ID, tier.Name, tier.Label, tier.Position, ms(t.CreatedAt)); err != nil {
				return err
			}
		}
		return nil
	}))
}

// Get implements tenant.Store.
func (s *Tenants) Get(ctx context.Context, id string) (*tenant.Tenant, error) {
	t, err := scanTenant(s.c.read().QueryRow(ctx, s.q.Get, id))
	return t, wrap("get tenant", notFound(err, tenant.ErrNotFound))
}

// List implements tenant.Store.
func (s *Tenants) List(ctx context.Context, p *tenant.ListParams) ([]*tenant.Tenant, error) {
	rows, err := s.c.read().Query(ctx, s.q.List, p.After, limit(p.Limit))
	return collect(rows, err, scanTenant, "list tenants")
}

// Update implements tenant.Store.
func (s *Tenants) Update(ctx context.Context, t *tenant.Tenant) error {
	n, err := s.c.write().Exec(ctx, s.q.Update, t.ID, t.Name, string(t.Status), ms(t.UpdatedAt))
	return wrap("update tenant", affected(n, err, tenant.ErrNotFound))
}

// Settings implements tenant.Store.
func (s *Tenants) Settings(ctx context.Context, id string) (*tenant.Settings, error) {
	var v tenant.Settings
	err := s.c.read().QueryRow(ctx, s.q.SettingsGet, id).Scan(&v.Name, &v.DefaultLocale, &v.AutoResolveAfterHours,
		&v.DefaultRegion)
	if err != nil {
		return nil, wrap("get tenant settings", notFound(err, tenant.ErrNotFound))
	}
	return &v, nil
}

// UpdateSettings implements tenant.Store.
func (s *Tenants) UpdateSettings(ctx context.Context, id string, v *tenant.Settings, at time.Time) error {
	n, err := s.c.write().Exec(ctx, s.q.SettingsUpdate, id, v.Name, v.DefaultLocale, v.AutoResolveAfterHours, v.DefaultRegion, ms(at))
	return wrap("update tenant settings", affected(n, err, tenant.ErrNotFound))
}

func scanTenant(r sqldb.Row) (*tenant.Tenant, error) {
	var t tenant.Tenant
	var status string
	var created, updated int64
	if err := r.Scan(&t.ID, &t.Name, &status, &created, &updated); err != nil {
		return nil, err
	}
	t.Status, t.CreatedAt, t.UpdatedAt = tenant.Status(status), fromMS(created), fromMS(updated)
	return &t, nil
}
