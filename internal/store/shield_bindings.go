package store

import (
	"context"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/internal/shield"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

// CreateBinding implements shield.Store: the binding and its party claims
// are written together, so a party already bound on X fails the whole
// insert.
func (s *Shield) CreateBinding(ctx context.Context, b *shield.Binding, now time.Time) error {
	return wrap("create binding", s.c.atomic(ctx, func(q sqldb.Querier) error {
		_, err := q.Exec(ctx, s.q.BindingInsert, b.ID, b.TenantID, string(b.Type), b.X, b.A, b.B, string(b.Direction),
			b.Record, b.ExternalID, joinCallers(b.AllowedCallers), msPtr(b.ExpiresAt), ms(b.CreatedAt), ms(b.UpdatedAt))
		if err != nil {
			return err
		}
		return s.claim(ctx, q, b, now)
	}))
}

// claim writes b's party rows, first freeing claims of expired bindings.
func (s *Shield) claim(ctx context.Context, q sqldb.Querier, b *shield.Binding, now time.Time) error {
	for _, p := range b.Parties() {
		if _, err := q.Exec(ctx, s.q.PartyFree, b.TenantID, b.X, p, ms(now)); err != nil {
			return err
		}
		_, err := q.Exec(ctx, s.q.PartyInsert, b.TenantID, b.X, p, b.ID, msPtr(b.ExpiresAt))
		if sqldb.IsUnique(err) {
			return shield.ErrPartyBound
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// GetBinding implements shield.Store.
func (s *Shield) GetBinding(ctx context.Context, tenantID, id string) (*shield.Binding, error) {
	b, err := scanBinding(s.c.read().QueryRow(ctx, s.q.BindingGet, tenantID, id))
	return b, wrap("get binding", notFound(err, shield.ErrBindingNotFound))
}

// Bindings implements shield.Store.
func (s *Shield) Bindings(ctx context.Context, p *shield.BindingListParams) ([]*shield.Binding, error) {
	var live int64
	if !p.LiveAt.IsZero() {
		live = ms(p.LiveAt)
	}
	rows, err := s.c.read().Query(ctx, s.q.BindingList, p.TenantID, p.After, live, limit(p.Limit))
	return collect(rows, err, scanBinding, "list bindings")
}

// UpdateBinding implements shield.Store.
func (s *Shield) UpdateBinding(ctx context.Context, b *shield.Binding, now time.Time) error {
	return wrap("update binding", s.c.atomic(ctx, func(q sqldb.Querier) error {
		n, err := q.Exec(ctx, s.q.BindingUpdate, b.TenantID, b.ID, b.B, string(b.Direction), b.Record, b.ExternalID,
			joinCallers(b.AllowedCallers), msPtr(b.ExpiresAt), ms(b.UpdatedAt))
		if err := affected(n, err, shield.ErrBindingNotFound); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, s.q.PartiesClear, b.TenantID, b.ID); err != nil {
			return err
		}
		return s.claim(ctx, q, b, now)
	}))
}

// DeleteBinding implements shield.Store; its party rows go with it.
func (s *Shield) DeleteBinding(ctx context.Context, tenantID, id string) error {
	n, err := s.c.write().Exec(ctx, s.q.BindingDelete, tenantID, id)
	return wrap("delete binding", affected(n, err, shield.ErrBindingNotFound))
}

// BusyNumbers implements shield.Store.
func (s *Shield) BusyNumbers(ctx context.Context, tenantID string, parties []string, now time.Time) ([]string, error) {
	out := []string{}
	for _, p := range parties {
		rows, err := s.c.read().Query(ctx, s.q.PartyBusy, tenantID, p, ms(now))
		xs, err := collectIDs(rows, err, "busy binding numbers")
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	return out, nil
}

// LiveBindingsOn implements shield.Store.
func (s *Shield) LiveBindingsOn(ctx context.Context, tenantID, x string, now time.Time) (int, error) {
	var n int64
	err := s.c.read().QueryRow(ctx, s.q.BindingLiveOn, tenantID, x, ms(now)).Scan(&n)
	return int(n), wrap("count bindings on a number", err)
}

// LastCaller implements shield.Store.
func (s *Shield) LastCaller(ctx context.Context, tenantID, bindingID string) (string, error) {
	var c string
	err := s.c.read().QueryRow(ctx, s.q.LastCaller, tenantID, bindingID).Scan(&c)
	return c, wrap("binding's last caller", notFound(err, shield.ErrBindingNotFound))
}

// SetLastCaller implements shield.Store.
func (s *Shield) SetLastCaller(ctx context.Context, tenantID, bindingID, caller string, at time.Time) error {
	_, err := s.c.write().Exec(ctx, s.q.LastCallerSet, tenantID, bindingID, caller, ms(at))
	return wrap("set binding's last caller", err)
}

func scanBinding(r sqldb.Row) (*shield.Binding, error) {
	var b shield.Binding
	var typ, dir, callers string
	var expires *int64
	var created, updated int64
	if err := r.Scan(&b.ID, &b.TenantID, &typ, &b.X, &b.A, &b.B, &dir, &b.Record, &b.ExternalID, &callers, &expires,
		&created, &updated); err != nil {
		return nil, err
	}
	b.Type, b.Direction, b.AllowedCallers = shield.BindingType(typ), shield.Direction(dir), splitList(callers)
	b.ExpiresAt, b.CreatedAt, b.UpdatedAt = fromMSPtr(expires), fromMS(created), fromMS(updated)
	return &b, nil
}
