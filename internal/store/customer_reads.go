package store

import (
	"context"
	"slices"

	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

// The read side of the customer store: lists, identities, activity and the
// timeline.

// List implements customer.Reader.
func (s *Customers) List(ctx context.Context, p *customer.ListParams) ([]*customer.Summary, error) {
	var attrs [customer.MaxAttributeFilters][2]string
	for i, a := range p.Attributes {
		if i < len(attrs) {
			attrs[i] = [2]string{a.Key, a.Value}
		}
	}
	rows, err := s.c.read().Query(ctx, s.q.List, p.TenantID, p.After, likeEscape(p.Query), p.Tier, p.OwnerID, p.Tag,
		string(p.Identity.Kind), p.Identity.Value, attrs[0][0], attrs[0][1], attrs[1][0], attrs[1][1], attrs[2][0], attrs[2][1],
		limit(p.Limit))
	return collect(rows, err, scanSummary, "list customers")
}

// scanSummary reads a customer followed by its activity columns.
func scanSummary(r sqldb.Row) (*customer.Summary, error) {
	var n, last int64
	var sum customer.Summary
	c, err := scanCustomer(rowWith{r, []any{&n, &last}})
	if err != nil {
		return nil, err
	}
	sum.Customer, sum.ContactCount = *c, int(n)
	if n > 0 {
		t := fromMS(last)
		sum.LastContactAt = &t
	}
	return &sum, nil
}

// rowWith scans extra trailing columns into more.
type rowWith struct {
	r    sqldb.Row
	more []any
}

func (w rowWith) Scan(dest ...any) error { return w.r.Scan(append(dest, w.more...)...) }

// AttributeKeys implements customer.Reader, in byte order on both engines.
func (s *Customers) AttributeKeys(ctx context.Context, tenantID string) ([]string, error) {
	rows, err := s.c.read().Query(ctx, s.q.AttributeKeys, tenantID)
	keys, err := collectIDs(rows, err, "customer attribute keys")
	slices.Sort(keys)
	return keys, err
}

// UserExists implements customer.Reader.
func (s *Customers) UserExists(ctx context.Context, tenantID, id string) (bool, error) {
	var n int64
	err := s.c.read().QueryRow(ctx, s.q.UserExists, tenantID, id).Scan(&n)
	return n > 0, wrap("customer owner", err)
}

// Identities implements customer.Reader.
func (s *Customers) Identities(ctx context.Context, tenantID, customerID string) ([]customer.Identity, error) {
	rows, err := s.c.read().Query(ctx, s.q.Identities, tenantID, customerID)
	ids, err := collect(rows, err, func(r sqldb.Row) (*customer.Identity, error) {
		var i customer.Identity
		var kind string
		if err := r.Scan(&kind, &i.Value); err != nil {
			return nil, err
		}
		i.Kind = customer.IdentityKind(kind)
		return &i, nil
	}, "customer identities")
	if err != nil {
		return nil, err
	}
	out := make([]customer.Identity, len(ids))
	for i, id := range ids {
		out[i] = *id
	}
	return out, nil
}

// Activity implements customer.Reader.
func (s *Customers) Activity(ctx context.Context, tenantID, customerID string) (*customer.Activity, error) {
	var n, last int64
	if err := s.c.read().QueryRow(ctx, s.q.Activity, tenantID, customerID).Scan(&n, &last); err != nil {
		return nil, wrap("customer activity", err)
	}
	a := &customer.Activity{ContactCount: int(n)}
	if n > 0 {
		t := fromMS(last)
		a.LastContactAt = &t
	}
	return a, nil
}

// Timeline implements customer.Reader.
func (s *Customers) Timeline(ctx context.Context, p *customer.TimelineParams) ([]*customer.TimelineEntry, error) {
	rows, err := s.c.read().Query(ctx, s.q.Timeline, p.TenantID, p.CustomerID, p.BeforeAt, p.BeforeID, limit(p.Limit))
	return collect(rows, err, scanTimelineEntry, "customer timeline")
}

func scanTimelineEntry(r sqldb.Row) (*customer.TimelineEntry, error) {
	var e customer.TimelineEntry
	var started, lastAt int64
	var ended *int64
	if err := r.Scan(&e.ID, &e.Kind, &e.Channel, &e.InboxID, &e.ConversationID, &started, &ended, &e.Status, &lastAt,
		&e.Outcome, &e.Code, &e.Reason, &e.AgentID); err != nil {
		return nil, err
	}
	if e.Kind == "" {
		e.Kind = customer.ContactKind(e.Channel)
	}
	e.StartedAt, e.EndedAt = fromMS(started), fromMSPtr(ended)
	if lastAt > 0 {
		t := fromMS(lastAt)
		e.LastMessageAt = &t
	}
	return &e, nil
}
