package routing

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRouteChoosesQueue: the dispatcher's board picks the queue of new work
// by the rules it holds (in order, per inbox, in the tenant's time zone),
// else the inbox's default queue; a sticky queue first asks for the
// customer's last agent.
func TestRouteChoosesQueue(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC) // 17:00 in Shanghai
	s := &Snapshot{Settings: Settings{Location: shanghai},
		Queues: []*Queue{{ID: "general", Strategy: LongestIdle}, {ID: "vip", Strategy: LongestIdle},
			{ID: "evening", Strategy: LongestIdle}, {ID: "sticky", Strategy: LongestIdle, StickySeconds: 3600},
			{ID: "web", Strategy: LongestIdle}},
		Rules: []*Rule{{ID: "r1", When: `customer.tier == "vip"`, QueueID: "vip"},
			{ID: "r2", When: `hour >= 18`, QueueID: "evening"},
			{ID: "r3", InboxID: "in2", QueueID: "general"}},
		InboxQueues: map[string]string{"in1": "web", "in4": "sticky"}}
	require.NoError(t, Prepare(s))
	ids := 0
	b := NewBoard(Settings{}, func() string { ids++; return fmt.Sprintf("id-%d", ids) })
	b.Restore(s, at)

	route := func(w Work) *Result {
		t.Helper()
		w.Channel, w.At = ChannelChat, at
		res, err := b.apply(&Command{Op: OpRoute, Work: &w}, at)
		require.NoError(t, err)
		return res
	}
	require.Equal(t, "vip", route(Work{Ref: "c1", InboxID: "in1", CustomerTier: "vip"}).Item.QueueID, "the first rule that holds")
	require.Equal(t, "general", route(Work{Ref: "c2", InboxID: "in2"}).Item.QueueID, "a rule of this inbox")
	require.Equal(t, "web", route(Work{Ref: "c3", InboxID: "in1"}).Item.QueueID, "the inbox's default queue")
	none := route(Work{Ref: "c4", InboxID: "in3"})
	require.Nil(t, none.Item, "no rule and no default queue: not routed")
	require.Empty(t, none.Effects)

	// 18:00 in the tenant's time zone.
	at = at.Add(time.Hour)
	require.Equal(t, "evening", route(Work{Ref: "c5", InboxID: "in1"}).Item.QueueID)
	at = at.Add(-time.Hour)

	ask := route(Work{Ref: "c6", InboxID: "in4", CustomerID: "cust"})
	require.NotNil(t, ask.StickySince, "a sticky queue asks for the last agent")
	require.Equal(t, at.Add(-time.Hour), *ask.StickySince)
	require.Nil(t, ask.Item)
	require.Empty(t, ask.Effects, "nothing happens until it is routed again")
	it := route(Work{Ref: "c6", InboxID: "in4", CustomerID: "cust", Sticky: "bob", StickyKnown: true}).Item
	require.Equal(t, "sticky", it.QueueID)
	require.Equal(t, "bob", it.Sticky)
	require.Equal(t, "", route(Work{Ref: "c7", InboxID: "in4"}).Item.Sticky, "no customer: nobody to stick to")

	// Reopened work stays with its agent if they are here, above capacity
	// too; otherwise it waits, preferring them.
	b.agents["ann"] = &Agent{UserID: "ann", Presence: Available, Capacity: map[Channel]int{ChannelChat: 0},
		Load: map[Channel]int{}, Skills: map[string]int{}}
	b.agents["bob"] = &Agent{UserID: "bob", Presence: Away, Capacity: DefaultCapacity(), Load: map[Channel]int{},
		Skills: map[string]int{}}
	kept := route(Work{Ref: "c9", InboxID: "in1", Assignee: "ann"})
	require.Equal(t, Assigned, kept.Item.Status)
	require.Equal(t, "ann", kept.Item.AgentID)
	require.True(t, kept.Item.Forced, "above capacity")
	require.Equal(t, 1, b.agents["ann"].Load[ChannelChat])
	waits := route(Work{Ref: "c10", InboxID: "in4", CustomerID: "cust", Assignee: "bob"}).Item
	require.Equal(t, Queued, waits.Status)
	require.Equal(t, "bob", waits.Sticky, "no need to look up the last agent")

	_, err = b.apply(&Command{Op: OpRoute, Work: &Work{Ref: "c1", InboxID: "in1", Channel: ChannelChat, At: at}}, at)
	require.ErrorIs(t, err, ErrActiveItem)
	_, err = b.apply(&Command{Op: OpRoute, Work: &Work{Ref: "c8"}}, at)
	require.Error(t, err, "work without a channel")
}

// TestRouteForcedQueue: work transferred to a queue goes there whatever the
// rules and the inbox default say; a queue that is gone falls back to the
// normal choice.
func TestRouteForcedQueue(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	s := &Snapshot{Settings: Settings{Location: time.UTC},
		Queues: []*Queue{{ID: "general", Strategy: LongestIdle}, {ID: "vip", Strategy: LongestIdle},
			{ID: "billing", Strategy: LongestIdle}},
		Rules:       []*Rule{{ID: "r1", When: `customer.tier == "vip"`, QueueID: "vip"}},
		InboxQueues: map[string]string{"in1": "general"}}
	require.NoError(t, Prepare(s))
	b := NewBoard(Settings{}, func() string { return "id" })
	b.Restore(s, at)

	for _, c := range []struct {
		name, ref, tier, inbox, forced, want string
	}{
		{"over the inbox default", "c1", "", "in1", "billing", "billing"},
		{"over a rule that holds", "c2", "vip", "in1", "billing", "billing"},
		{"for an inbox without a default", "c3", "", "in2", "billing", "billing"},
		{"a vanished queue: the rules", "c4", "vip", "in1", "gone", "vip"},
		{"a vanished queue: the inbox default", "c5", "", "in1", "gone", "general"},
		{"none: the normal choice", "c6", "", "in1", "", "general"},
	} {
		w := &Work{Ref: c.ref, InboxID: c.inbox, CustomerTier: c.tier, QueueID: c.forced, Channel: ChannelChat, At: at}
		res, err := b.apply(&Command{Op: OpRoute, Work: w}, at)
		require.NoError(t, err, c.name)
		require.NotNil(t, res.Item, c.name)
		require.Equal(t, c.want, res.Item.QueueID, c.name)
	}
	none, err := b.apply(&Command{Op: OpRoute, Work: &Work{Ref: "c7", InboxID: "in2", QueueID: "gone",
		Channel: ChannelChat, At: at}}, at)
	require.NoError(t, err)
	require.Nil(t, none.Item, "a vanished queue and no other choice: not routed")
}
