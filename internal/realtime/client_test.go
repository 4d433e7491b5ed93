package realtime

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/auth"
	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/permission"
)

type nopBus struct{}

func (nopBus) Subscribe(string, func(string, []byte)) (func(), error) { return func() {}, nil }
func (nopBus) Publish(string, []byte) error                           { return nil }

// serveOne runs one agent socket on hub and returns the dialled client end.
func serveOne(t *testing.T, h *Hub) (*websocket.Conn, chan *Client) {
	t.Helper()
	return serveOneWith(t, h, nil)
}

// serveOneWith is serveOne with a credential check.
func serveOneWith(t *testing.T, h *Hub, recheck func(context.Context) (*permission.Principal, error)) (*websocket.Conn, chan *Client) {
	t.Helper()
	clients := make(chan *Client, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		p := &permission.Principal{UserID: "u1", TenantID: "t1", Perms: permission.RoleAdmin.Grants()}
		c, err := h.NewClient(r.Context(), conn, ClientParams{TenantID: "t1", Principal: p, Recheck: recheck})
		if err != nil {
			return
		}
		clients <- c
		c.Serve(r.Context(), map[string]string{"type": "hello"}, Handlers{})
	}))
	t.Cleanup(srv.Close)
	conn, res, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	require.NoError(t, err)
	if res.Body != nil {
		_ = res.Body.Close()
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	return conn, clients
}

func msg(conv string, seq int64) *delivery {
	return &delivery{meta: conversation.Meta{ID: conv}, msg: &conversation.Message{ID: conv + "-m", ConversationID: conv, Seq: seq}}
}

// TestSlowConsumerIsDisconnected blocks a client's delivery (a gap fill
// that does not return) and overflows its queue: the client is closed with
// 1008 slow_consumer and the hub drops it, without blocking the offerer.
func TestSlowConsumerIsDisconnected(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	defer close(release)
	h := NewHub(HubConfig{Bus: nopBus{}, Logger: slog.New(slog.DiscardHandler), QueueLen: 4,
		Inboxes: func(context.Context, string, string) ([]string, error) { return nil, nil },
		Fetch: func(ctx context.Context, _, _ string, _ int64, _ bool, _ int) ([]*conversation.Message, error) {
			select {
			case <-release:
			case <-ctx.Done():
			}
			return nil, ctx.Err()
		}})
	conn, clients := serveOne(t, h)
	c := <-clients
	_, _, err := conn.Read(context.Background()) // hello
	require.NoError(t, err)

	c.offer(msg("c1", 1))
	c.offer(msg("c1", 5)) // a gap: delivery now waits on Fetch
	done := make(chan struct{})
	go func() {
		for i := range 20 {
			c.offer(msg("c1", int64(6+i)))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("offering to a slow client blocked the hub")
	}
	for {
		_, _, err = conn.Read(context.Background())
		if err != nil {
			break
		}
	}
	var ce websocket.CloseError
	require.True(t, errors.As(err, &ce), "closed by the server: %v", err)
	require.Equal(t, websocket.StatusPolicyViolation, ce.Code)
	require.Equal(t, "slow_consumer", ce.Reason)
	require.Eventually(t, func() bool { return len(h.Online("t1")) == 0 }, 2*time.Second, 10*time.Millisecond,
		"the hub forgets the disconnected client")
}

// TestDeliveryOrderAndGapFill checks a client's cursor: duplicates are
// dropped and a gap is filled from the store before the live message.
func TestDeliveryOrderAndGapFill(t *testing.T) {
	t.Parallel()
	h := NewHub(HubConfig{Bus: nopBus{}, Logger: slog.New(slog.DiscardHandler),
		Inboxes: func(context.Context, string, string) ([]string, error) { return nil, nil },
		Fetch: func(_ context.Context, _, conv string, after int64, _ bool, _ int) ([]*conversation.Message, error) {
			var out []*conversation.Message
			for s := after + 1; s <= 4; s++ {
				out = append(out, &conversation.Message{ID: "m", ConversationID: conv, Seq: s})
			}
			return out, nil
		}})
	conn, clients := serveOne(t, h)
	c := <-clients
	_, _, err := conn.Read(context.Background())
	require.NoError(t, err)
	for _, s := range []int64{1, 1, 5, 3, 6} {
		c.offer(msg("c1", s))
	}
	var got []string
	for range 6 {
		_, data, err := conn.Read(context.Background())
		require.NoError(t, err)
		got = append(got, string(data[strings.Index(string(data), `"seq":`):][:7]))
	}
	require.Equal(t, []string{`"seq":1`, `"seq":2`, `"seq":3`, `"seq":4`, `"seq":5`, `"seq":6`}, got)
}

// TestRecheckClosesRevokedSockets checks the periodic credential check: a
// failing store keeps the socket, ended credentials close it.
func TestRecheckClosesRevokedSockets(t *testing.T) {
	t.Parallel()
	results := make(chan error, 10)
	results <- errors.New("database unavailable")
	results <- auth.ErrUnauthenticated
	h := NewHub(HubConfig{Bus: nopBus{}, Logger: slog.New(slog.DiscardHandler), RecheckEvery: 20 * time.Millisecond,
		Inboxes: func(context.Context, string, string) ([]string, error) { return nil, nil }})
	checks := 0
	conn, _ := serveOneWith(t, h, func(context.Context) (*permission.Principal, error) {
		checks++
		return nil, <-results
	})
	var err error
	for err == nil {
		_, _, err = conn.Read(context.Background())
	}
	var ce websocket.CloseError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, websocket.StatusPolicyViolation, ce.Code)
	require.Equal(t, "unauthorized", ce.Reason)
	require.Equal(t, 2, checks, "the transient failure kept the socket open until the next check")
}
