package shield

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type countingReads struct {
	Customers
	customers, codes int
	codesByKey       map[string]*DialCode
}

func (c *countingReads) Customer(_ context.Context, _, id string) (*Customer, error) {
	c.customers++
	return &Customer{ID: id, Tier: "standard"}, nil
}

func (c *countingReads) Code(_ context.Context, _, agentID, code string) (*DialCode, error) {
	c.codes++
	dc, ok := c.codesByKey[agentID+"|"+code]
	if !ok {
		return nil, ErrCodeUnknown
	}
	return dc, nil
}

func TestLookupsKeepCustomersUntilForgotten(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	s := &Service{lookups: newLookups(func() time.Time { return now })}
	reads := &countingReads{}
	m := memoCustomers{reads, s.lookups}
	ctx := context.Background()
	for range 3 {
		_, err := m.Customer(ctx, "t1", "c1")
		require.NoError(t, err)
	}
	require.Equal(t, 1, reads.customers, "read once, then kept")
	_, err := m.Customer(ctx, "t2", "c1")
	require.NoError(t, err)
	require.Equal(t, 2, reads.customers, "kept per tenant")
	s.ForgetCustomer("t1", "c1")
	_, err = m.Customer(ctx, "t1", "c1")
	require.NoError(t, err)
	require.Equal(t, 3, reads.customers, "a changed customer is read again")
	now = now.Add(customerTTL)
	_, err = m.Customer(ctx, "t1", "c1")
	require.NoError(t, err)
	require.Equal(t, 4, reads.customers, "and every customer after customerTTL")
}

func TestLookupsKeepOnlyLiveReusableCodes(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	l := newLookups(func() time.Time { return now })
	reads := &countingReads{codesByKey: map[string]*DialCode{
		"a1|81111": {Code: "81111", Reusable: true, ExpiresAt: now.Add(10 * time.Minute)},
		"a1|82222": {Code: "82222", ExpiresAt: now.Add(10 * time.Minute)},
	}}
	m := memoCodes{reads, l}
	ctx := context.Background()
	for range 3 {
		_, err := m.Code(ctx, "t1", "a1", "81111")
		require.NoError(t, err)
		_, err = m.Code(ctx, "t1", "a1", "82222")
		require.NoError(t, err)
	}
	require.Equal(t, 1+3, reads.codes, "a reusable code is kept, a one-time code read every time")
	_, err := m.Code(ctx, "t1", "a1", "83333")
	require.ErrorIs(t, err, ErrCodeUnknown)
	_, err = m.Code(ctx, "t1", "a2", "81111")
	require.ErrorIs(t, err, ErrCodeUnknown, "another agent's code is not found")
	reads.codes = 0
	now = now.Add(10 * time.Minute)
	_, err = m.Code(ctx, "t1", "a1", "81111")
	require.NoError(t, err)
	require.Equal(t, 1, reads.codes, "an expired code is not served from memory")
}
