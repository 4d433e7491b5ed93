package e2e_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
)

// TestAgentSocketAuthorization checks the agent socket applies the same
// rules as the REST API: a read-only token reads but may not write, and a
// socket ends as soon as its credentials end or change, on both engines.
func TestAgentSocketAuthorization(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("Socket auth")
		ctx := context.Background()
		ib := n.inbox(f, nil)
		s := n.session(t, ib.Key, nil)
		v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		v.next("hello")
		v.message(s.ConversationID, "sockauth-0001", "hello")

		ro, err := f.Admin.CreateToken(ctx, "read only", []string{"conversations.read", "conversations.read_all"})
		require.NoError(t, err)
		reader := n.dialAgent(t, ro.Secret)
		for _, fr := range []map[string]any{
			{"type": "message", "conversation_id": s.ConversationID, "client_id": "sockauth-0002", "text": "hi"},
			{"type": "typing", "conversation_id": s.ConversationID, "typing": true},
			{"type": "read", "conversation_id": s.ConversationID, "seq": 1},
		} {
			reader.send(fr)
			require.Equal(t, "forbidden", reader.next("error")["code"], "%v", fr["type"])
		}
		reader.send(map[string]any{"type": "resume", "conversation_id": s.ConversationID, "after_seq": 0})
		require.EqualValues(t, 1, seqOf(reader.next("message")), "reading is allowed")
		var page struct {
			Data []map[string]any `json:"data"`
		}
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+s.ConversationID+"/messages", nil, &page))
		require.Len(t, page.Data, 1, "nothing was written through the read-only socket")

		require.NoError(t, f.Admin.Do(ctx, http.MethodDelete, "/api/v1/tokens/"+ro.ID, nil, nil))
		requireClosed(t, reader, "unauthorized")

		sup := n.dialAgent(t, f.Supervisor.Token)
		_, err = f.Admin.UpdateUser(ctx, f.SupID, map[string]any{"role": "agent"})
		require.NoError(t, err)
		requireClosed(t, sup, "credentials_changed")
		sup = n.dialAgent(t, f.Supervisor.Token) // reconnecting works, with the new role

		agent := n.dialAgent(t, f.Agent.Token)
		_, err = f.Admin.UpdateUser(ctx, f.AgentID, map[string]any{"status": "disabled"})
		require.NoError(t, err)
		requireClosed(t, agent, "unauthorized")

		require.NoError(t, f.Supervisor.Logout(ctx))
		requireClosed(t, sup, "unauthorized")
	})
}

// requireClosed waits for the server to close c with 1008 and reason.
func requireClosed(t *testing.T, c *wsClient, reason string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-c.frames:
			if ok {
				continue
			}
			err := <-c.closed
			var ce websocket.CloseError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, websocket.StatusPolicyViolation, ce.Code)
			require.Equal(t, reason, ce.Reason)
			return
		case <-deadline:
			t.Fatalf("the socket was not closed with %q within 5s", reason)
		}
	}
}
