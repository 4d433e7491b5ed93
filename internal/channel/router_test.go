package channel_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/bus"
	"github.com/switchboardhq/switchboard/internal/channel"
	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/inbox"
)

// recorder is a channel whose provider fails the first attempt of each
// message, like a flaky SMS gateway.
type recorder struct {
	mu        sync.Mutex
	attempts  map[string]int
	delivered []string
}

func (r *recorder) Channel() inbox.Channel { return inbox.ChannelSMS }

func (r *recorder) Deliver(_ context.Context, out *channel.Outbound) (channel.Receipt, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts[out.Message.ID]++
	if r.attempts[out.Message.ID] == 1 {
		return channel.Receipt{}, errors.New("gateway timeout")
	}
	r.delivered = append(r.delivered, out.Message.Text)
	return channel.Receipt{Status: "sent"}, nil
}

type inboxes map[string]*inbox.Inbox

func (m inboxes) Get(_ context.Context, _, id string) (*inbox.Inbox, error) {
	if in, ok := m[id]; ok {
		return in, nil
	}
	return nil, inbox.ErrNotFound
}

// TestRouterRetriesUntilDelivered runs the router on a real embedded NATS
// server: replies reach the adapter, failures are retried, and private
// notes and customers' own messages never leave.
func TestRouterRetriesUntilDelivered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := bus.Open(ctx, bus.Config{StoreDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(b.Close)
	rec := &recorder{attempts: map[string]int{}}
	r := channel.NewRouter(channel.RouterConfig{Consume: b.Consume, Logger: slog.New(slog.DiscardHandler),
		Inboxes:  inboxes{"in1": {ID: "in1", Channel: inbox.ChannelSMS}},
		Adapters: []channel.Adapter{rec}})
	require.NoError(t, r.Start(ctx))
	t.Cleanup(r.Stop)

	publish := func(id string, sender conversation.SenderType, private bool, text string) {
		ev := event.Event{ID: id, Subject: conversation.EventMessageCreated, TenantID: "t1", At: time.Now(),
			Data: conversation.MessageCreated{Conversation: conversation.Meta{ID: "c1", InboxID: "in1"},
				Message: &conversation.Message{ID: id, ConversationID: "c1", SenderType: sender, Private: private, Text: text}}}
		data, err := json.Marshal(ev)
		require.NoError(t, err)
		_, err = b.JetStream().PublishMsg(ctx, &nats.Msg{Subject: ev.Subject, Data: data, Header: nats.Header{jetstream.MsgIDHeader: {id}}})
		require.NoError(t, err)
	}
	publish("m1", conversation.SenderAgent, false, "reply one")
	publish("m2", conversation.SenderAgent, true, "private note")
	publish("m3", conversation.SenderVisitor, false, "customer's own")
	publish("m4", conversation.SenderBot, false, "bot answer")

	require.Eventually(t, func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return len(rec.delivered) == 2
	}, 15*time.Second, 50*time.Millisecond)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.ElementsMatch(t, []string{"reply one", "bot answer"}, rec.delivered)
	require.Equal(t, 2, rec.attempts["m1"], "a failed delivery is retried")
	require.Zero(t, rec.attempts["m2"], "private notes never leave")
	require.Zero(t, rec.attempts["m3"], "customers' own messages are not sent back")
}
