package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/routing"
)

// TestRoutingAcrossNodes routes one tenant's queue from two nodes sharing
// PostgreSQL and NATS: conversations start on both nodes, the two agents
// are connected to different nodes and accept every offer they get, so
// commands are forwarded to whichever node holds the tenant's lease. No
// item may be assigned twice and no agent may go above capacity. Then the
// lease holder stops and the other node takes the tenant over.
func TestRoutingAcrossNodes(t *testing.T) {
	t.Parallel()
	a, b := startPair(t, noRateLimit)
	ctx := context.Background()
	f := a.tenant("Routing cluster")
	queue, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Web"})
	require.NoError(t, err)
	ib := a.inbox(f, map[string]any{"default_queue_id": queue.ID})
	for _, id := range []string{f.AgentID, f.SupID} {
		_, err := f.Admin.UpdateUser(ctx, id, map[string]any{"capacity": map[string]int{"chat": 2}})
		require.NoError(t, err)
	}
	agentOnA := a.dialAgent(t, f.Agent.Token)
	supOnB := b.dialAgent(t, b.login(f.Emails["supervisor"], testPassword).Token)
	agentViaB := b.client(f.Agent.Token)
	supViaA := a.client(f.Supervisor.Token)
	_, err = agentViaB.SetPresence(ctx, f.AgentID, "available", "")
	require.NoError(t, err)
	_, err = supViaA.SetPresence(ctx, f.SupID, "available", "")
	require.NoError(t, err)

	// Each agent accepts whatever it is offered, on its own node.
	var mu sync.Mutex
	accepted := map[string]string{} // conversation → agent
	acceptAll := func(ws *wsClient, who string, stop <-chan struct{}) {
		shown := map[any]bool{} // an offer comes early and as an event, and is shown once
		for {
			select {
			case <-stop:
				return
			case fr, ok := <-ws.frames:
				if !ok {
					return
				}
				switch fr["type"] {
				case "offer":
					require.False(t, shown[fr["offer_id"]], "offer %v shown twice", fr["offer_id"])
					shown[fr["offer_id"]] = true
					ws.send(map[string]any{"type": "accept", "offer_id": fr["offer_id"]})
				case "offer_accepted":
					mu.Lock()
					conv := fr["item"].(map[string]any)["ref"].(string)
					require.Empty(t, accepted[conv], "conversation %s accepted twice", conv)
					accepted[conv] = who
					mu.Unlock()
				}
			}
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { acceptAll(agentOnA, f.AgentID, stop) })
	wg.Go(func() { acceptAll(supOnB, f.SupID, stop) })

	convs := make([]string, 10)
	var vwg sync.WaitGroup
	for i := range convs {
		n := a
		if i%2 == 1 {
			n = b
		}
		vwg.Go(func() {
			s := n.session(t, ib.Key, nil)
			convs[i] = s.ConversationID
			v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
			require.NoError(t, err)
			v.message(s.ConversationID, fmt.Sprintf("cluster-route-%04d", i), "Hello")
		})
	}
	vwg.Wait()
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(accepted) == 4
	}, 15*time.Second, 50*time.Millisecond, "two agents with capacity 2 take four conversations")
	require.Eventually(t, func() bool { // the last conversations may still be on their way to the queue
		st, err := f.Supervisor.QueueStats(ctx, queue.ID)
		require.NoError(t, err)
		return st.Waiting == 6 && st.AnsweredToday == 4
	}, 15*time.Second, 50*time.Millisecond, "six wait, four were answered")
	checkNoDoubleAssignment(t, a, f.ID)

	// The node that routes the tenant stops; the other takes over within a
	// lease lifetime, and resolving a conversation pulls the next one.
	owner, other := a, b
	if !a.routesTenant(f.ID) {
		owner, other = b, a
	}
	require.True(t, owner.routesTenant(f.ID))
	require.NoError(t, owner.app.Stop(ctx))
	mu.Lock()
	var supConv string
	for conv, who := range accepted {
		if who == f.SupID {
			supConv = conv
		}
	}
	mu.Unlock()
	require.NotEmpty(t, supConv)
	sup := other.login(f.Emails["supervisor"], testPassword)
	require.Eventually(t, func() bool {
		err := sup.Do(ctx, http.MethodPost, "/api/v1/conversations/"+supConv+"/status", map[string]any{"status": "resolved"}, nil)
		return err == nil
	}, 15*time.Second, 100*time.Millisecond)
	require.Eventually(t, func() bool {
		st, err := sup.QueueStats(ctx, queue.ID)
		return err == nil && st.AnsweredToday >= 5
	}, 20*time.Second, 100*time.Millisecond, "the surviving node routes the tenant")
	close(stop)
	checkNoDoubleAssignment(t, other, f.ID)
}

// checkNoDoubleAssignment reads the routing state from the database: one
// active item per conversation, no agent above capacity.
func checkNoDoubleAssignment(t *testing.T, n *node, tenantID string) {
	t.Helper()
	s, err := n.app.Stores.Routing.Snapshot(context.Background(), tenantID, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	refs, load := map[string]bool{}, map[string]int{}
	for _, it := range s.Items {
		require.False(t, refs[it.Ref], "conversation %s has two active items", it.Ref)
		refs[it.Ref] = true
		if it.Status == routing.Offered || it.Status == routing.Assigned {
			load[it.AgentID]++
		}
	}
	for agent, n := range load {
		require.LessOrEqual(t, n, 2, "agent %s holds %d items with capacity 2", agent, n)
	}
}

// routesTenant reports whether this node holds the tenant's routing lease.
func (n *node) routesTenant(tenantID string) bool { return n.app.RoutesTenant(tenantID) }
