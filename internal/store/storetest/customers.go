package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/shield"
)

// testCustomerView covers what the customer panel reads besides the
// customer row: identities in the order they were added, and the contact
// count and latest contact, all confined to the tenant.
func testCustomerView(t *testing.T, b *Bundle) {
	cu := &customer.Customer{ID: NewID(), TenantID: b.A.ID, Name: "Ana", CreatedAt: b.Now, UpdatedAt: b.Now}
	visitor := customer.Identity{Kind: customer.IdentityVisitor, Value: "digest"}
	require.NoError(t, b.Stores.Customers.Create(b.ctx, cu, visitor))
	ext := customer.Identity{Kind: customer.IdentityExternal, Value: "user-7"}
	require.NoError(t, b.Stores.Customers.AddIdentity(b.ctx, b.A.ID, cu.ID, ext, b.Now.Add(time.Second)))

	ids, err := b.Stores.Customers.Identities(b.ctx, b.A.ID, cu.ID)
	require.NoError(t, err)
	require.Equal(t, []customer.Identity{visitor, ext}, ids)
	act, err := b.Stores.Customers.Activity(b.ctx, b.A.ID, cu.ID)
	require.NoError(t, err)
	require.Equal(t, &customer.Activity{}, act, "no contacts yet")

	in := b.Inbox(t, b.A)
	for i := range 3 {
		require.NoError(t, b.Stores.Customers.CreateContact(b.ctx, &customer.Contact{ID: NewID(), TenantID: b.A.ID,
			CustomerID: cu.ID, Channel: "webchat", InboxID: in.ID, ConversationID: NewID(), StartedAt: b.Now.Add(time.Duration(i) * time.Minute)}))
	}
	act, err = b.Stores.Customers.Activity(b.ctx, b.A.ID, cu.ID)
	require.NoError(t, err)
	last := b.Now.Add(2 * time.Minute)
	require.Equal(t, &customer.Activity{ContactCount: 3, LastContactAt: &last}, act)

	ids, err = b.Stores.Customers.Identities(b.ctx, b.B.ID, cu.ID)
	require.NoError(t, err)
	require.Empty(t, ids, "another tenant sees no identities")
	act, err = b.Stores.Customers.Activity(b.ctx, b.B.ID, cu.ID)
	require.NoError(t, err)
	require.Equal(t, &customer.Activity{}, act, "another tenant sees no contacts")
}

// testCustomerTimeline pages through a timeline newest first, ties on the
// start time broken by ID, with each chat contact's conversation state.
func testCustomerTimeline(t *testing.T, b *Bundle) {
	in := b.Inbox(t, b.A)
	first := b.Conversation(t, in) // creates the customer and its first contact, at b.Now
	cu := first.CustomerID
	b.Message(t, first, "timeline-01", false)
	want := []string{}
	for i, at := range []time.Duration{time.Minute, time.Minute, 2 * time.Minute} {
		c := &conversation.Conversation{ID: NewID(), TenantID: b.A.ID, InboxID: in.ID, CustomerID: cu, ContactID: NewID(),
			Status: conversation.StatusOpen, CreatedAt: b.Now.Add(at), UpdatedAt: b.Now.Add(at)}
		ct := &customer.Contact{ID: c.ContactID, TenantID: b.A.ID, CustomerID: cu, Channel: "webchat", InboxID: in.ID,
			ConversationID: c.ID, StartedAt: c.CreatedAt}
		if i == 2 {
			c.ID, ct.ConversationID = "", "" // a contact of a channel without conversations
			ct.Channel = "voice"
		}
		require.NoError(t, b.Stores.Customers.CreateContact(b.ctx, ct))
		if c.ID != "" {
			require.NoError(t, b.Stores.Conversations.Create(b.ctx, c))
		}
		want = append(want, ct.ID)
	}
	// The number shield refused a call to the customer three minutes in;
	// another tenant's decision about the same ID never shows.
	call := &shield.Decision{ID: NewID(), TenantID: b.A.ID, At: b.Now.Add(3 * time.Minute), CallID: "call-1", Caller: "1001",
		Destination: "+86 138****8000", Via: "code", AgentID: "agent-1", CustomerID: cu, ActorID: "pbx",
		Outcome: "reject", Code: 403, Reason: "VIP customers are served by senior agents", RuleID: "r1"}
	require.NoError(t, b.Stores.Shield.AppendDecision(b.ctx, call))
	require.NoError(t, b.Stores.Shield.AppendDecision(b.ctx, &shield.Decision{ID: NewID(), TenantID: b.B.ID,
		At: b.Now.Add(4 * time.Minute), CustomerID: cu, Outcome: "dial"}))

	// Newest first: the call, the voice contact, the two of the same
	// minute by ID descending, then the first.
	if want[0] < want[1] {
		want[0], want[1] = want[1], want[0]
	}
	want = []string{call.ID, want[2], want[0], want[1], first.ContactID}

	var got []*customer.TimelineEntry
	p := &customer.TimelineParams{TenantID: b.A.ID, CustomerID: cu, Limit: 2}
	for range 4 {
		page, err := b.Stores.Customers.Timeline(b.ctx, p)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 2)
		got = append(got, page...)
		if len(page) < 2 {
			break
		}
		p.BeforeAt, p.BeforeID = page[len(page)-1].StartedAt.UnixMilli(), page[len(page)-1].ID
	}
	ids := make([]string, len(got))
	for i, e := range got {
		ids[i] = e.ID
	}
	require.Equal(t, want, ids, "newest first, every entry once across pages")

	require.Equal(t, &customer.TimelineEntry{ID: call.ID, Kind: customer.KindCall, Channel: "voice", StartedAt: call.At,
		Outcome: "reject", Code: 403, Reason: call.Reason, AgentID: "agent-1"}, got[0], "a shield decision, without the number")
	got = got[1:]
	voice, oldest := got[0], got[3]
	require.Equal(t, "voice", voice.Channel)
	require.Equal(t, customer.KindCall, voice.Kind, "a voice contact is a call")
	require.Nil(t, voice.EndedAt, "nothing ends a contact yet")
	require.Empty(t, voice.Status, "no conversation, no status")
	require.Nil(t, voice.LastMessageAt)
	require.Equal(t, &customer.TimelineEntry{ID: first.ContactID, Kind: customer.KindChat, Channel: "webchat", InboxID: in.ID, ConversationID: first.ID,
		StartedAt: b.Now, Status: string(conversation.StatusOpen), LastMessageAt: &b.Now}, oldest)
	require.Nil(t, got[1].LastMessageAt, "a conversation without messages has no last message")

	other, err := b.Stores.Customers.Timeline(b.ctx, &customer.TimelineParams{TenantID: b.B.ID, CustomerID: cu})
	require.NoError(t, err)
	require.Len(t, other, 1, "another tenant sees only its own entry for the same ID")
	require.Equal(t, "dial", other[0].Outcome)
}
