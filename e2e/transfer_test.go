package e2e_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// transferFixture is a tenant whose inbox routes to a queue, and a web
// chat that the agent was offered and accepted.
type transferFixture struct {
	n               *node
	f               *tenantFixture
	queue           string // the inbox's default queue
	conv            string
	agentWS, supWS  *wsClient
	assignment, key string
}

func newTransferFixture(t *testing.T, engine string) *transferFixture {
	n := start(t, engine)
	ctx := context.Background()
	f := n.tenant("Transfer")
	queue, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Web", "offer_timeout_seconds": 60})
	require.NoError(t, err)
	ib := n.inbox(f, map[string]any{"default_queue_id": queue.ID})
	x := &transferFixture{n: n, f: f, queue: queue.ID, key: ib.Key,
		agentWS: n.dialAgent(t, f.Agent.Token), supWS: n.dialAgent(t, f.Supervisor.Token)}
	_, err = f.Agent.SetPresence(ctx, f.AgentID, "available", "")
	require.NoError(t, err)
	s := n.session(t, ib.Key, nil)
	v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
	require.NoError(t, err)
	v.message(s.ConversationID, "transfer-0001", "Hello")
	x.conv, x.assignment = s.ConversationID, "/api/v1/conversations/"+s.ConversationID+"/assignment"
	offer := x.agentWS.next("offer")
	_, err = f.Agent.AcceptOffer(ctx, offer["offer_id"].(string))
	require.NoError(t, err)
	x.assignee(t, f.AgentID)
	require.Equal(t, 1, x.load(t, f.AgentID))
	return x
}

// assignee waits until the conversation's assignee is userID.
func (x *transferFixture) assignee(t *testing.T, userID string) {
	t.Helper()
	require.Eventually(t, func() bool {
		var c map[string]any
		require.NoError(t, x.f.Admin.Do(context.Background(), http.MethodGet, "/api/v1/conversations/"+x.conv, nil, &c))
		return c["assignee_id"] == userID || (userID == "" && c["assignee_id"] == nil)
	}, 10*time.Second, 20*time.Millisecond, "assignee %q", userID)
}

func (x *transferFixture) load(t *testing.T, userID string) int {
	t.Helper()
	st, err := x.f.Admin.AgentState(context.Background(), userID)
	require.NoError(t, err)
	return st.Load["chat"]
}

// unloaded waits until userID holds no chat.
func (x *transferFixture) unloaded(t *testing.T, userID string) {
	t.Helper()
	require.Eventually(t, func() bool { return x.load(t, userID) == 0 }, 10*time.Second, 20*time.Millisecond)
}

// offered waits for the conversation's offer on ws and returns its item.
func (x *transferFixture) offered(t *testing.T, ws *wsClient) (offerID string, item map[string]any) {
	t.Helper()
	o := ws.next("offer")
	require.Equal(t, x.conv, o["conversation_id"])
	return o["offer_id"].(string), o["item"].(map[string]any)
}

// TestTransferToQueue: a conversation its agent holds in one queue is
// transferred to another: the agent's load drops and the conversation is
// offered to the agent with the new queue's skill, never to one who
// serves only the first queue; the history names the queue.
func TestTransferToQueue(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		x := newTransferFixture(t, engine)
		f, ctx := x.f, context.Background()
		billing, err := f.Admin.CreateSkill(ctx, "Billing")
		require.NoError(t, err)
		bq, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Billing", "offer_timeout_seconds": 60,
			"skills": []map[string]any{{"skill_id": billing.ID, "min_level": 2}}})
		require.NoError(t, err)
		_, err = f.Admin.UpdateUser(ctx, f.SupID, map[string]any{"skills": []map[string]any{{"skill_id": billing.ID, "level": 3}}})
		require.NoError(t, err)
		_, err = f.Supervisor.SetPresence(ctx, f.SupID, "available", "")
		require.NoError(t, err)

		var c map[string]any
		require.NoError(t, f.Admin.Do(ctx, http.MethodPost, x.assignment, map[string]any{"queue_id": bq.ID}, &c))
		require.Nil(t, c["assignee_id"], "the transfer takes it from its agent")
		offerID, item := x.offered(t, x.supWS)
		require.Equal(t, bq.ID, item["queue_id"], "routed into the queue named, past the inbox's default")
		x.unloaded(t, f.AgentID)
		x.agentWS.none("offer", 500*time.Millisecond)

		var msgs struct {
			Data []map[string]any `json:"data"`
		}
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+x.conv+"/messages?limit=500", nil, &msgs))
		ev := msgs.Data[len(msgs.Data)-1]["event"].(map[string]any)
		require.Equal(t, "assigned", ev["kind"])
		require.Equal(t, f.AgentID, ev["from"])
		require.Equal(t, bq.ID, ev["queue_id"])

		_, err = f.Supervisor.AcceptOffer(ctx, offerID)
		require.NoError(t, err)
		x.assignee(t, f.SupID)
		st, err := f.Supervisor.QueueStats(ctx, bq.ID)
		require.NoError(t, err)
		require.Equal(t, 0, st.Waiting)
		require.Equal(t, 1, st.AnsweredToday)
	})
}

// TestUnassignReroutes: clearing a routed conversation's assignee gives it
// back to routing, which offers it to the next free agent of its queue;
// setting only a team while clearing the assignee does the same.
func TestUnassignReroutes(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		x := newTransferFixture(t, engine)
		f, ctx := x.f, context.Background()
		// The agent steps away, keeping the chat; the supervisor is free.
		_, err := f.Agent.SetPresence(ctx, f.AgentID, "away", "")
		require.NoError(t, err)
		_, err = f.Supervisor.SetPresence(ctx, f.SupID, "available", "")
		require.NoError(t, err)
		x.supWS.none("offer", 300*time.Millisecond)

		require.NoError(t, f.Admin.Do(ctx, http.MethodPost, x.assignment, map[string]any{"assignee_id": nil}, nil))
		offerID, item := x.offered(t, x.supWS)
		require.Equal(t, x.queue, item["queue_id"], "the inbox's default queue, as for a new conversation")
		x.unloaded(t, f.AgentID)
		_, err = f.Supervisor.AcceptOffer(ctx, offerID)
		require.NoError(t, err)
		x.assignee(t, f.SupID)

		// Now the other way round, naming a team.
		team, err := f.Admin.CreateTeam(ctx, map[string]any{"name": "Tier 2"})
		require.NoError(t, err)
		_, err = f.Supervisor.SetPresence(ctx, f.SupID, "away", "")
		require.NoError(t, err)
		_, err = f.Agent.SetPresence(ctx, f.AgentID, "available", "")
		require.NoError(t, err)
		var c map[string]any
		require.NoError(t, f.Admin.Do(ctx, http.MethodPost, x.assignment, map[string]any{"assignee_id": nil, "team_id": team.ID}, &c))
		require.Equal(t, team.ID, c["team_id"])
		_, item = x.offered(t, x.agentWS)
		require.Equal(t, x.queue, item["queue_id"])
		x.unloaded(t, f.SupID)
	})
}

// TestTransferRefusals: queue_id with an assignee, a queue that is not the
// tenant's, and a conversation that is not open or pending are refused in
// the request, and nothing changes.
func TestTransferRefusals(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		x := newTransferFixture(t, engine)
		f, ctx := x.f, context.Background()
		other := x.n.tenant("Transfer elsewhere")
		foreign, err := other.Admin.CreateQueue(ctx, map[string]any{"name": "Theirs"})
		require.NoError(t, err)

		err = f.Admin.Do(ctx, http.MethodPost, x.assignment, map[string]any{"queue_id": x.queue, "assignee_id": f.SupID}, nil)
		ae := apiError(t, err, 422, "validation_failed")
		require.Len(t, ae.Details, 1)
		require.Equal(t, "queue_id", ae.Details[0].Field)
		for _, q := range []string{"0193a5b2-7c4e-7d21-9f3a-2b8c1d4e5f60", foreign.ID} {
			apiError(t, f.Admin.Do(ctx, http.MethodPost, x.assignment, map[string]any{"queue_id": q}, nil), 422, "unknown_queue")
		}
		x.assignee(t, f.AgentID)
		require.Equal(t, 1, x.load(t, f.AgentID))

		for _, status := range []map[string]any{{"status": "resolved"},
			{"status": "snoozed", "until": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}} {
			require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/conversations/"+x.conv+"/status", status, nil))
			err = f.Admin.Do(ctx, http.MethodPost, x.assignment, map[string]any{"queue_id": x.queue}, nil)
			apiError(t, err, 409, "conflict")
			x.assignee(t, f.AgentID)
		}
	})
}
