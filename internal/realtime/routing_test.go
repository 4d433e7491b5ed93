package realtime

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/routing"
)

// TestOfferMemory: an offer announced early and again by its event is
// shown once; an ended offer is ended once and not shown again.
func TestOfferMemory(t *testing.T) {
	var m offerMemory
	require.True(t, m.show("o1"))
	require.False(t, m.show("o1"), "the event after the early notice")
	require.True(t, m.end("o1"))
	require.False(t, m.end("o1"))
	require.False(t, m.show("o1"), "a late notice of an ended offer")
	require.True(t, m.end("o2"), "ended without having been shown here")
	for i := range recentOffers {
		m.show(fmt.Sprintf("x%d", i))
	}
	require.Len(t, m.ended, recentOffers, "bounded")
	require.True(t, m.show("o1"), "forgotten after recentOffers others")
}

// agentClient registers an agent socket without a connection: the test
// reads what the hub queued for it.
func agentClient(h *Hub, userID string, role permission.Role, inboxes ...string) *Client {
	c := &Client{hub: h, tenantID: "t1", principal: &permission.Principal{UserID: userID, TenantID: "t1", Role: role,
		Perms: role.Grants()}, events: make(chan *delivery, 16), done: make(chan struct{}), cursors: map[string]int64{}}
	m := map[string]bool{}
	for _, id := range inboxes {
		m[id] = true
	}
	c.inboxes.Store(&m)
	h.add(c)
	return c
}

func queued(c *Client) int { return len(c.events) }

// TestHubSkipsUnconcernedAgents: conversation events are queued only for
// the agent sockets that may show them; routing notices only for the
// agents they name.
func TestHubSkipsUnconcernedAgents(t *testing.T) {
	h := NewHub(HubConfig{Bus: nopBus{}, Logger: slog.New(slog.DiscardHandler)})
	member := agentClient(h, "u1", permission.RoleAgent, "in1")
	other := agentClient(h, "u2", permission.RoleAgent, "in2")
	admin := agentClient(h, "u3", permission.RoleAdmin)

	unassigned := conversation.Meta{ID: "c1", InboxID: "in1"}
	h.offer("t1", "", &delivery{meta: unassigned, msg: &conversation.Message{Seq: 1}}, false)
	require.Equal(t, 1, queued(member), "serves the inbox")
	require.Equal(t, 0, queued(other), "serves another inbox")
	require.Equal(t, 1, queued(admin), "reads every conversation")

	mine := conversation.Meta{ID: "c2", InboxID: "in1", AssigneeID: "u2"}
	h.offer("t1", "", &delivery{meta: mine, msg: &conversation.Message{Seq: 1}}, false)
	require.Equal(t, 1, queued(member), "assigned to someone else")
	require.Equal(t, 1, queued(other), "assigned to them")

	// A conversation the socket has shown stays of interest after it
	// moved away (its reassignment must reach the screen).
	member.setCursor("c2", 1)
	h.offer("t1", "", &delivery{meta: mine, changed: &conversation.Changed{}, event: "assigned"}, false)
	require.Equal(t, 2, queued(member))
	require.Equal(t, 2, queued(other), "assigned to them")

	// Until an inbox refresh is handled, any inbox may be the agent's.
	h.offer("t1", "", &delivery{refreshInboxes: true}, false)
	require.Equal(t, 3, queued(other), "every agent socket refreshes")
	h.offer("t1", "", &delivery{meta: unassigned, msg: &conversation.Message{Seq: 2}}, false)
	require.Equal(t, 4, queued(other))
	require.Equal(t, 4, queued(member))

	// An early offer reaches only the agent named, not supervisors.
	before := queued(admin)
	h.offerRouting("t1", &routingNote{event: "offered", early: true,
		item: &routing.ItemEvent{Item: &routing.Item{AgentID: "u1", OfferID: "o1", Ref: "c1"}}})
	require.Equal(t, 5, queued(member))
	require.Equal(t, 4, queued(other))
	require.Equal(t, before, queued(admin))
	h.offerRouting("t1", &routingNote{event: "offered",
		item: &routing.ItemEvent{Item: &routing.Item{AgentID: "u1", OfferID: "o1", Ref: "c1"}}})
	require.Equal(t, before+1, queued(admin), "the event reaches supervisors")
}
