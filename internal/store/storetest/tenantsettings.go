package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/tenant"
)

// SetAutoResolve turns auto-resolve on for tn after hours (0: off).
func (b *Bundle) SetAutoResolve(t testing.TB, tn *tenant.Tenant, hours int) {
	t.Helper()
	s, err := b.Stores.Tenants.Settings(b.ctx, tn.ID)
	require.NoError(t, err)
	s.AutoResolveAfterHours = hours
	require.NoError(t, b.Stores.Tenants.UpdateSettings(b.ctx, tn.ID, s, b.Now))
}

// MessageAt appends a visitor message written at the given time.
func (b *Bundle) MessageAt(t testing.TB, c *conversation.Conversation, at time.Time) *conversation.Conversation {
	t.Helper()
	m := &conversation.Message{ID: NewID(), TenantID: c.TenantID, ConversationID: c.ID, SenderType: conversation.SenderVisitor,
		Text: "hello", Attachments: []conversation.AttachmentRef{}, CreatedAt: at}
	next, err := b.Stores.Conversations.Append(b.ctx, &conversation.AppendParams{Message: m})
	require.NoError(t, err)
	return next
}

func testTenantSettings(t *testing.T, b *Bundle) {
	ctx, st := b.ctx, b.Stores.Tenants
	s, err := st.Settings(ctx, b.A.ID)
	require.NoError(t, err)
	require.Equal(t, &tenant.Settings{Name: "Tenant A", DefaultLocale: "en", AutoResolveAfterHours: 0, DefaultRegion: "CN"}, s,
		"the defaults")

	later := b.Now.Add(time.Minute)
	want := &tenant.Settings{Name: "Renamed", DefaultLocale: "zh-CN", AutoResolveAfterHours: 48, DefaultRegion: "HK"}
	require.NoError(t, st.UpdateSettings(ctx, b.A.ID, want, later))
	s, err = st.Settings(ctx, b.A.ID)
	require.NoError(t, err)
	require.Equal(t, want, s)
	tn, err := st.Get(ctx, b.A.ID)
	require.NoError(t, err)
	require.Equal(t, "Renamed", tn.Name, "the same name the platform administrator sees")
	require.Equal(t, later, tn.UpdatedAt)

	other, err := st.Settings(ctx, b.B.ID)
	require.NoError(t, err)
	require.Equal(t, "Tenant B", other.Name)
	require.Zero(t, other.AutoResolveAfterHours)

	_, err = st.Settings(ctx, NewID())
	require.ErrorIs(t, err, tenant.ErrNotFound)
	require.ErrorIs(t, st.UpdateSettings(ctx, NewID(), want, later), tenant.ErrNotFound)
}

// testConversationDueAutoResolve: only open and pending conversations with
// messages, of active tenants with auto-resolve on, whose last message is at
// least the tenant's hours old are due, oldest first.
func testConversationDueAutoResolve(t *testing.T, b *Bundle) {
	ctx, st := b.ctx, b.Stores.Conversations
	now := b.Now
	b.SetAutoResolve(t, b.A, 2)
	in := b.Inbox(t, b.A)
	conv := func(lastMessage time.Duration, status conversation.Status) *conversation.Conversation {
		c := b.MessageAt(t, b.Conversation(t, in), now.Add(-lastMessage))
		if status != conversation.StatusOpen {
			require.NoError(t, st.SetStatus(ctx, &conversation.SetStatusParams{TenantID: c.TenantID, ID: c.ID, Status: status, At: now}))
		}
		return c
	}
	due := conv(3*time.Hour, conversation.StatusOpen)
	pending := conv(4*time.Hour, conversation.StatusPending)
	exactly := conv(2*time.Hour, conversation.StatusOpen)
	conv(time.Hour, conversation.StatusOpen)       // recent
	conv(5*time.Hour, conversation.StatusResolved) // resolved already
	b.Conversation(t, in)                          // no message at all
	otherIn := b.Inbox(t, b.B)                     // B has auto-resolve off
	b.MessageAt(t, b.Conversation(t, otherIn), now.Add(-100*time.Hour))

	got, err := st.DueAutoResolve(ctx, now, 10)
	require.NoError(t, err)
	require.Equal(t, []string{pending.ID, due.ID, exactly.ID}, convIDs(got), "oldest last message first")
	require.Equal(t, conversation.StatusPending, got[0].Status)
	first, err := st.DueAutoResolve(ctx, now, 1)
	require.NoError(t, err)
	require.Equal(t, []string{pending.ID}, convIDs(first))

	// The conditional change: a message since it was found wins.
	b.MessageAt(t, due, now)
	err = st.SetStatus(ctx, &conversation.SetStatusParams{TenantID: due.TenantID, ID: due.ID, Status: conversation.StatusResolved,
		At: now, From: conversation.StatusOpen, IfLastSeq: due.LastSeq})
	require.ErrorIs(t, err, conversation.ErrStatusChanged)

	// A suspended tenant's conversations wait.
	a, err := b.Stores.Tenants.Get(ctx, b.A.ID)
	require.NoError(t, err)
	a.Status = tenant.StatusSuspended
	require.NoError(t, b.Stores.Tenants.Update(ctx, a))
	got, err = st.DueAutoResolve(ctx, now, 10)
	require.NoError(t, err)
	require.Empty(t, got)
}
