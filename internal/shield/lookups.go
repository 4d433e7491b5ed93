package shield

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/memo"
)

// Resolving reads a customer and, for a code, the code on every call; at
// thousands of calls a second those reads are most of a decision's cost.
// lookups keeps both for a short while (ADR 0021):
//   - customers for customerTTL, forgotten as soon as one changes
//     (ForgetCustomer, fed by this node's commits and other nodes' events);
//   - reusable codes until they expire: a code never changes but for its
//     use, and a reusable one may be used again. One-time codes are read
//     every time — they are dialed once — so a use on another node counts.
type lookups struct {
	now       func() time.Time
	customers *memo.Memo[string, *Customer]
	codes     *memo.Memo[string, *DialCode]
}

const (
	customerTTL = 30 * time.Second
	// maxLookups bounds each memo; a tenant's 10,000 live codes and their
	// customers fit.
	maxLookups = 65536
)

func newLookups(now func() time.Time) *lookups {
	// A code is kept no longer than the longest code TTL allowed (a day),
	// and never past its own expiry.
	return &lookups{now: now, customers: memo.New[string, *Customer](maxLookups, customerTTL),
		codes: memo.New[string, *DialCode](maxLookups, 24*time.Hour)}
}

// memoCustomers serves Customer from the memo; CustomerByPhone (a typed
// number, rare) reads through.
type memoCustomers struct {
	Customers
	l *lookups
}

func customerKey(tenantID, id string) string { return tenantID + "|" + id }

func codeKey(tenantID, agentID, code string) string { return tenantID + "|" + agentID + "|" + code }

func (m memoCustomers) Customer(ctx context.Context, tenantID, id string) (*Customer, error) {
	key := customerKey(tenantID, id)
	now := m.l.now()
	if c, ok := m.l.customers.Get(key, now); ok {
		return c, nil
	}
	epoch := m.l.customers.Epoch()
	c, err := m.Customers.Customer(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	m.l.customers.Put(key, c, epoch, now)
	return c, nil
}

// memoCodes serves reusable codes from the memo.
type memoCodes struct {
	store interface {
		Code(ctx context.Context, tenantID, agentID, code string) (*DialCode, error)
	}
	l *lookups
}

func (m memoCodes) Code(ctx context.Context, tenantID, agentID, code string) (*DialCode, error) {
	key := codeKey(tenantID, agentID, code)
	now := m.l.now()
	if dc, ok := m.l.codes.Get(key, now); ok && now.Before(dc.ExpiresAt) {
		return dc, nil
	}
	dc, err := m.store.Code(ctx, tenantID, agentID, code)
	if err != nil {
		return nil, err
	}
	if dc.Reusable && now.Before(dc.ExpiresAt) {
		m.l.codes.Put(key, dc, m.l.codes.Epoch(), now)
	}
	return dc, nil
}

// ForgetCustomer drops what this node keeps of a customer: it changed.
func (s *Service) ForgetCustomer(tenantID, id string) {
	s.lookups.customers.Forget(customerKey(tenantID, id))
}
