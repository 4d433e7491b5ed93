package store

import (
	"context"
	"errors"

	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

// CustomerTiers implements customer.TierStore.
type CustomerTiers struct {
	c conn
	q *customerQueries
}

var _ customer.TierStore = (*CustomerTiers)(nil)

// CustomerTiers returns the transaction's customer tier store.
func (t *Tx) CustomerTiers() customer.TierStore { return t.s.CustomerTiers }

// List implements customer.TierStore.
func (s *CustomerTiers) List(ctx context.Context, tenantID string) ([]*customer.Tier, error) {
	rows, err := s.c.read().Query(ctx, s.q.TierList, tenantID)
	return collect(rows, err, scanTier, "list customer tiers")
}

// Get implements customer.TierStore.
func (s *CustomerTiers) Get(ctx context.Context, tenantID, name string) (*customer.Tier, error) {
	t, err := scanTier(s.c.read().QueryRow(ctx, s.q.TierGet, tenantID, name))
	return t, wrap("get customer tier", notFound(err, customer.ErrTierNotFound))
}

// Create implements customer.TierStore.
func (s *CustomerTiers) Create(ctx context.Context, t *customer.Tier) error {
	_, err := s.c.write().Exec(ctx, s.q.TierInsert, t.TenantID, t.Name, t.Label, t.Position, ms(t.CreatedAt), ms(t.UpdatedAt))
	if sqldb.IsUnique(err) {
		err = customer.ErrTierTaken
	}
	return wrap("create customer tier", err)
}

// Update implements customer.TierStore.
func (s *CustomerTiers) Update(ctx context.Context, t *customer.Tier) error {
	n, err := s.c.write().Exec(ctx, s.q.TierUpdate, t.TenantID, t.Name, t.Label, t.Position, ms(t.UpdatedAt))
	return wrap("update customer tier", affected(n, err, customer.ErrTierNotFound))
}

// Delete implements customer.TierStore. When nothing was deleted, the
// tier is either absent or in use; a second read tells which.
func (s *CustomerTiers) Delete(ctx context.Context, tenantID, name string) error {
	return wrap("delete customer tier", s.c.atomic(ctx, func(q sqldb.Querier) error {
		n, err := q.Exec(ctx, s.q.TierDelete, tenantID, name)
		if err != nil || n > 0 {
			return err
		}
		_, err = scanTier(q.QueryRow(ctx, s.q.TierGet, tenantID, name))
		if errors.Is(err, sqldb.ErrNoRows) {
			return customer.ErrTierNotFound
		}
		if err != nil {
			return err
		}
		return customer.ErrTierInUse
	}))
}

func scanTier(r sqldb.Row) (*customer.Tier, error) {
	var t customer.Tier
	var created, updated int64
	if err := r.Scan(&t.TenantID, &t.Name, &t.Label, &t.Position, &created, &updated); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	return &t, nil
}
