package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/routing"
)

// itemAt stores a routing item of queue q that entered it at queued,
// assigned after assignedAfter (0: never) and ended after endedAfter
// (0: still active).
func (b *Bundle) itemAt(t testing.TB, q *routing.Queue, ref string, queued time.Time, assignedAfter, endedAfter time.Duration) {
	t.Helper()
	it := &routing.Item{ID: NewID(), TenantID: q.TenantID, QueueID: q.ID, Channel: routing.ChannelChat, Ref: ref,
		Status: routing.Queued, EnqueuedAt: queued, QueuedAt: queued}
	if assignedAfter > 0 {
		it.Status, it.AgentID, it.AssignedAt = routing.Assigned, "agent", queued.Add(assignedAfter)
	}
	if endedAfter > 0 {
		it.Status, it.EndedAt = routing.Abandoned, queued.Add(endedAfter)
		if assignedAfter > 0 {
			it.Status = routing.Completed
		}
	}
	require.NoError(t, b.Stores.Routing.SaveItem(b.ctx, it))
}

// testRoutingSlots counts a day's items by queue and quarter hour of when
// they entered their queue: the day's bounds are [from, to), another
// tenant's items and other days' never count, and each queue's service
// level decides what was answered in target.
func testRoutingSlots(t *testing.T, b *Bundle) {
	from := time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)
	to := from.Add(24 * time.Hour)
	web := b.Queue(t, b.A.ID, "Web") // 20 s target
	vip := b.Queue(t, b.A.ID, "VIP")
	vip.ServiceLevel.Seconds = 60
	require.NoError(t, b.Stores.Routing.UpdateQueue(b.ctx, vip))
	at := func(h, m, s int) time.Time {
		return from.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
	}

	b.itemAt(t, web, "w1", at(1, 5, 0), 10*time.Second, 0)               // answered in target
	b.itemAt(t, web, "w2", at(1, 50, 0), 30*time.Second, 10*time.Minute) // answered late, completed
	b.itemAt(t, web, "w3", at(1, 59, 59), 0, time.Minute)                // abandoned
	b.itemAt(t, web, "w4", at(1, 46, 0), 20*time.Second, 0)              // exactly at the target
	b.itemAt(t, web, "w5", at(3, 0, 0), 0, 0)                            // still waiting
	b.itemAt(t, vip, "v1", at(1, 10, 0), 45*time.Second, 0)              // in VIP's 60 s
	b.itemAt(t, web, "yesterday", from.Add(-time.Millisecond), time.Second, 0)
	b.itemAt(t, web, "tomorrow", to, time.Second, 0)
	b.itemAt(t, b.Queue(t, b.B.ID, "Web"), "other-tenant", at(1, 20, 0), time.Second, 0)

	got, err := b.Stores.Routing.CountSlots(b.ctx, &routing.SlotParams{TenantID: b.A.ID, From: from, To: to})
	require.NoError(t, err)
	count := func(q *routing.Queue, slot, entered, answered, inTarget, abandoned int) *routing.SlotCount {
		return &routing.SlotCount{QueueID: q.ID, Slot: slot, Counts: routing.HourCounts{Entered: entered,
			Answered: answered, AnsweredInTarget: inTarget, Abandoned: abandoned}}
	}
	want := []*routing.SlotCount{
		count(web, 4, 1, 1, 1, 0),  // 01:00–01:15
		count(web, 7, 3, 2, 1, 1),  // 01:45–02:00
		count(web, 12, 1, 0, 0, 0), // 03:00–03:15
		count(vip, 4, 1, 1, 1, 0),
	}
	slices.SortStableFunc(want, func(x, y *routing.SlotCount) int { return strings.Compare(x.QueueID, y.QueueID) })
	require.Equal(t, want, got, "ordered by queue and slot")

	one, err := b.Stores.Routing.CountSlots(b.ctx, &routing.SlotParams{TenantID: b.A.ID, QueueID: vip.ID, From: from, To: to})
	require.NoError(t, err)
	require.Equal(t, []*routing.SlotCount{count(vip, 4, 1, 1, 1, 0)}, one)
	none, err := b.Stores.Routing.CountSlots(b.ctx, &routing.SlotParams{TenantID: b.B.ID, QueueID: vip.ID, From: from, To: to})
	require.NoError(t, err)
	require.Empty(t, none, "another tenant's queue ID counts nothing")
}
