package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/tenant"
)

// CustomerOpts override the fixture customer's fields.
type CustomerOpts struct {
	Name           string
	Phones, Emails []string
	Tier           string
	Tags           []string
	Attributes     map[string]any
	OwnerID        string
}

// Customer creates a customer with its phone and email identities.
func (b *Bundle) Customer(t testing.TB, tn *tenant.Tenant, o CustomerOpts) *customer.Customer {
	t.Helper()
	c := &customer.Customer{ID: NewID(), TenantID: tn.ID, Name: o.Name, Phones: o.Phones, Emails: o.Emails, Tier: o.Tier,
		Tags: o.Tags, Attributes: o.Attributes, OwnerID: o.OwnerID, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, b.Stores.Customers.Create(b.ctx, c, contactIDs(c)...))
	return c
}

func contactIDs(c *customer.Customer) []customer.Identity {
	var ids []customer.Identity
	for _, p := range c.Phones {
		ids = append(ids, customer.Identity{Kind: customer.IdentityPhone, Value: p})
	}
	for _, e := range c.Emails {
		ids = append(ids, customer.Identity{Kind: customer.IdentityEmail, Value: e})
	}
	return ids
}

func phoneID(v string) customer.Identity {
	return customer.Identity{Kind: customer.IdentityPhone, Value: v}
}

// testCustomerRecords: a full record reads back as written, phones and
// emails in the order given; phone numbers are identities unique per
// tenant; tiers must exist; updates rewrite tags and attributes.
func testCustomerRecords(t *testing.T, b *Bundle) {
	owner := b.User(t, b.A, nil)
	c := &customer.Customer{ID: NewID(), TenantID: b.A.ID, Name: "Wang Fang", Phones: []string{"+8613812348000", "+14155552671"},
		Emails: []string{"wang@example.com"}, Tier: "vip", Tags: []string{"wholesale", "returning"},
		Attributes: map[string]any{"plan": "gold", "seats": 12.0, "beta": true}, Consent: map[string]bool{"calls": true, "sms": false},
		DoNotContact: true, OwnerID: owner.ID, CreatedBy: owner.ID, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, b.Stores.Customers.Create(b.ctx, c, contactIDs(c)...))
	got, err := b.Stores.Customers.Get(b.ctx, b.A.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, c, got)
	found, err := b.Stores.Customers.FindByIdentity(b.ctx, b.A.ID, phoneID("+14155552671"))
	require.NoError(t, err)
	require.Equal(t, c.ID, found.ID, "a phone number finds its customer")
	_, err = b.Stores.Customers.FindByIdentity(b.ctx, b.B.ID, phoneID("+14155552671"))
	require.ErrorIs(t, err, customer.ErrNotFound, "identities are per tenant")
	ok, err := b.Stores.Customers.UserExists(b.ctx, b.A.ID, owner.ID)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = b.Stores.Customers.UserExists(b.ctx, b.B.ID, owner.ID)
	require.NoError(t, err)
	require.False(t, ok, "another tenant's user")

	dup := &customer.Customer{ID: NewID(), TenantID: b.A.ID, Name: "Copy", CreatedAt: b.Now, UpdatedAt: b.Now}
	require.ErrorIs(t, b.Stores.Customers.Create(b.ctx, dup, phoneID("+8613812348000")), customer.ErrIdentityTaken)
	_, err = b.Stores.Customers.Get(b.ctx, b.A.ID, dup.ID)
	require.ErrorIs(t, err, customer.ErrNotFound, "a refused create writes nothing")
	b.Customer(t, b.B, CustomerOpts{Name: "Same number elsewhere", Phones: []string{"+8613812348000"}})
	bad := &customer.Customer{ID: NewID(), TenantID: b.A.ID, Name: "Gold", Tier: "gold", CreatedAt: b.Now, UpdatedAt: b.Now}
	require.ErrorIs(t, b.Stores.Customers.Create(b.ctx, bad), customer.ErrUnknownTier)

	// Update: every field, the search rows follow.
	got.Name, got.Tier, got.Tags, got.Attributes, got.Consent, got.DoNotContact = "Wang F.", "senior", []string{"vip-lounge"},
		map[string]any{"plan": "silver"}, nil, false
	got.UpdatedAt = b.Now.Add(time.Minute)
	require.NoError(t, b.Stores.Customers.Update(b.ctx, got))
	again, err := b.Stores.Customers.Get(b.ctx, b.A.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, got, again)
	got.Tier = "gold"
	require.ErrorIs(t, b.Stores.Customers.Update(b.ctx, got), customer.ErrUnknownTier)
	require.Equal(t, []string{"plan"}, attributeKeys(t, b, b.A.ID), "old attribute rows are gone")
	none := &customer.Customer{ID: NewID(), TenantID: b.A.ID, Tier: "vip", UpdatedAt: b.Now}
	require.ErrorIs(t, b.Stores.Customers.Update(b.ctx, none), customer.ErrNotFound)
}

// testCustomerIdentities: replacing a kind's identities keeps those that
// stay, adds new ones after them in order, and refuses another customer's;
// the phones and emails columns follow every change.
func testCustomerIdentities(t *testing.T, b *Bundle) {
	c := b.Customer(t, b.A, CustomerOpts{Name: "Ana", Phones: []string{"+8613812348000"}})
	other := b.Customer(t, b.A, CustomerOpts{Name: "Bo", Phones: []string{"+8613912345678"}})
	set := func(kind customer.IdentityKind, vals ...string) error {
		return b.Stores.Customers.SetIdentities(b.ctx, &customer.IdentitiesParams{TenantID: b.A.ID, CustomerID: c.ID, Kind: kind,
			Values: vals, At: b.Now.Add(time.Minute)})
	}
	require.NoError(t, set(customer.IdentityPhone, "+14155552671", "+8613812348000", "+442079460958"))
	got, err := b.Stores.Customers.Get(b.ctx, b.A.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"+8613812348000", "+14155552671", "+442079460958"}, got.Phones, "kept first, new ones in order")

	err = set(customer.IdentityPhone, "+8613812348000", "+8613912345678")
	require.ErrorIs(t, err, customer.ErrIdentityTaken)
	require.NoError(t, set(customer.IdentityPhone, "+442079460958"))
	require.NoError(t, set(customer.IdentityEmail, "ana@example.com"))
	got, err = b.Stores.Customers.Get(b.ctx, b.A.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"+442079460958"}, got.Phones)
	require.Equal(t, []string{"ana@example.com"}, got.Emails)
	_, err = b.Stores.Customers.FindByIdentity(b.ctx, b.A.ID, phoneID("+8613812348000"))
	require.ErrorIs(t, err, customer.ErrNotFound, "a removed number is free again")

	require.NoError(t, b.Stores.Customers.AddIdentity(b.ctx, b.A.ID, c.ID, phoneID("+8613812348000"), b.Now.Add(time.Hour)))
	got, err = b.Stores.Customers.Get(b.ctx, b.A.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"+442079460958", "+8613812348000"}, got.Phones, "AddIdentity keeps the copy in step")
	require.ErrorIs(t, b.Stores.Customers.AddIdentity(b.ctx, b.A.ID, c.ID, phoneID("+8613912345678"), b.Now), customer.ErrIdentityTaken)
	mine, err := b.Stores.Customers.Get(b.ctx, b.A.ID, other.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"+8613912345678"}, mine.Phones)
}

// testCustomerImportAtomic: an import's customers, written a page at a
// time in one transaction, read back like those created one by one; when
// a later page holds a number another customer has, nothing is written
// (on PostgreSQL the conflict must not leave the transaction half
// applied either).
func testCustomerImportAtomic(t *testing.T, b *Bundle) {
	existing := b.Customer(t, b.A, CustomerOpts{Name: "Existing", Phones: []string{"+8613812348000"}})
	batch := func(n int, last string) []*customer.Customer {
		var cs []*customer.Customer
		for i := range n {
			c := &customer.Customer{ID: NewID(), TenantID: b.A.ID, Name: fmt.Sprintf("Row %d", i), Tier: "vip",
				Phones: []string{fmt.Sprintf("+86139%08d", i)}, Emails: []string{fmt.Sprintf("row%d@example.com", i)},
				Tags: []string{"imported"}, Attributes: map[string]any{"row": float64(i), "beta": true},
				Consent: map[string]bool{"sms": true}, DoNotContact: i%2 == 0, CreatedAt: b.Now, UpdatedAt: b.Now}
			cs = append(cs, c)
		}
		cs[n-1].Phones = []string{last}
		return cs
	}
	cs := batch(700, "+8613812348000") // the last, on the second page, has Existing's number
	err := b.Stores.InTx(b.ctx, func(tx *store.Tx) error { return tx.Customers().CreateMany(b.ctx, cs) })
	require.ErrorIs(t, err, customer.ErrIdentityTaken)
	_, err = b.Stores.Customers.Get(b.ctx, b.A.ID, cs[0].ID)
	require.ErrorIs(t, err, customer.ErrNotFound, "nothing of the failed import is written")
	rows, err := b.Stores.Customers.List(b.ctx, &customer.ListParams{TenantID: b.A.ID, Tag: "imported"})
	require.NoError(t, err)
	require.Empty(t, rows)

	cs = batch(700, "+14155552671")
	require.NoError(t, b.Stores.InTx(b.ctx, func(tx *store.Tx) error { return tx.Customers().CreateMany(b.ctx, cs) }))
	for _, i := range []int{0, 501, 699} {
		got, err := b.Stores.Customers.Get(b.ctx, b.A.ID, cs[i].ID)
		require.NoError(t, err)
		require.Equal(t, cs[i], got)
	}
	found, err := b.Stores.Customers.FindByIdentity(b.ctx, b.A.ID, customer.Identity{Kind: customer.IdentityEmail, Value: "row501@example.com"})
	require.NoError(t, err)
	require.Equal(t, cs[501].ID, found.ID)
	rows, err = b.Stores.Customers.List(b.ctx, &customer.ListParams{TenantID: b.A.ID, Tag: "imported", Limit: 1000,
		Attributes: []customer.AttributeFilter{{Key: "row", Value: "600"}}})
	require.NoError(t, err)
	require.Len(t, rows, 1)

	owners, err := b.Stores.Customers.IdentityOwners(b.ctx, b.A.ID, customer.IdentityPhone,
		[]string{"+8613812348000", "+8613900000600", "+8613700000000", "+14155552671"})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"+8613812348000": existing.ID, "+8613900000600": cs[600].ID, "+14155552671": cs[699].ID}, owners)
	owners, err = b.Stores.Customers.IdentityOwners(b.ctx, b.B.ID, customer.IdentityPhone, []string{"+8613812348000"})
	require.NoError(t, err)
	require.Empty(t, owners, "another tenant's numbers")

	bad := batch(1, "+33612345678")
	bad[0].Tier = "gold"
	require.ErrorIs(t, b.Stores.Customers.CreateMany(b.ctx, bad), customer.ErrUnknownTier)
}

// testCustomerTiers: every tenant starts with standard, senior and vip; a
// tier in use cannot be deleted; tiers are per tenant.
func testCustomerTiers(t *testing.T, b *Bundle) {
	st := b.Stores.CustomerTiers
	names := func(tn *tenant.Tenant) []string {
		ts, err := st.List(b.ctx, tn.ID)
		require.NoError(t, err)
		out := []string{}
		for _, x := range ts {
			out = append(out, x.Name)
		}
		return out
	}
	require.Equal(t, []string{"standard", "senior", "vip"}, names(b.A), "the defaults, by position")
	gold := &customer.Tier{TenantID: b.A.ID, Name: "gold", Label: "Gold", Position: 0, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, st.Create(b.ctx, gold))
	require.ErrorIs(t, st.Create(b.ctx, gold), customer.ErrTierTaken)
	require.Equal(t, []string{"gold", "standard", "senior", "vip"}, names(b.A))
	require.Equal(t, []string{"standard", "senior", "vip"}, names(b.B), "another tenant's tiers are its own")
	gold.Label, gold.Position, gold.UpdatedAt = "Gold members", 9, b.Now.Add(time.Minute)
	require.NoError(t, st.Update(b.ctx, gold))
	got, err := st.Get(b.ctx, b.A.ID, "gold")
	require.NoError(t, err)
	require.Equal(t, gold, got)
	_, err = st.Get(b.ctx, b.B.ID, "gold")
	require.ErrorIs(t, err, customer.ErrTierNotFound)

	b.Customer(t, b.A, CustomerOpts{Name: "Goldie", Tier: "gold"})
	require.ErrorIs(t, st.Delete(b.ctx, b.A.ID, "gold"), customer.ErrTierInUse)
	require.ErrorIs(t, st.Delete(b.ctx, b.B.ID, "gold"), customer.ErrTierNotFound)
	require.NoError(t, st.Delete(b.ctx, b.A.ID, "senior"))
	require.ErrorIs(t, st.Delete(b.ctx, b.A.ID, "senior"), customer.ErrTierNotFound)
	require.Equal(t, []string{"standard", "vip", "gold"}, names(b.A))
}

func attributeKeys(t testing.TB, b *Bundle, tenantID string) []string {
	t.Helper()
	keys, err := b.Stores.Customers.AttributeKeys(b.ctx, tenantID)
	require.NoError(t, err)
	return keys
}
