package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/calendar"
	"github.com/switchboardhq/switchboard/internal/routing"
	"github.com/switchboardhq/switchboard/internal/user"
)

// Queue creates a queue in tenant tenantID.
func (b *Bundle) Queue(t testing.TB, tenantID, name string) *routing.Queue {
	t.Helper()
	q := &routing.Queue{ID: NewID(), TenantID: tenantID, Name: name, Strategy: routing.LongestIdle,
		OfferTimeoutSeconds: 30, ServiceLevel: routing.ServiceLevel{Percent: 80, Seconds: 20}, MissedOfferAway: true,
		Skills: []routing.SkillReq{}, Overflow: []routing.Overflow{}, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, b.Stores.Routing.CreateQueue(b.ctx, q))
	return q
}

func testRoutingQueues(t *testing.T, b *Bundle) {
	ctx, st := b.ctx, b.Stores.Routing
	sk := b.Skill(t, b.A.ID, "English")
	q := b.Queue(t, b.A.ID, "Support")
	q.Skills = []routing.SkillReq{{SkillID: sk.ID, MinLevel: 3}}
	q.Overflow = []routing.Overflow{{AfterSeconds: 30, Action: routing.RelaxSkills, Levels: 1}}
	q.Hours = &calendar.Hours{Timezone: "Asia/Shanghai", Weekly: []calendar.Window{{Day: "mon", Open: "09:00", Close: "18:00"}}}
	q.AutoAccept, q.Priority, q.StickySeconds = true, 5, 3600
	require.NoError(t, st.UpdateQueue(ctx, q))
	got, err := st.GetQueue(ctx, b.A.ID, q.ID)
	require.NoError(t, err)
	require.Equal(t, q.Skills, got.Skills)
	require.Equal(t, q.Overflow, got.Overflow)
	require.Equal(t, q.Hours, got.Hours)
	require.True(t, got.AutoAccept)
	require.Equal(t, 3600, got.StickySeconds)

	_, err = st.GetQueue(ctx, b.B.ID, q.ID)
	require.ErrorIs(t, err, routing.ErrQueueNotFound, "another tenant's queue")
	require.ErrorIs(t, st.CreateQueue(ctx, &routing.Queue{ID: NewID(), TenantID: b.A.ID, Name: "Support",
		Strategy: routing.LongestIdle, CreatedAt: b.Now, UpdatedAt: b.Now}), routing.ErrQueueNameTaken)
	b.Queue(t, b.B.ID, "Support") // names are per tenant
	list, err := st.ListQueues(ctx, b.A.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)

	// A queue named by another queue's overflow cannot go.
	other := b.Queue(t, b.A.ID, "Overflow")
	q.Overflow = append(q.Overflow, routing.Overflow{AfterSeconds: 60, Action: routing.MoveToQueue, QueueID: other.ID})
	require.NoError(t, st.UpdateQueue(ctx, q))
	require.ErrorIs(t, st.DeleteQueue(ctx, b.A.ID, other.ID), routing.ErrQueueInUse)
	require.ErrorIs(t, st.DeleteQueue(ctx, b.B.ID, q.ID), routing.ErrQueueNotFound)
	q.Overflow = nil
	require.NoError(t, st.UpdateQueue(ctx, q))
	require.NoError(t, st.DeleteQueue(ctx, b.A.ID, other.ID))

	// Rules: replaced whole; a queue of another tenant is refused.
	rules := []*routing.Rule{{ID: NewID(), Name: "vip", When: `customer.tier == "vip"`, QueueID: q.ID}, {ID: NewID(), QueueID: q.ID}}
	require.NoError(t, st.ReplaceRules(ctx, b.A.ID, rules))
	got2, err := st.Rules(ctx, b.A.ID)
	require.NoError(t, err)
	require.Len(t, got2, 2)
	require.Equal(t, "vip", got2[0].Name)
	bq := b.Queue(t, b.B.ID, "B only")
	require.ErrorIs(t, st.ReplaceRules(ctx, b.A.ID, []*routing.Rule{{ID: NewID(), QueueID: bq.ID}}), routing.ErrUnknownQueue)

	// Away reasons and settings.
	require.NoError(t, st.CreateAwayReason(ctx, &routing.AwayReason{ID: NewID(), TenantID: b.A.ID, Name: "Lunch", CreatedAt: b.Now}))
	require.ErrorIs(t, st.CreateAwayReason(ctx, &routing.AwayReason{ID: NewID(), TenantID: b.A.ID, Name: "Lunch", CreatedAt: b.Now}), routing.ErrReasonTaken)
	reasons, err := st.ListAwayReasons(ctx, b.B.ID)
	require.NoError(t, err)
	require.Empty(t, reasons)
	set, err := st.Settings(ctx, b.A.ID)
	require.NoError(t, err)
	require.Equal(t, "UTC", set.Timezone)
	require.NoError(t, st.SetSettings(ctx, b.A.ID, &routing.TenantSettings{VoiceBlocksChats: true, Timezone: "Asia/Shanghai"}))
	set, err = st.Settings(ctx, b.A.ID)
	require.NoError(t, err)
	require.Equal(t, &routing.TenantSettings{VoiceBlocksChats: true, Timezone: "Asia/Shanghai"}, set)
}

func testRoutingItems(t *testing.T, b *Bundle) {
	ctx, st := b.ctx, b.Stores.Routing
	q := b.Queue(t, b.A.ID, "Support")
	sk := b.Skill(t, b.A.ID, "English")
	agent := b.User(t, b.A, &UserOpts{Skills: []user.SkillLevel{{SkillID: sk.ID, Level: 4}}})
	it := &routing.Item{ID: NewID(), TenantID: b.A.ID, QueueID: q.ID, Channel: routing.ChannelChat, Ref: "conv-1",
		CustomerID: "cust-1", Priority: 2, Attributes: map[string]string{"lang": "en"}, Status: routing.Queued,
		EnqueuedAt: b.Now, QueuedAt: b.Now}
	require.NoError(t, st.SaveItem(ctx, it))
	it.Status, it.AgentID, it.OfferID, it.OfferedAt, it.Expires = routing.Offered, agent.ID, "offer-1", b.Now, b.Now.Add(time.Minute)
	it.Declined = []string{"someone"}
	require.NoError(t, st.SaveItem(ctx, it))
	dup := *it
	dup.ID, dup.Status = NewID(), routing.Queued
	require.ErrorIs(t, st.SaveItem(ctx, &dup), routing.ErrActiveItem, "one active item per ref")

	require.NoError(t, st.SavePresence(ctx, b.A.ID, &routing.Agent{UserID: agent.ID, Presence: routing.Away, Reason: "Lunch", Since: b.Now}))
	active, err := st.ActiveTenants(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{b.A.ID}, active, "only the tenant with routing state")
	snap, err := st.Snapshot(ctx, b.A.ID, b.Now.Add(-time.Hour))
	require.NoError(t, err)
	require.Len(t, snap.Items, 1)
	require.Equal(t, it, snap.Items[0])
	require.Len(t, snap.Agents, 1)
	require.Equal(t, routing.Away, snap.Agents[0].Presence)
	require.Equal(t, 4, snap.Agents[0].Skills[sk.ID])
	require.Equal(t, routing.DefaultCapacity(), snap.Agents[0].Capacity)
	other, err := st.Snapshot(ctx, b.B.ID, b.Now.Add(-time.Hour))
	require.NoError(t, err)
	require.Empty(t, other.Items, "tenant-scoped")

	it.Status, it.AssignedAt, it.OfferID = routing.Assigned, b.Now.Add(time.Second), ""
	require.NoError(t, st.SaveItem(ctx, it))
	last, err := st.LastAgent(ctx, b.A.ID, "cust-1", b.Now.Add(-time.Hour))
	require.NoError(t, err)
	require.Equal(t, agent.ID, last)
	last, err = st.LastAgent(ctx, b.B.ID, "cust-1", b.Now.Add(-time.Hour))
	require.NoError(t, err)
	require.Empty(t, last)

	it.Status, it.EndedAt, it.EndReason = routing.Completed, b.Now.Add(time.Minute), "resolved"
	require.NoError(t, st.SaveItem(ctx, it))
	require.NoError(t, st.SaveItem(ctx, &dup), "the ref is free again")
	snap, err = st.Snapshot(ctx, b.A.ID, b.Now)
	require.NoError(t, err)
	require.Len(t, snap.Items, 1)
	require.Len(t, snap.Today, 1)
	require.Equal(t, "resolved", snap.Today[0].EndReason)

	// Claim and fence.
	first, err := st.Claim(ctx, b.A.ID)
	require.NoError(t, err)
	second, err := st.Claim(ctx, b.A.ID)
	require.NoError(t, err)
	require.Greater(t, second, first, "every claim is higher")
	require.NoError(t, st.Fence(ctx, b.A.ID, second))
	require.ErrorIs(t, st.Fence(ctx, b.A.ID, first), routing.ErrNotOwner, "the earlier owner is fenced")
	require.NoError(t, st.Fence(ctx, b.B.ID, 0), "never claimed: epoch 0")
}
