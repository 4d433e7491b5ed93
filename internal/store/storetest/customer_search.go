package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/customer"
)

// testCustomerSearch: every filter alone and combined, pages in ID order,
// the activity columns, and nothing of another tenant or merged away.
func testCustomerSearch(t *testing.T, b *Bundle) {
	owner := b.User(t, b.A, nil)
	ana := b.Customer(t, b.A, CustomerOpts{Name: "Ana Lima", Phones: []string{"+8613812348000"}, Tier: "vip",
		Tags: []string{"wholesale"}, Attributes: map[string]any{"plan": "gold", "seats": 12.0}, OwnerID: owner.ID})
	bo := b.Customer(t, b.A, CustomerOpts{Name: "Bo 100% Real", Emails: []string{"bo@example.com"}, Tier: "vip",
		Tags: []string{"retail"}, Attributes: map[string]any{"plan": "gold", "beta": true}})
	cy := b.Customer(t, b.A, CustomerOpts{Name: "Cy_anne", Tier: "standard", Tags: []string{"wholesale"}})
	b.Customer(t, b.B, CustomerOpts{Name: "Ana Elsewhere", Phones: []string{"+8613812348000"}, Tier: "vip", Tags: []string{"wholesale"}})
	require.NoError(t, b.Stores.Customers.CreateContact(b.ctx, &customer.Contact{ID: NewID(), TenantID: b.A.ID, CustomerID: ana.ID,
		Channel: "webchat", InboxID: b.Inbox(t, b.A).ID, ConversationID: NewID(), StartedAt: b.Now.Add(time.Hour)}))

	find := func(p customer.ListParams) []string {
		p.TenantID = b.A.ID
		rows, err := b.Stores.Customers.List(b.ctx, &p)
		require.NoError(t, err)
		ids := []string{}
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		return ids
	}
	attr := func(kv ...string) []customer.AttributeFilter {
		var out []customer.AttributeFilter
		for i := 0; i < len(kv); i += 2 {
			out = append(out, customer.AttributeFilter{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	require.Equal(t, []string{ana.ID, bo.ID, cy.ID}, find(customer.ListParams{}), "the tenant's own, in ID order")
	require.Equal(t, []string{ana.ID}, find(customer.ListParams{Query: "lima"}), "a part of the name, any case")
	require.Equal(t, []string{bo.ID}, find(customer.ListParams{Query: "100%"}), "% matches itself")
	require.Equal(t, []string{cy.ID}, find(customer.ListParams{Query: "y_a"}), "_ matches itself")
	require.Equal(t, []string{ana.ID, cy.ID}, find(customer.ListParams{Tag: "wholesale"}))
	require.Equal(t, []string{ana.ID, bo.ID}, find(customer.ListParams{Tier: "vip"}))
	require.Equal(t, []string{ana.ID}, find(customer.ListParams{OwnerID: owner.ID}))
	require.Equal(t, []string{ana.ID}, find(customer.ListParams{Identity: phoneID("+8613812348000")}), "by number: one indexed look-up")
	require.Equal(t, []string{bo.ID}, find(customer.ListParams{Identity: customer.Identity{Kind: customer.IdentityEmail, Value: "bo@example.com"}}))
	require.Empty(t, find(customer.ListParams{Identity: phoneID("+8613912345678")}))
	require.Equal(t, []string{ana.ID, bo.ID}, find(customer.ListParams{Attributes: attr("plan", "gold")}))
	require.Equal(t, []string{ana.ID}, find(customer.ListParams{Attributes: attr("plan", "gold", "seats", "12")}), "numbers as text")
	require.Equal(t, []string{bo.ID}, find(customer.ListParams{Attributes: attr("beta", "true", "plan", "gold")}))
	require.Equal(t, []string{bo.ID}, find(customer.ListParams{Tier: "vip", Tag: "retail", Attributes: attr("plan", "gold")}))
	require.Empty(t, find(customer.ListParams{Tier: "vip", Tag: "retail", Query: "ana"}))
	require.Equal(t, []string{ana.ID}, find(customer.ListParams{Limit: 1}))
	require.Equal(t, []string{bo.ID, cy.ID}, find(customer.ListParams{After: ana.ID}))
	require.Equal(t, []string{"beta", "plan", "seats"}, attributeKeys(t, b, b.A.ID))

	rows, err := b.Stores.Customers.List(b.ctx, &customer.ListParams{TenantID: b.A.ID, Tag: "wholesale"})
	require.NoError(t, err)
	last := b.Now.Add(time.Hour)
	require.Equal(t, customer.Activity{ContactCount: 1, LastContactAt: &last}, rows[0].Activity)
	require.Equal(t, customer.Activity{}, rows[1].Activity)
	require.Equal(t, ana.Phones, rows[0].Phones)

	require.NoError(t, b.Stores.Customers.Merge(b.ctx, &customer.MergeParams{Target: bo, SourceID: cy.ID}))
	require.Equal(t, []string{ana.ID}, find(customer.ListParams{Tag: "wholesale"}), "a merged customer is not found")
}

// testCustomerMerge: the source's identities, contacts and conversations
// move to the target, which is written as given; the source stays, marked.
func testCustomerMerge(t *testing.T, b *Bundle) {
	in := b.Inbox(t, b.A)
	conv := b.Conversation(t, in)
	source, err := b.Stores.Customers.Get(b.ctx, b.A.ID, conv.CustomerID)
	require.NoError(t, err)
	require.NoError(t, b.Stores.Customers.AddIdentity(b.ctx, b.A.ID, source.ID, phoneID("+8613812348000"), b.Now))
	target := b.Customer(t, b.A, CustomerOpts{Name: "Target", Phones: []string{"+14155552671"}, Tags: []string{"a"}})
	other := b.Conversation(t, in) // someone else's, stays

	target.Tags, target.UpdatedAt = []string{"a", "b"}, b.Now.Add(time.Minute)
	require.NoError(t, b.Stores.Customers.Merge(b.ctx, &customer.MergeParams{Target: target, SourceID: source.ID}))

	got, err := b.Stores.Customers.Get(b.ctx, b.A.ID, target.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, got.Tags)
	require.Equal(t, []string{"+14155552671", "+8613812348000"}, got.Phones, "the source's number came along")
	moved, err := b.Stores.Customers.FindByIdentity(b.ctx, b.A.ID, customer.Identity{Kind: customer.IdentityVisitor, Value: source.ID})
	require.NoError(t, err)
	require.Equal(t, target.ID, moved.ID, "the visitor identity moved")
	c, err := b.Stores.Conversations.Get(b.ctx, b.A.ID, conv.ID)
	require.NoError(t, err)
	require.Equal(t, target.ID, c.CustomerID, "the conversation moved")
	c, err = b.Stores.Conversations.Get(b.ctx, b.A.ID, other.ID)
	require.NoError(t, err)
	require.NotEqual(t, target.ID, c.CustomerID)
	tl, err := b.Stores.Customers.Timeline(b.ctx, &customer.TimelineParams{TenantID: b.A.ID, CustomerID: target.ID})
	require.NoError(t, err)
	require.Len(t, tl, 1)
	require.Equal(t, conv.ID, tl[0].ConversationID, "the contact moved")
	convs, err := b.Stores.Conversations.List(b.ctx, &conversation.ListParams{TenantID: b.A.ID, CustomerID: source.ID})
	require.NoError(t, err)
	require.Empty(t, convs)

	src, err := b.Stores.Customers.Get(b.ctx, b.A.ID, source.ID)
	require.NoError(t, err)
	require.Equal(t, target.ID, src.MergedInto)
	require.Empty(t, src.Phones)
	ids, err := b.Stores.Customers.Identities(b.ctx, b.A.ID, source.ID)
	require.NoError(t, err)
	require.Empty(t, ids)
	err = b.Stores.Customers.Merge(b.ctx, &customer.MergeParams{Target: target, SourceID: source.ID})
	require.ErrorIs(t, err, customer.ErrNotFound, "merged once only")
	b2 := b.Customer(t, b.B, CustomerOpts{Name: "B"})
	err = b.Stores.Customers.Merge(b.ctx, &customer.MergeParams{Target: target, SourceID: b2.ID})
	require.ErrorIs(t, err, customer.ErrNotFound, "another tenant's customer")
}
