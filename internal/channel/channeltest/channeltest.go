// Package channeltest is the conformance suite every channel passes: what a
// customer sends is stored once and in order; what an agent answers reaches
// the customer exactly once and in order.
package channeltest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/conversation"
)

// Rig is one customer on a channel, wired to a running Switchboard.
type Rig struct {
	// Inject makes the customer send text; ext is the channel's own ID of
	// the message (a provider's message ID, or a client ID).
	Inject func(ctx context.Context, ext, text string) error
	// Customer yields the texts the customer receives, in arrival order.
	Customer <-chan string
	// Reply makes an agent answer the customer's conversation.
	Reply func(ctx context.Context, clientID, text string) error
	// Stored lists the customer's conversation as stored, in seq order.
	Stored func(ctx context.Context) ([]*conversation.Message, error)
}

// Run runs the suite; open returns a fresh customer for each subtest.
func Run(t *testing.T, open func(t *testing.T) *Rig) {
	t.Helper()
	for name, fn := range map[string]func(*testing.T, *Rig){
		"InboundStored":     testInboundStored,
		"InboundIdempotent": testInboundIdempotent,
		"InboundOrder":      testInboundOrder,
		"OutboundDelivered": testOutboundDelivered,
		"OutboundOrder":     testOutboundOrder,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, open(t))
		})
	}
}

func visitorTexts(t *testing.T, r *Rig) []string {
	t.Helper()
	ms, err := r.Stored(context.Background())
	require.NoError(t, err)
	var out []string
	for i, m := range ms {
		require.Equal(t, int64(i+1), m.Seq, "stored seqs are contiguous")
		if m.SenderType == conversation.SenderVisitor {
			out = append(out, m.Text)
		}
	}
	return out
}

func testInboundStored(t *testing.T, r *Rig) {
	require.NoError(t, r.Inject(context.Background(), "inbound-stored-1", "hello there"))
	require.Eventually(t, func() bool { return len(visitorTexts(t, r)) == 1 }, 5*time.Second, 20*time.Millisecond)
	require.Equal(t, []string{"hello there"}, visitorTexts(t, r))
}

func testInboundIdempotent(t *testing.T, r *Rig) {
	ctx := context.Background()
	require.NoError(t, r.Inject(ctx, "inbound-dup-1", "only once"))
	require.NoError(t, r.Inject(ctx, "inbound-dup-1", "only once"))
	require.NoError(t, r.Inject(ctx, "inbound-dup-2", "marker"))
	require.Eventually(t, func() bool { return len(visitorTexts(t, r)) >= 2 }, 5*time.Second, 20*time.Millisecond)
	require.Equal(t, []string{"only once", "marker"}, visitorTexts(t, r), "a repeated message ID is stored once")
}

func testInboundOrder(t *testing.T, r *Rig) {
	var want []string
	for i := range 20 {
		text := fmt.Sprintf("in-%02d", i)
		want = append(want, text)
		require.NoError(t, r.Inject(context.Background(), fmt.Sprintf("inbound-order-%02d", i), text))
	}
	require.Eventually(t, func() bool { return len(visitorTexts(t, r)) == 20 }, 5*time.Second, 20*time.Millisecond)
	require.Equal(t, want, visitorTexts(t, r))
}

func testOutboundDelivered(t *testing.T, r *Rig) {
	require.NoError(t, r.Inject(context.Background(), "outbound-open-1", "hi"))
	require.NoError(t, r.Reply(context.Background(), "outbound-reply-1", "an answer"))
	require.NoError(t, r.Reply(context.Background(), "outbound-reply-1", "an answer")) // a retried send
	require.Equal(t, "an answer", receive(t, r))
	select {
	case extra := <-r.Customer:
		t.Fatalf("the customer received a second copy: %q", extra)
	case <-time.After(300 * time.Millisecond):
	}
}

func testOutboundOrder(t *testing.T, r *Rig) {
	require.NoError(t, r.Inject(context.Background(), "outbound-order-open", "hi"))
	for i := range 10 {
		require.NoError(t, r.Reply(context.Background(), fmt.Sprintf("outbound-order-%02d", i), fmt.Sprintf("out-%02d", i)))
	}
	for i := range 10 {
		require.Equal(t, fmt.Sprintf("out-%02d", i), receive(t, r), "replies arrive in order")
	}
}

func receive(t *testing.T, r *Rig) string {
	t.Helper()
	select {
	case s := <-r.Customer:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("the customer received nothing within 5s")
		return ""
	}
}
