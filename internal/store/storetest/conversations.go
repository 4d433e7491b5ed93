package storetest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/inbox"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/tenant"
)

// Inbox creates a web chat inbox in tn.
func (b *Bundle) Inbox(t testing.TB, tn *tenant.Tenant, members ...string) *inbox.Inbox {
	t.Helper()
	if members == nil {
		members = []string{}
	}
	id := NewID()
	in := &inbox.Inbox{ID: id, TenantID: tn.ID, Channel: inbox.ChannelWebchat, Name: "Web", Key: "key-" + id,
		IdentitySecret: "secret", MemberIDs: members, CreatedAt: b.Now, UpdatedAt: b.Now}
	in.Settings.Defaults()
	require.NoError(t, b.Stores.Inboxes.Create(b.ctx, in))
	return in
}

// Conversation creates a customer and a conversation in in.
func (b *Bundle) Conversation(t testing.TB, in *inbox.Inbox) *conversation.Conversation {
	t.Helper()
	cu := &customer.Customer{ID: NewID(), TenantID: in.TenantID, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, b.Stores.Customers.Create(b.ctx, cu, customer.Identity{Kind: customer.IdentityVisitor, Value: cu.ID}))
	c := &conversation.Conversation{ID: NewID(), TenantID: in.TenantID, InboxID: in.ID, CustomerID: cu.ID, ContactID: NewID(),
		Status: conversation.StatusOpen, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, b.Stores.Customers.CreateContact(b.ctx, &customer.Contact{ID: c.ContactID, TenantID: c.TenantID,
		CustomerID: cu.ID, Channel: "webchat", InboxID: in.ID, ConversationID: c.ID, StartedAt: b.Now}))
	require.NoError(t, b.Stores.Conversations.Create(b.ctx, c))
	return c
}

// Message appends a visitor message with client ID cid.
func (b *Bundle) Message(t testing.TB, c *conversation.Conversation, cid string, private bool) *conversation.Message {
	t.Helper()
	m := &conversation.Message{ID: NewID(), TenantID: c.TenantID, ConversationID: c.ID, SenderType: conversation.SenderVisitor,
		Text: "hello " + cid, ClientID: cid, Private: private, Attachments: []conversation.AttachmentRef{}, CreatedAt: b.Now}
	_, err := b.Stores.Conversations.Append(b.ctx, &conversation.AppendParams{Message: m})
	require.NoError(t, err)
	return m
}

func testInboxes(t *testing.T, b *Bundle) {
	agent := b.User(t, b.A, nil)
	in := b.Inbox(t, b.A, agent.ID)
	got, err := b.Stores.Inboxes.Get(b.ctx, b.A.ID, in.ID)
	require.NoError(t, err)
	require.Equal(t, in, got)
	byKey, err := b.Stores.Inboxes.GetByKey(b.ctx, in.Key)
	require.NoError(t, err)
	require.Equal(t, in, byKey)
	_, err = b.Stores.Inboxes.Get(b.ctx, b.B.ID, in.ID)
	require.ErrorIs(t, err, inbox.ErrNotFound)

	foreign := b.User(t, b.B, nil)
	bad := &inbox.Inbox{ID: NewID(), TenantID: b.A.ID, Channel: inbox.ChannelWebchat, Name: "x", Key: NewID(),
		MemberIDs: []string{foreign.ID}, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.ErrorIs(t, b.Stores.Inboxes.Create(b.ctx, bad), inbox.ErrUnknownUser)

	in.Name, in.Settings.Greeting, in.MemberIDs = "Renamed", "Hi!", []string{}
	require.NoError(t, b.Stores.Inboxes.Update(b.ctx, in))
	got, err = b.Stores.Inboxes.Get(b.ctx, b.A.ID, in.ID)
	require.NoError(t, err)
	require.Equal(t, in, got)

	served := b.Inbox(t, b.A, agent.ID)
	mine, err := b.Stores.Inboxes.List(b.ctx, &inbox.ListParams{TenantID: b.A.ID, MemberID: agent.ID})
	require.NoError(t, err)
	require.Len(t, mine, 1)
	require.Equal(t, served.ID, mine[0].ID)

	b.Conversation(t, in) // opened by a widget, never written to
	require.NoError(t, b.Stores.Inboxes.Delete(b.ctx, b.A.ID, in.ID), "empty conversations do not keep an inbox")
	b.Message(t, b.Conversation(t, served), "keeps-inbox", false)
	require.ErrorIs(t, b.Stores.Inboxes.Delete(b.ctx, b.A.ID, served.ID), inbox.ErrInUse)
	require.ErrorIs(t, b.Stores.Inboxes.Delete(b.ctx, b.A.ID, in.ID), inbox.ErrNotFound)
}

func testCustomers(t *testing.T, b *Bundle) {
	id := customer.Identity{Kind: customer.IdentityExternal, Value: "user-42"}
	c := &customer.Customer{ID: NewID(), TenantID: b.A.ID, Name: "Ana", CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, b.Stores.Customers.Create(b.ctx, c, id))
	got, err := b.Stores.Customers.FindByIdentity(b.ctx, b.A.ID, id)
	require.NoError(t, err)
	require.Equal(t, c, got)
	_, err = b.Stores.Customers.FindByIdentity(b.ctx, b.B.ID, id)
	require.ErrorIs(t, err, customer.ErrNotFound, "identities are per tenant")

	visitor := customer.Identity{Kind: customer.IdentityVisitor, Value: "digest"}
	require.NoError(t, b.Stores.Customers.AddIdentity(b.ctx, b.A.ID, c.ID, visitor, b.Now))
	require.NoError(t, b.Stores.Customers.AddIdentity(b.ctx, b.A.ID, c.ID, visitor, b.Now), "adding it again is fine")
	other := &customer.Customer{ID: NewID(), TenantID: b.A.ID, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, b.Stores.Customers.Create(b.ctx, other, customer.Identity{Kind: customer.IdentityVisitor, Value: "other"}))
	require.ErrorIs(t, b.Stores.Customers.AddIdentity(b.ctx, b.A.ID, other.ID, visitor, b.Now), customer.ErrIdentityTaken)

	c.Email, c.UpdatedAt = "ana@example.com", b.Now.Add(time.Second)
	upd := &customer.Customer{ID: c.ID, TenantID: b.A.ID, Email: c.Email, UpdatedAt: c.UpdatedAt}
	require.NoError(t, b.Stores.Customers.UpdateProfile(b.ctx, upd))
	got, err = b.Stores.Customers.Get(b.ctx, b.A.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, c, got, "empty fields keep their values")
}

func testConversationSequence(t *testing.T, b *Bundle) {
	in := b.Inbox(t, b.A)
	c := b.Conversation(t, in)
	for i := range 5 {
		m := b.Message(t, c, fmt.Sprintf("client-%02d", i), i == 2)
		require.Equal(t, int64(i+1), m.Seq, "seq starts at 1 and has no gaps")
	}
	dup, err := b.Stores.Conversations.MessageByClientID(b.ctx, b.A.ID, c.ID, "client-03")
	require.NoError(t, err)
	require.Equal(t, int64(4), dup.Seq)
	_, err = b.Stores.Conversations.MessageByClientID(b.ctx, b.B.ID, c.ID, "client-03")
	require.ErrorIs(t, err, conversation.ErrNotFound)

	all, err := b.Stores.Conversations.Messages(b.ctx, &conversation.MessagesParams{TenantID: b.A.ID, ConversationID: c.ID, IncludePrivate: true})
	require.NoError(t, err)
	require.Len(t, all, 5)
	public, err := b.Stores.Conversations.Messages(b.ctx, &conversation.MessagesParams{TenantID: b.A.ID, ConversationID: c.ID})
	require.NoError(t, err)
	require.Len(t, public, 4, "private notes are filtered")
	after, err := b.Stores.Conversations.Messages(b.ctx, &conversation.MessagesParams{TenantID: b.A.ID, ConversationID: c.ID, AfterSeq: 3, IncludePrivate: true})
	require.NoError(t, err)
	require.Equal(t, []int64{4, 5}, seqs(after))
	before, err := b.Stores.Conversations.Messages(b.ctx, &conversation.MessagesParams{TenantID: b.A.ID, ConversationID: c.ID, BeforeSeq: 5, Limit: 2, IncludePrivate: true})
	require.NoError(t, err)
	require.Equal(t, []int64{3, 4}, seqs(before), "the last page before a seq, in seq order")
	none, err := b.Stores.Conversations.Messages(b.ctx, &conversation.MessagesParams{TenantID: b.B.ID, ConversationID: c.ID, IncludePrivate: true})
	require.NoError(t, err)
	require.Empty(t, none)

	m := &conversation.Message{ID: NewID(), TenantID: c.TenantID, ConversationID: c.ID, SenderType: conversation.SenderAgent,
		Text: "x", ClientID: "client-01", Attachments: []conversation.AttachmentRef{}, CreatedAt: b.Now}
	_, err = b.Stores.Conversations.Append(b.ctx, &conversation.AppendParams{Message: m})
	require.Error(t, err, "a client ID is unique per conversation")
	got, err := b.Stores.Conversations.Get(b.ctx, b.A.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, int64(5), got.LastSeq, "a failed append leaves no gap")

	att := &conversation.Message{ID: NewID(), TenantID: c.TenantID, ConversationID: c.ID, SenderType: conversation.SenderSystem,
		Text: "status", Attachments: []conversation.AttachmentRef{{ID: "a1", Name: "x.png", ContentType: "image/png", Size: 3}},
		Event: &conversation.SystemEvent{Kind: "status_changed", From: "open", To: "resolved"}, CreatedAt: b.Now}
	next, err := b.Stores.Conversations.Append(b.ctx, &conversation.AppendParams{Message: att, SetStatus: conversation.StatusResolved})
	require.NoError(t, err)
	require.Equal(t, conversation.StatusResolved, next.Status)
	require.Equal(t, int64(6), next.LastSeq)
	last, err := b.Stores.Conversations.Messages(b.ctx, &conversation.MessagesParams{TenantID: b.A.ID, ConversationID: c.ID, AfterSeq: 5})
	require.NoError(t, err)
	require.Equal(t, att.Event, last[0].Event)
	require.Equal(t, att.Attachments, last[0].Attachments)
}

func testConversationLifecycle(t *testing.T, b *Bundle) {
	agent, other := b.User(t, b.A, nil), b.User(t, b.A, nil)
	tm := b.Team(t, b.A.ID, "Support")
	in := b.Inbox(t, b.A, agent.ID)
	c := b.Conversation(t, in)
	b.Message(t, c, "client-one", false)

	active, err := b.Stores.Conversations.FindActive(b.ctx, b.A.ID, in.ID, c.CustomerID)
	require.NoError(t, err)
	require.Equal(t, c.ID, active.ID)

	set := &conversation.SetAssignmentParams{TenantID: b.A.ID, ID: c.ID, AssigneeID: other.ID, TeamID: tm.ID, At: b.Now}
	require.NoError(t, b.Stores.Conversations.SetAssignment(b.ctx, set))
	foreign := b.User(t, b.B, nil)
	require.ErrorIs(t, b.Stores.Conversations.SetAssignment(b.ctx, &conversation.SetAssignmentParams{TenantID: b.A.ID, ID: c.ID, AssigneeID: foreign.ID, At: b.Now}), conversation.ErrUnknownUser)
	require.ErrorIs(t, b.Stores.Conversations.SetAssignment(b.ctx, &conversation.SetAssignmentParams{TenantID: b.A.ID, ID: c.ID, TeamID: NewID(), At: b.Now}), conversation.ErrUnknownTeam)

	visible, err := b.Stores.Conversations.List(b.ctx, &conversation.ListParams{TenantID: b.A.ID, VisibleTo: agent.ID})
	require.NoError(t, err)
	require.Empty(t, visible, "assigned to someone else: not visible to the inbox's agent")
	mine, err := b.Stores.Conversations.List(b.ctx, &conversation.ListParams{TenantID: b.A.ID, VisibleTo: other.ID})
	require.NoError(t, err)
	require.Len(t, mine, 1)
	require.NoError(t, b.Stores.Conversations.SetAssignment(b.ctx, &conversation.SetAssignmentParams{TenantID: b.A.ID, ID: c.ID, At: b.Now}))
	visible, err = b.Stores.Conversations.List(b.ctx, &conversation.ListParams{TenantID: b.A.ID, VisibleTo: agent.ID})
	require.NoError(t, err)
	require.Len(t, visible, 1, "unassigned in the agent's inbox")
	un, err := b.Stores.Conversations.List(b.ctx, &conversation.ListParams{TenantID: b.A.ID, Unassigned: true, Status: conversation.StatusOpen})
	require.NoError(t, err)
	require.Len(t, un, 1)
	none, err := b.Stores.Conversations.List(b.ctx, &conversation.ListParams{TenantID: b.B.ID})
	require.NoError(t, err)
	require.Empty(t, none)

	until := b.Now.Add(time.Hour)
	require.NoError(t, b.Stores.Conversations.SetStatus(b.ctx, &conversation.SetStatusParams{TenantID: b.A.ID, ID: c.ID,
		Status: conversation.StatusSnoozed, SnoozedUntil: &until, At: b.Now}))
	due, err := b.Stores.Conversations.DueSnoozed(b.ctx, until, 10)
	require.NoError(t, err)
	require.Len(t, due, 1)
	require.ErrorIs(t, b.Stores.Conversations.SetStatus(b.ctx, &conversation.SetStatusParams{TenantID: b.A.ID, ID: c.ID,
		Status: conversation.StatusOpen, At: b.Now, From: conversation.StatusResolved}), conversation.ErrStatusChanged)
	require.NoError(t, b.Stores.Conversations.SetStatus(b.ctx, &conversation.SetStatusParams{TenantID: b.A.ID, ID: c.ID,
		Status: conversation.StatusOpen, At: b.Now, From: conversation.StatusSnoozed}))
	due, err = b.Stores.Conversations.DueSnoozed(b.ctx, until, 10)
	require.NoError(t, err)
	require.Empty(t, due)

	for _, step := range []struct {
		reader conversation.Reader
		seq    int64
		moved  bool
	}{{conversation.ReaderVisitor, 1, true}, {conversation.ReaderVisitor, 1, false}, {conversation.ReaderVisitor, 0, false},
		{conversation.ReaderAgent, 99, false}} {
		moved, err := b.Stores.Conversations.MarkRead(b.ctx, &conversation.MarkReadParams{TenantID: b.A.ID, ID: c.ID, Reader: step.reader, Seq: step.seq})
		require.NoError(t, err)
		require.Equal(t, step.moved, moved, "%s read to %d", step.reader, step.seq)
	}
	got, err := b.Stores.Conversations.Get(b.ctx, b.A.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, int64(1), got.VisitorReadSeq, "read positions only move forward")
	require.Zero(t, got.AgentReadSeq, "and never past the last message")

	inboxes, err := b.Stores.Conversations.VisibleInboxes(b.ctx, b.A.ID, agent.ID)
	require.NoError(t, err)
	require.Equal(t, []string{in.ID}, inboxes)
}

func testConversationListOrder(t *testing.T, b *Bundle) {
	in := b.Inbox(t, b.A)
	var convs []*conversation.Conversation
	for i := range 5 {
		c := b.Conversation(t, in)
		m := &conversation.Message{ID: NewID(), TenantID: c.TenantID, ConversationID: c.ID, SenderType: conversation.SenderVisitor,
			Text: "x", ClientID: NewID(), Attachments: []conversation.AttachmentRef{}, CreatedAt: b.Now.Add(time.Duration(i) * time.Second)}
		_, err := b.Stores.Conversations.Append(b.ctx, &conversation.AppendParams{Message: m})
		require.NoError(t, err)
		convs = append(convs, c)
	}
	b.Conversation(t, in) // no messages: not listed
	page, err := b.Stores.Conversations.List(b.ctx, &conversation.ListParams{TenantID: b.A.ID, Limit: 3})
	require.NoError(t, err)
	require.Equal(t, []string{convs[4].ID, convs[3].ID, convs[2].ID}, convIDs(page), "newest activity first")
	last := page[2]
	rest, err := b.Stores.Conversations.List(b.ctx, &conversation.ListParams{TenantID: b.A.ID, Limit: 3,
		BeforeAt: last.LastMessageAt.UnixMilli(), BeforeID: last.ID})
	require.NoError(t, err)
	require.Equal(t, []string{convs[1].ID, convs[0].ID}, convIDs(rest))
}

// testBatcher submits writes from many goroutines at once: each one that
// succeeds is stored, a failing one is undone alone, and sequences stay
// contiguous.
func testBatcher(t *testing.T, b *Bundle) {
	bt := store.NewBatcher(b.Stores, slog.New(slog.DiscardHandler))
	require.NoError(t, bt.Start(context.Background()))
	defer bt.Stop()
	in := b.Inbox(t, b.A)
	c := b.Conversation(t, in)
	boom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = bt.Do(context.Background(), func(tx *store.Tx) error {
				m := &conversation.Message{ID: NewID(), TenantID: c.TenantID, ConversationID: c.ID, SenderType: conversation.SenderVisitor,
					Text: "x", ClientID: fmt.Sprintf("batch-%03d", i), Attachments: []conversation.AttachmentRef{}, CreatedAt: b.Now}
				if _, err := tx.Conversations().Append(context.Background(), &conversation.AppendParams{Message: m}); err != nil {
					return err
				}
				if i%10 == 0 {
					return boom // after writing: the savepoint must undo it
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if i%10 == 0 {
			require.ErrorIs(t, err, boom)
		} else {
			require.NoError(t, err)
		}
	}
	msgs, err := b.Stores.Conversations.Messages(b.ctx, &conversation.MessagesParams{TenantID: b.A.ID, ConversationID: c.ID, Limit: 500})
	require.NoError(t, err)
	require.Len(t, msgs, 90)
	for i, m := range msgs {
		require.Equal(t, int64(i+1), m.Seq, "no gaps from the undone writes")
		var n int
		_, _ = fmt.Sscanf(m.ClientID, "batch-%03d", &n)
		require.NotZero(t, n%10, "failed writes left nothing")
	}
	bt.Stop()
	require.NoError(t, bt.Do(context.Background(), func(*store.Tx) error { return nil }), "after Stop, Do runs directly")
}

// testBatcherCancel cancels some writers' contexts while their write runs,
// in batches with failing writes: whatever Do answers is the truth — a
// write is stored, all of it, exactly when Do reported success.
func testBatcherCancel(t *testing.T, b *Bundle) {
	bt := store.NewBatcher(b.Stores, slog.New(slog.DiscardHandler))
	require.NoError(t, bt.Start(context.Background()))
	defer bt.Stop()
	c := b.Conversation(t, b.Inbox(t, b.A))
	const n = 200
	size := func(i int) int { return 1 + 49*btoi(i%7 == 0) } // long writes get cancelled mid-way
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			errs[i] = bt.Do(ctx, func(tx *store.Tx) error {
				if size(i) > 1 {
					defer time.AfterFunc(200*time.Microsecond, cancel).Stop()
				}
				for k := range size(i) {
					m := &conversation.Message{ID: NewID(), TenantID: c.TenantID, ConversationID: c.ID, SenderType: conversation.SenderVisitor,
						Text: "x", ClientID: fmt.Sprintf("cancel-%03d-%02d", i, k), Attachments: []conversation.AttachmentRef{}, CreatedAt: b.Now}
					if _, err := tx.Conversations().Append(ctx, &conversation.AppendParams{Message: m}); err != nil {
						return err
					}
				}
				if i%11 == 0 {
					return errors.New("boom")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	stored := map[int]int{}
	for seq := int64(0); ; {
		msgs, err := b.Stores.Conversations.Messages(b.ctx, &conversation.MessagesParams{TenantID: b.A.ID, ConversationID: c.ID,
			AfterSeq: seq, Limit: 500})
		require.NoError(t, err)
		if len(msgs) == 0 {
			break
		}
		for _, m := range msgs {
			seq++
			require.Equal(t, seq, m.Seq, "no gaps")
			var w, k int
			_, _ = fmt.Sscanf(m.ClientID, "cancel-%03d-%02d", &w, &k)
			stored[w]++
		}
	}
	for i, err := range errs {
		want := 0
		if err == nil {
			want = size(i)
		}
		require.Equal(t, want, stored[i], "write %d: Do said %v", i, err)
	}

	// Stop racing Do: every Do returns.
	for range 50 {
		bt := store.NewBatcher(b.Stores, slog.New(slog.DiscardHandler))
		require.NoError(t, bt.Start(context.Background()))
		done := make(chan error, 1)
		go func() { done <- bt.Do(context.Background(), func(*store.Tx) error { return nil }) }()
		bt.Stop()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(5 * time.Second):
			t.Fatal("Do did not return after Stop")
		}
	}
}

func seqs(ms []*conversation.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Seq
	}
	return out
}

func convIDs(cs []*conversation.Conversation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
