package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
)

// inboxJSON is an inbox as the API returns it to admins.
type inboxJSON struct {
	ID             string `json:"id"`
	Key            string `json:"key"`
	IdentitySecret string `json:"identity_secret"`
	Snippet        string `json:"snippet"`
}

// sessionJSON is a widget session.
type sessionJSON struct {
	VisitorToken   string `json:"visitor_token"`
	CustomerID     string `json:"customer_id"`
	ConversationID string `json:"conversation_id"`
	LastSeq        int64  `json:"last_seq"`
	AgentsOnline   bool   `json:"agents_online"`
}

// inbox creates a web chat inbox in f's tenant.
func (n *node) inbox(f *tenantFixture, body map[string]any) *inboxJSON {
	n.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	body["channel"], body["name"] = "webchat", "Website"
	var in inboxJSON
	require.NoError(n.t, f.Admin.Do(context.Background(), http.MethodPost, "/api/v1/inboxes", body, &in))
	return &in
}

// session opens a widget session for inbox key.
func (n *node) session(t testing.TB, key string, body map[string]any) *sessionJSON {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	var s sessionJSON
	require.NoError(t, n.client("").Do(context.Background(), http.MethodPost, "/api/v1/widget/"+key+"/sessions", body, &s))
	return &s
}

// chatFixture creates an inbox and a conversation with one agent message.
func (n *node) chatFixture(f *tenantFixture) (*inboxJSON, string) {
	n.t.Helper()
	ib := n.inbox(f, nil)
	s := n.session(n.t, ib.Key, nil)
	err := f.Admin.Do(context.Background(), http.MethodPost, "/api/v1/conversations/"+s.ConversationID+"/messages",
		map[string]any{"text": "Welcome", "client_id": "fixture-0001"}, nil)
	require.NoError(n.t, err)
	return ib, s.ConversationID
}

// wsClient is a test WebSocket peer that collects every frame it receives.
type wsClient struct {
	t      testing.TB
	conn   *websocket.Conn
	frames chan map[string]any
	closed chan error
	// held are frames message() read past while waiting for its ack (a
	// system message may arrive first); the next reads return them first.
	held []map[string]any
}

// recv returns the next frame, held ones first; ok is false when the
// socket closed, timedOut when the deadline passed.
func (c *wsClient) recv(deadline <-chan time.Time) (f map[string]any, ok, timedOut bool) {
	if len(c.held) > 0 {
		f, c.held = c.held[0], c.held[1:]
		return f, true, false
	}
	select {
	case f, ok := <-c.frames:
		return f, ok, false
	case <-deadline:
		return nil, false, true
	}
}

// dialVisitor opens the visitor socket for a session. On a refused
// upgrade it returns the HTTP status.
func (n *node) dialVisitor(t testing.TB, key, token string, hdr http.Header) (*wsClient, int, error) {
	u := strings.Replace(n.base, "http://", "ws://", 1) + "/ws/visitor?key=" + url.QueryEscape(key) + "&visitor_token=" + url.QueryEscape(token)
	return dialWS(t, u, hdr)
}

// dialAgent opens the agent socket with a bearer token.
func (n *node) dialAgent(t testing.TB, token string) *wsClient {
	t.Helper()
	u := strings.Replace(n.base, "http://", "ws://", 1) + "/ws/agent"
	c, status, err := dialWS(t, u, http.Header{"Authorization": {"Bearer " + token}})
	require.NoError(t, err, "dial agent: HTTP %d", status)
	c.next("hello")
	return c
}

func dialWS(t testing.TB, u string, hdr http.Header) (*wsClient, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, res, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: hdr})
	status := 0
	if res != nil {
		status = res.StatusCode
		if res.Body != nil {
			_ = res.Body.Close()
		}
	}
	if err != nil {
		return nil, status, err
	}
	conn.SetReadLimit(1 << 20)
	c := &wsClient{t: t, conn: conn, frames: make(chan map[string]any, 10000), closed: make(chan error, 1)}
	go func() {
		for {
			_, data, err := conn.Read(context.Background())
			if err != nil {
				c.closed <- err
				close(c.frames)
				return
			}
			var f map[string]any
			if json.Unmarshal(data, &f) == nil {
				c.frames <- f
			}
		}
	}()
	t.Cleanup(func() { _ = conn.Close(websocket.StatusNormalClosure, "") })
	return c, status, nil
}

func (c *wsClient) send(f map[string]any) {
	c.t.Helper()
	b, err := json.Marshal(f)
	require.NoError(c.t, err)
	require.NoError(c.t, c.conn.Write(context.Background(), websocket.MessageText, b))
}

// next returns the next frame of type typ, skipping others, within 5 s.
func (c *wsClient) next(typ string) map[string]any {
	c.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		f, ok, timedOut := c.recv(deadline)
		switch {
		case timedOut:
			c.t.Fatalf("no %q frame within 5s", typ)
		case !ok:
			c.t.Fatalf("socket closed while waiting for %q: %v", typ, <-c.closed)
		case f["type"] == typ:
			return f
		}
	}
}

// none asserts no frame of type typ arrives within d.
func (c *wsClient) none(typ string, d time.Duration) {
	c.t.Helper()
	deadline := time.After(d)
	for {
		f, ok, timedOut := c.recv(deadline)
		if timedOut || !ok {
			return
		}
		if f["type"] == typ {
			c.t.Fatalf("unexpected %q frame: %v", typ, f)
		}
	}
}

// message sends a chat message and returns its ack.
func (c *wsClient) message(conv, clientID, text string) map[string]any {
	c.t.Helper()
	c.send(map[string]any{"type": "message", "conversation_id": conv, "client_id": clientID, "text": text})
	var passed []map[string]any
	defer func() { c.held = append(passed, c.held...) }()
	deadline := time.After(5 * time.Second)
	for {
		f, ok, timedOut := c.recv(deadline)
		switch {
		case timedOut:
			c.t.Fatalf("no ack of %s within 5s", clientID)
		case !ok:
			c.t.Fatalf("socket closed while waiting for the ack of %s: %v", clientID, <-c.closed)
		case (f["type"] == "ack" || f["type"] == "error") && f["client_id"] == clientID:
			return f
		default:
			passed = append(passed, f)
		}
	}
}

// nextOf returns the next frame whose type is one of types.
func (c *wsClient) nextOf(types ...string) map[string]any {
	c.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		f, ok, timedOut := c.recv(deadline)
		switch {
		case timedOut:
			c.t.Fatalf("no %v frame within 5s", types)
		case !ok:
			c.t.Fatalf("socket closed while waiting for %v", types)
		case slices.Contains(types, f["type"].(string)):
			return f
		}
	}
}

func seqOf(f map[string]any) int64 { return int64(f["seq"].(float64)) }

func msgOf(f map[string]any) map[string]any { return f["message"].(map[string]any) }

// nextFrom returns the next message frame written by senderType; visitors
// also receive their own messages (for their other devices).
func (c *wsClient) nextFrom(senderType string) map[string]any {
	c.t.Helper()
	for {
		f := c.next("message")
		if msgOf(f)["sender_type"] == senderType {
			return f
		}
	}
}
