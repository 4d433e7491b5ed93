package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestWebChatRoundTrip runs the whole protocol between a visitor socket and
// an agent socket: durable acks, idempotent resends, ordered delivery,
// private notes, typing and read notices, and resume.
func TestWebChatRoundTrip(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("Chat")
		ctx := context.Background()
		ib := n.inbox(f, map[string]any{"member_ids": []string{f.AgentID}})
		agent := n.dialAgent(t, f.Agent.Token)

		s := n.session(t, ib.Key, map[string]any{"name": "Ana"})
		require.Regexp(t, `^sbv_`, s.VisitorToken)
		require.True(t, s.AgentsOnline, "the inbox's agent is connected")
		v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		hello := v.next("hello")
		require.Equal(t, s.ConversationID, hello["conversation_id"])

		ack := v.message(s.ConversationID, "visitor-0001", "Hello, I need help")
		require.Equal(t, "ack", ack["type"], "%v", ack)
		require.EqualValues(t, 1, seqOf(ack))
		got := agent.next("message")
		require.Equal(t, s.ConversationID, got["conversation_id"])
		require.EqualValues(t, 1, seqOf(got))
		require.Equal(t, "Hello, I need help", msgOf(got)["text"])
		require.Equal(t, "visitor", msgOf(got)["sender_type"])
		require.Equal(t, "Ana", msgOf(got)["sender_name"])
		created := agent.next("conversation")
		require.Equal(t, "created", created["event"])

		again := v.message(s.ConversationID, "visitor-0001", "Hello, I need help")
		require.Equal(t, ack["message_id"], again["message_id"], "a resent client_id returns the original ack")
		require.Equal(t, ack["seq"], again["seq"])
		agent.none("message", 200*time.Millisecond)

		reply := agent.message(s.ConversationID, "agent-00001", "Hi Ana, how can I help?")
		require.Equal(t, "ack", reply["type"], "%v", reply)
		require.EqualValues(t, 2, seqOf(reply))
		vr := v.nextFrom("agent")
		require.EqualValues(t, 2, seqOf(vr))
		require.Equal(t, "agent", msgOf(vr)["sender_type"])
		require.Equal(t, "agent", msgOf(vr)["sender_name"], "the agent's display name")

		agent.send(map[string]any{"type": "message", "conversation_id": s.ConversationID, "client_id": "agent-00002", "text": "VIP customer, be nice", "private": true})
		note := agent.nextOf("ack", "error")
		agent.send(map[string]any{"type": "message", "conversation_id": s.ConversationID, "client_id": "agent-00003", "text": "Let me check.", "private": false})
		require.EqualValues(t, 3, seqOf(note))
		visible := v.nextFrom("agent")
		require.EqualValues(t, 4, seqOf(visible), "the visitor never sees the private note")
		require.Equal(t, "Let me check.", msgOf(visible)["text"])

		v.send(map[string]any{"type": "typing", "conversation_id": s.ConversationID, "typing": true})
		typing := agent.next("typing")
		require.Equal(t, "visitor", typing["sender_type"])
		require.Equal(t, true, typing["typing"])
		v.send(map[string]any{"type": "read", "conversation_id": s.ConversationID, "seq": 4})
		read := agent.next("read")
		require.Equal(t, "visitor", read["reader"])
		require.EqualValues(t, 4, seqOf(read))

		// A second device of the same visitor resumes from scratch.
		v2, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		v2.next("hello")
		v2.send(map[string]any{"type": "resume", "conversation_id": s.ConversationID, "after_seq": 0})
		var seqs []int64
		for {
			fr := v2.nextOf("message", "resumed")
			if fr["type"] == "resumed" {
				require.EqualValues(t, 4, seqOf(map[string]any{"seq": fr["last_seq"]}))
				break
			}
			seqs = append(seqs, seqOf(fr))
		}
		require.Equal(t, []int64{1, 2, 4}, seqs, "replay in order, private note excluded")

		var page struct {
			Data []map[string]any `json:"data"`
		}
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+s.ConversationID+"/messages", nil, &page))
		require.Len(t, page.Data, 4, "nothing was stored twice")
		require.Equal(t, true, page.Data[2]["private"])
	})
}

// TestWebChatOrderUnderLoad pipelines many messages from several visitors
// and checks every acknowledged message reaches the agent exactly once,
// in seq order per conversation, with no gaps.
func TestWebChatOrderUnderLoad(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite", noRateLimit)
	f := n.tenant("Load")
	ib := n.inbox(f, nil)
	agent := n.dialAgent(t, f.Admin.Token)
	const visitors, perVisitor = 5, 100
	type vis struct {
		ws   *wsClient
		conv string
	}
	var vs []vis
	for range visitors {
		s := n.session(t, ib.Key, nil)
		ws, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		ws.next("hello")
		vs = append(vs, vis{ws, s.ConversationID})
	}
	for i := range perVisitor {
		for _, v := range vs {
			v.ws.send(map[string]any{"type": "message", "conversation_id": v.conv, "client_id": fmt.Sprintf("load-%06d", i), "text": fmt.Sprint(i)})
		}
	}
	for _, v := range vs {
		for i := range perVisitor {
			ack := v.ws.nextOf("ack", "error")
			require.Equal(t, "ack", ack["type"], "%v", ack)
			require.EqualValues(t, i+1, seqOf(ack), "acks come back in send order with contiguous seqs")
		}
	}
	last := map[string]int64{}
	for range visitors * perVisitor {
		m := agent.next("message")
		conv := m["conversation_id"].(string)
		require.Equal(t, last[conv]+1, seqOf(m), "conversation %s: in order, no gaps, no duplicates", conv)
		last[conv] = seqOf(m)
	}
	for _, v := range vs {
		require.EqualValues(t, perVisitor, last[v.conv])
	}
}
