package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
)

// TestChatRouting routes web chats end to end on both engines: a visitor's
// first message queues the conversation; the engine offers it on the
// available agent's socket; a decline passes it to the next agent, who
// accepts over the socket; the conversation is then assigned to them, and
// their reply reaches the visitor. The supervisor's socket carries the
// routing feed and the queue statistics count what happened.
func TestChatRouting(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		f := n.tenant("Routing")
		queue, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Web", "offer_timeout_seconds": 60})
		require.NoError(t, err)
		ib := n.inbox(f, map[string]any{"default_queue_id": queue.ID})
		second := n.login(f.Emails["supervisor"], testPassword) // the supervisor takes work too

		agentWS := n.dialAgent(t, f.Agent.Token)
		supWS := n.dialAgent(t, second.Token)
		_, err = f.Agent.SetPresence(ctx, f.AgentID, "available", "")
		require.NoError(t, err)
		agentWS.next("presence")

		s := n.session(t, ib.Key, nil)
		visitor, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		visitor.message(s.ConversationID, "routing-0001", "Hello, I need help")

		// Offered to the only available agent, who declines.
		offer := agentWS.next("offer")
		require.Equal(t, s.ConversationID, offer["conversation_id"])
		// The offer travels twice (early notice, then the durable event);
		// the socket writes it once.
		agentWS.none("offer", 500*time.Millisecond)
		supWS.next("routing") // the supervisor's feed: queued or offered
		agentWS.send(map[string]any{"type": "decline", "offer_id": offer["offer_id"]})
		require.Equal(t, offer["offer_id"], agentWS.next("offer_declined")["offer_id"])
		_, err = f.Admin.AcceptOffer(ctx, offer["offer_id"].(string))
		apiError(t, err, 404, "not_found") // not the admin's offer

		// The supervisor becomes available and gets it; accepts on the socket.
		_, err = second.SetPresence(ctx, f.SupID, "available", "")
		require.NoError(t, err)
		offer2 := supWS.next("offer")
		require.NotEqual(t, offer["offer_id"], offer2["offer_id"])
		supWS.send(map[string]any{"type": "accept", "offer_id": offer2["offer_id"]})
		// The reply and the assignment event may arrive in either order.
		got := map[string]map[string]any{}
		for len(got) < 2 {
			fr := supWS.nextOf("offer_accepted", "assigned")
			got[fr["type"].(string)] = fr
		}
		require.Equal(t, "assigned", got["offer_accepted"]["item"].(map[string]any)["status"])
		require.Equal(t, s.ConversationID, got["assigned"]["conversation_id"])
		_, err = f.Agent.DeclineOffer(ctx, offer2["offer_id"].(string))
		apiError(t, err, 404, "not_found")

		// The conversation follows the assignment; the reply reaches the visitor.
		require.Eventually(t, func() bool {
			var c struct {
				AssigneeID string `json:"assignee_id"`
			}
			require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+s.ConversationID, nil, &c))
			return c.AssigneeID == f.SupID
		}, 10*time.Second, 20*time.Millisecond)
		ack := supWS.message(s.ConversationID, "routing-0002", "Happy to help")
		require.Equal(t, "ack", ack["type"])
		require.Equal(t, "Happy to help", msgOf(visitor.nextFrom("agent"))["text"])

		st, err := f.Supervisor.QueueStats(ctx, queue.ID)
		require.NoError(t, err)
		require.Equal(t, 0, st.Waiting)
		require.Equal(t, 1, st.AnsweredToday)
		require.Equal(t, 2, st.Agents.Available, "both still take chats: one declined, one holds 1 of 3")
		state, err := second.AgentState(ctx, f.SupID)
		require.NoError(t, err)
		require.Equal(t, 1, state.Load["chat"])
		_, err = f.Agent.AgentState(ctx, f.SupID)
		apiError(t, err, 404, "not_found") // agents see only their own state
		var board struct {
			Data []struct {
				UserID   string         `json:"user_id"`
				Presence string         `json:"presence"`
				Load     map[string]int `json:"load"`
			} `json:"data"`
		}
		require.NoError(t, f.Supervisor.Do(ctx, http.MethodGet, "/api/v1/agents", nil, &board))
		require.Len(t, board.Data, 3, "admin, supervisor and agent")
		for _, a := range board.Data {
			if a.UserID == f.SupID {
				require.Equal(t, 1, a.Load["chat"])
			}
		}

		// Resolving ends the work and frees the capacity.
		require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/conversations/"+s.ConversationID+"/status",
			map[string]any{"status": "resolved"}, nil))
		require.Eventually(t, func() bool {
			state, err := second.AgentState(ctx, f.SupID)
			require.NoError(t, err)
			return state.Load["chat"] == 0
		}, 10*time.Second, 20*time.Millisecond)
	})
}

// TestMissedOffer lets an offer lapse: the work goes back to its place and
// the agent is set away with reason missed_offer, which their socket hears.
func TestMissedOffer(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	f := n.tenant("Missed")
	queue, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Web", "offer_timeout_seconds": 5})
	require.NoError(t, err)
	ib := n.inbox(f, map[string]any{"default_queue_id": queue.ID})
	agentWS := n.dialAgent(t, f.Agent.Token)
	_, err = f.Agent.SetPresence(ctx, f.AgentID, "available", "")
	require.NoError(t, err)
	s := n.session(t, ib.Key, nil)
	visitor, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
	require.NoError(t, err)
	visitor.message(s.ConversationID, "missed-0001", "Anyone there?")
	offer := agentWS.next("offer")
	var ended map[string]any
	timeout := time.After(15 * time.Second)
	for ended == nil {
		select {
		case f := <-agentWS.frames:
			if f["type"] == "offer_ended" {
				ended = f
			}
		case <-timeout:
			t.Fatal("no offer_ended frame within 15 s of a 5 s offer")
		}
	}
	require.NotNil(t, ended)
	require.Equal(t, offer["offer_id"], ended["offer_id"])
	require.Equal(t, "offer_timeout", ended["reason"])
	state, err := f.Agent.AgentState(ctx, f.AgentID)
	require.NoError(t, err)
	require.Equal(t, "away", state.Presence)
	require.Equal(t, "missed_offer", state.Reason)
	st, err := f.Supervisor.QueueStats(ctx, queue.ID)
	require.NoError(t, err)
	require.Equal(t, 1, st.Waiting, "back in the queue")
}

// TestVisitorQueuePosition: a waiting visitor asks where they stand, gets a
// position and an estimated wait, is offered the alternative to leave a
// message when nobody can answer, and leaving takes the conversation out
// of the queue while it stays open for agents.
func TestVisitorQueuePosition(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	f := n.tenant("Queue position")
	queue, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Web", "alternatives_after_seconds": 60})
	require.NoError(t, err)
	ib := n.inbox(f, map[string]any{"default_queue_id": queue.ID})
	var visitors []*wsClient
	var convs []string
	for i := range 2 {
		s := n.session(t, ib.Key, nil)
		v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		v.message(s.ConversationID, fmt.Sprintf("position-%04d", i), "Hi")
		visitors, convs = append(visitors, v), append(convs, s.ConversationID)
	}
	// Nobody is signed in: the second visitor is second in line, with no
	// estimate, and may leave a message.
	var q map[string]any
	require.Eventually(t, func() bool {
		visitors[1].send(map[string]any{"type": "position", "conversation_id": convs[1]})
		q = queueAnswer(visitors[1])
		return q["waiting"] == true
	}, 10*time.Second, 100*time.Millisecond)
	require.EqualValues(t, 2, q["position"])
	require.EqualValues(t, -1, q["estimated_wait_seconds"])
	require.Equal(t, []any{"message"}, q["alternatives"])

	visitors[0].send(map[string]any{"type": "leave_message", "conversation_id": convs[0]})
	left := queueAnswer(visitors[0])
	require.Equal(t, true, left["left"])
	require.Equal(t, false, left["waiting"])
	visitors[1].send(map[string]any{"type": "position", "conversation_id": convs[1]})
	require.EqualValues(t, 1, queueAnswer(visitors[1])["position"], "one fewer ahead")

	st, err := f.Supervisor.QueueStats(ctx, queue.ID)
	require.NoError(t, err)
	require.Equal(t, 1, st.Waiting)
	require.Equal(t, 1, st.AbandonedToday, "leaving a message ends the wait")

	// An agent becomes available: the conversation is being offered, so it
	// still waits but has no place in line; another visitor's conversation
	// is not this visitor's to ask about.
	_, err = f.Agent.SetPresence(ctx, f.AgentID, "available", "")
	require.NoError(t, err)
	visitors[1].send(map[string]any{"type": "position", "conversation_id": convs[1]})
	q = queueAnswer(visitors[1])
	require.Equal(t, true, q["waiting"])
	require.EqualValues(t, 0, q["position"], "being offered: no place in line")
	visitors[1].send(map[string]any{"type": "position", "conversation_id": convs[0]})
	require.Equal(t, "not_found", visitors[1].next("error")["code"])
}

// TestAgentDisconnect: an agent whose last agent socket closed is set
// offline after the tenant's grace period (reason disconnected), so work is
// not offered to someone who left; while the socket is open, nothing
// changes.
func TestAgentDisconnect(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	f := n.tenant("Disconnect")
	require.NoError(t, f.Admin.Do(ctx, http.MethodPut, "/api/v1/routing/settings",
		map[string]any{"voice_blocks_chats": false, "timezone": "UTC", "disconnect_grace_seconds": 1}, nil))
	ws := n.dialAgent(t, f.Agent.Token)
	_, err := f.Agent.SetPresence(ctx, f.AgentID, "available", "")
	require.NoError(t, err)
	time.Sleep(6 * time.Second) // longer than the grace and a watch round
	st, err := f.Agent.AgentState(ctx, f.AgentID)
	require.NoError(t, err)
	require.Equal(t, "available", st.Presence, "connected agents stay available")

	require.NoError(t, ws.conn.Close(websocket.StatusNormalClosure, "bye"))
	require.Eventually(t, func() bool {
		st, err := f.Agent.AgentState(ctx, f.AgentID)
		require.NoError(t, err)
		return st.Presence == "offline" && st.Reason == "disconnected"
	}, 20*time.Second, 200*time.Millisecond)
}

// queueAnswer returns the next queue frame that answers a position or
// leave_message frame, skipping the server's "entered a queue" notices.
func queueAnswer(v *wsClient) map[string]any {
	v.t.Helper()
	for {
		if q := v.next("queue"); q["position"] != nil || q["left"] != nil {
			return q
		}
	}
}

// TestRoutingRules: queue rules and an inbox's default queue take effect
// as soon as the call that changes them returns; the first rule that holds
// wins, and without one the inbox's default queue takes the work.
func TestRoutingRules(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	f := n.tenant("Routing rules")
	web, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Web"})
	require.NoError(t, err)
	vip, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Priority"})
	require.NoError(t, err)
	ib := n.inbox(f, nil)
	waiting := func(queueID string, want int) {
		t.Helper()
		require.Eventually(t, func() bool {
			st, err := f.Supervisor.QueueStats(ctx, queueID)
			require.NoError(t, err)
			return st.Waiting == want
		}, 10*time.Second, 20*time.Millisecond, "queue %s: %d waiting", queueID, want)
	}
	chat := func(i int) {
		s := n.session(t, ib.Key, nil)
		v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		v.message(s.ConversationID, fmt.Sprintf("rules-%04d", i), "Hello")
	}

	require.NoError(t, f.Admin.Do(ctx, http.MethodPatch, "/api/v1/inboxes/"+ib.ID, map[string]any{"default_queue_id": web.ID}, nil))
	chat(0)
	waiting(web.ID, 1)

	require.NoError(t, f.Admin.Do(ctx, http.MethodPut, "/api/v1/routing/rules", map[string]any{"rules": []map[string]any{
		{"name": "Never", "when": `item.channel == "voice"`, "queue_id": web.ID},
		{"name": "This inbox", "inbox_id": ib.ID, "when": `item.channel == "chat"`, "queue_id": vip.ID},
	}}, nil))
	chat(1)
	waiting(vip.ID, 1)
	waiting(web.ID, 1)

	require.NoError(t, f.Admin.Do(ctx, http.MethodPut, "/api/v1/routing/rules", map[string]any{"rules": []any{}}, nil))
	chat(2)
	waiting(web.ID, 2)
	waiting(vip.ID, 1)
}

// TestSupervisorLiveState: supervisors' sockets get the tenant's live
// routing state pushed (queues, and the agents who changed); agents do
// not.
func TestSupervisorLiveState(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	f := n.tenant("Live state")
	queue, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Web"})
	require.NoError(t, err)
	ib := n.inbox(f, map[string]any{"default_queue_id": queue.ID})
	supWS := n.dialAgent(t, f.Supervisor.Token)
	agentWS := n.dialAgent(t, f.Agent.Token)

	s := n.session(t, ib.Key, nil)
	v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
	require.NoError(t, err)
	v.message(s.ConversationID, "live-0001", "Hello")
	waitState := func(ok func(queue, agent map[string]any) bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			fr := supWS.next("routing_state")
			require.Equal(t, f.ID, fr["tenant_id"])
			var q, a map[string]any
			for _, x := range fr["queues"].([]any) {
				if x.(map[string]any)["queue_id"] == queue.ID {
					q = x.(map[string]any)
				}
			}
			for _, x := range fr["agents"].([]any) {
				if x.(map[string]any)["user_id"] == f.AgentID {
					a = x.(map[string]any)
				}
			}
			if q != nil && ok(q, a) {
				return
			}
		}
		t.Fatal("the expected routing_state never came")
	}
	waitState(func(q, _ map[string]any) bool { return q["waiting"] == 1.0 })

	_, err = f.Agent.SetPresence(ctx, f.AgentID, "available", "")
	require.NoError(t, err)
	waitState(func(q, a map[string]any) bool {
		return a != nil && a["presence"] == "available" && len(a["offers"].([]any)) == 1 && q["offered"] == 1.0
	})
	agentWS.none("routing_state", 1500*time.Millisecond)
}

// TestReopenedConversation: a customer who writes again into a resolved
// conversation is new work. It stays with its agent while they are
// signed in (routing counts it in their load); when they are away it is
// offered to the next agent, and the conversation moves to whoever takes
// it.
func TestReopenedConversation(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	f := n.tenant("Reopened")
	queue, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Web"})
	require.NoError(t, err)
	ib := n.inbox(f, map[string]any{"default_queue_id": queue.ID})
	agentWS := n.dialAgent(t, f.Agent.Token)
	supWS := n.dialAgent(t, f.Supervisor.Token)
	_, err = f.Agent.SetPresence(ctx, f.AgentID, "available", "")
	require.NoError(t, err)

	s := n.session(t, ib.Key, nil)
	v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
	require.NoError(t, err)
	v.message(s.ConversationID, "reopen-0001", "Hello")
	offer := agentWS.next("offer")
	_, err = f.Agent.AcceptOffer(ctx, offer["offer_id"].(string))
	require.NoError(t, err)
	resolve := func() {
		t.Helper()
		require.Eventually(t, func() bool { // the conversation becomes the agent's just after the accept
			return f.Admin.Do(ctx, http.MethodPost, "/api/v1/conversations/"+s.ConversationID+"/status",
				map[string]any{"status": "resolved"}, nil) == nil
		}, 5*time.Second, 20*time.Millisecond)
	}
	load := func(userID string) float64 {
		st, err := f.Admin.AgentState(ctx, userID)
		require.NoError(t, err)
		return float64(st.Load["chat"])
	}
	resolve()
	require.Eventually(t, func() bool { return load(f.AgentID) == 0 }, 5*time.Second, 20*time.Millisecond)

	// The supervisor is available too, and has waited longer: the work
	// still stays with its agent.
	_, err = f.Supervisor.SetPresence(ctx, f.SupID, "available", "")
	require.NoError(t, err)
	v.message(s.ConversationID, "reopen-0002", "Me again")
	require.Equal(t, s.ConversationID, agentWS.next("assigned")["conversation_id"])
	require.Eventually(t, func() bool { return load(f.AgentID) == 1 }, 5*time.Second, 20*time.Millisecond)
	supWS.none("offer", 300*time.Millisecond)

	// Away: the next time it goes to the supervisor, and becomes theirs.
	resolve()
	_, err = f.Agent.SetPresence(ctx, f.AgentID, "away", "")
	require.NoError(t, err)
	v.message(s.ConversationID, "reopen-0003", "Still there?")
	again := supWS.next("offer")
	require.Equal(t, s.ConversationID, again["conversation_id"])
	require.Equal(t, f.AgentID, again["item"].(map[string]any)["sticky_agent_id"], "preferred when back")
	supWS.send(map[string]any{"type": "accept", "offer_id": again["offer_id"]})
	require.Eventually(t, func() bool {
		var c map[string]any
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+s.ConversationID, nil, &c))
		return c["assignee_id"] == f.SupID
	}, 5*time.Second, 20*time.Millisecond)
}
