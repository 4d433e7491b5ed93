package store

import (
	"context"

	"github.com/switchboardhq/switchboard/internal/store/sqldb"
	"github.com/switchboardhq/switchboard/internal/tenant"
)

type tenantQueries struct {
	Insert string `query:"TenantInsert"`
	Get    string `query:"TenantGet"`
	List   string `query:"TenantList"`
	Update string `query:"TenantUpdate"`
}

// Tenants implements tenant.Store.
type Tenants struct {
	c conn
	q *tenantQueries
}

var _ tenant.Store = (*Tenants)(nil)

// Create implements tenant.Store.
func (s *Tenants) Create(ctx context.Context, t *tenant.Tenant) error {
	_, err := s.c.write().Exec(ctx, s.q.Insert, t.ID, t.Name, string(t.Status), ms(t.CreatedAt), ms(t.UpdatedAt))
	return wrap("create tenant", err)
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
