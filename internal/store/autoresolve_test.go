package store_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
)

type autoResolveEnv struct {
	b     *storetest.Bundle
	clock *clock
	svc   *conversation.Service
}

func newAutoResolveEnv(t *testing.T, e storetest.Engine) *autoResolveEnv {
	b := storetest.NewBundle(t, e.Open(t))
	batcher := store.NewBatcher(b.Stores, slog.New(slog.DiscardHandler))
	require.NoError(t, batcher.Start(context.Background()))
	t.Cleanup(batcher.Stop)
	c := &clock{now: b.Now}
	svc := conversation.NewService(conversation.Config{Conversations: b.Stores.Conversations,
		InTx:  store.InTxAs(b.Stores, func(tx *store.Tx) conversation.Tx { return tx }),
		Write: store.BatchAs(batcher, func(tx *store.Tx) conversation.Tx { return tx }),
		Now:   c.Now, NewID: storetest.NewID})
	return &autoResolveEnv{b: b, clock: c, svc: svc}
}

func (env *autoResolveEnv) status(t *testing.T, c *conversation.Conversation) conversation.Status {
	t.Helper()
	got, err := env.b.Stores.Conversations.Get(context.Background(), c.TenantID, c.ID)
	require.NoError(t, err)
	return got.Status
}

// TestAutoResolve runs the auto-resolver on both engines with a fake clock:
// a conversation idle for the tenant's hours is resolved as a manual
// resolve would be (system message and status event), with no actor and
// reason auto_resolved, and audited as the system's; one with a recent
// message, and another tenant's without the setting, are left alone.
func TestAutoResolve(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := newAutoResolveEnv(t, e)
			b := env.b
			b.SetAutoResolve(t, b.A, 24)
			in := b.Inbox(t, b.A)
			idle := b.MessageAt(t, b.Conversation(t, in), b.Now)
			env.clock.Advance(20 * time.Hour)
			recent := b.MessageAt(t, b.Conversation(t, in), env.clock.Now())
			other := b.MessageAt(t, b.Conversation(t, b.Inbox(t, b.B)), b.Now)

			n, err := env.svc.AutoResolve(ctx, env.clock.Now())
			require.NoError(t, err)
			require.Zero(t, n, "nothing is 24 hours idle yet")

			env.clock.Advance(4 * time.Hour)
			drain(t, b) // only the resolve's events from here on
			n, err = env.svc.AutoResolve(ctx, env.clock.Now())
			require.NoError(t, err)
			require.Equal(t, 1, n)
			require.Equal(t, conversation.StatusResolved, env.status(t, idle))
			require.Equal(t, conversation.StatusOpen, env.status(t, recent), "a message 4 hours ago")
			require.Equal(t, conversation.StatusOpen, env.status(t, other), "auto-resolve is off for tenant B")

			msgs, err := b.Stores.Conversations.Messages(ctx, &conversation.MessagesParams{TenantID: idle.TenantID,
				ConversationID: idle.ID, IncludePrivate: true})
			require.NoError(t, err)
			last := msgs[len(msgs)-1]
			require.Equal(t, conversation.SenderSystem, last.SenderType)
			require.Equal(t, &conversation.SystemEvent{Kind: "status_changed", From: "open", To: "resolved",
				Reason: conversation.ReasonAutoResolved}, last.Event)
			subjects, changed := drain(t, b)
			require.Equal(t, []string{conversation.EventMessageCreated, conversation.EventStatusChanged}, subjects)
			require.Equal(t, conversation.ReasonAutoResolved, changed.Reason)
			require.Empty(t, changed.ActorID, "the system")
			entries, err := b.Stores.Audit.List(ctx, &audit.ListParams{TenantID: b.A.ID, Action: conversation.ActionStatusChanged})
			require.NoError(t, err)
			require.Len(t, entries, 1)
			require.Empty(t, entries[0].ActorID)
			require.Equal(t, conversation.ReasonAutoResolved, entries[0].Details["reason"])

			n, err = env.svc.AutoResolve(ctx, env.clock.Now())
			require.NoError(t, err)
			require.Zero(t, n, "resolved once")
		})
	}
}

// TestAutoResolver runs the background component at a short interval on
// the service's fake clock: the idle conversation is resolved once the
// clock passes the threshold; Stop is safe before Start and twice.
func TestAutoResolver(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			env := newAutoResolveEnv(t, e)
			b := env.b
			b.SetAutoResolve(t, b.A, 1)
			idle := b.MessageAt(t, b.Conversation(t, b.Inbox(t, b.A)), b.Now)
			r := conversation.NewAutoResolver(env.svc, 10*time.Millisecond, slog.New(slog.DiscardHandler))
			r.Stop()
			require.NoError(t, r.Start(context.Background()))
			require.NoError(t, r.Start(context.Background()))
			time.Sleep(50 * time.Millisecond)
			require.Equal(t, conversation.StatusOpen, env.status(t, idle), "the clock has not moved")
			env.clock.Advance(time.Hour)
			require.Eventually(t, func() bool { return env.status(t, idle) == conversation.StatusResolved },
				10*time.Second, 10*time.Millisecond)
			r.Stop()
			r.Stop()
		})
	}
}

// drain claims every pending outbox event and returns their subjects and
// the body of the last status change.
func drain(t *testing.T, b *storetest.Bundle) ([]string, conversation.Changed) {
	t.Helper()
	var subjects []string
	var changed conversation.Changed
	_, err := b.Stores.Outbox.Claim(context.Background(), 100, func(batch []event.Pending) (int, error) {
		for _, p := range batch {
			subjects = append(subjects, p.Subject)
			if p.Subject == conversation.EventStatusChanged {
				var env struct{ Data conversation.Changed }
				require.NoError(t, json.Unmarshal(p.Payload, &env))
				changed = env.Data
			}
		}
		return len(batch), nil
	})
	require.NoError(t, err)
	return subjects, changed
}
