package e2e_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/client"
)

// sum adds up a day's hours.
func sum(hours []client.HourCounts) client.HourCounts {
	var s client.HourCounts
	for _, h := range hours {
		s.Entered += h.Entered
		s.Answered += h.Answered
		s.AnsweredInTarget += h.AnsweredInTarget
		s.Abandoned += h.Abandoned
	}
	return s
}

// TestHourlyStats routes real chats on both engines and reads the day by
// local hour in the tenant's time zone: one chat answered at once, one
// resolved while it waited (abandoned); tenant B's chat, routed at the same
// time, is never counted for A, nor A's for B.
func TestHourlyStats(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		a, b := n.tenant("Hourly A"), n.tenant("Hourly B")
		require.NoError(t, a.Admin.Do(ctx, http.MethodPut, "/api/v1/routing/settings",
			map[string]any{"voice_blocks_chats": false, "timezone": "Asia/Shanghai"}, nil))
		queue, err := a.Admin.CreateQueue(ctx, map[string]any{"name": "Web"})
		require.NoError(t, err)
		ib := n.inbox(a, map[string]any{"default_queue_id": queue.ID})
		bQueue, err := b.Admin.CreateQueue(ctx, map[string]any{"name": "Web"})
		require.NoError(t, err)
		bInbox := n.inbox(b, map[string]any{"default_queue_id": bQueue.ID})
		chat := func(key, clientID string) string {
			s := n.session(t, key, nil)
			v, _, err := n.dialVisitor(t, key, s.VisitorToken, nil)
			require.NoError(t, err)
			v.message(s.ConversationID, clientID, "Hello")
			return s.ConversationID
		}

		agentWS := n.dialAgent(t, a.Agent.Token)
		_, err = a.Agent.SetPresence(ctx, a.AgentID, "available", "")
		require.NoError(t, err)
		chat(ib.Key, "hourly-0001")
		_, err = a.Agent.AcceptOffer(ctx, agentWS.next("offer")["offer_id"].(string))
		require.NoError(t, err)
		_, err = a.Agent.SetPresence(ctx, a.AgentID, "away", "")
		require.NoError(t, err)
		waiting := chat(ib.Key, "hourly-0002")
		chat(bInbox.Key, "hourly-0003")
		require.Eventually(t, func() bool {
			st, err := a.Supervisor.QueueStats(ctx, queue.ID)
			require.NoError(t, err)
			return st.Waiting == 1
		}, 10*time.Second, 20*time.Millisecond)
		require.NoError(t, a.Admin.Do(ctx, http.MethodPost, "/api/v1/conversations/"+waiting+"/status",
			map[string]any{"status": "resolved"}, nil))

		want := client.HourCounts{Entered: 2, Answered: 1, AnsweredInTarget: 1, Abandoned: 1}
		var st *client.HourlyStats
		require.Eventually(t, func() bool {
			st, err = a.Supervisor.HourlyStats(ctx, "", "")
			require.NoError(t, err)
			return sum(st.Hours) == want
		}, 10*time.Second, 50*time.Millisecond, "A's day: %+v", st)
		shanghai, err := time.LoadLocation("Asia/Shanghai")
		require.NoError(t, err)
		require.Equal(t, time.Now().In(shanghai).Format(time.DateOnly), st.Date, "today in the tenant's zone")
		require.Equal(t, "Asia/Shanghai", st.Timezone)
		require.Len(t, st.Hours, 24)
		_, offset := st.Hours[0].Start.Zone()
		require.Equal(t, 8*3600, offset, "hours start at Shanghai's full hours")
		require.Equal(t, 0, st.Hours[0].Start.In(shanghai).Hour())
		require.Len(t, st.Queues, 1, "only A's queue")
		require.Equal(t, queue.ID, st.Queues[0].QueueID)
		require.Equal(t, want, sum(st.Queues[0].Hours))

		other, err := b.Admin.HourlyStats(ctx, "", "")
		require.NoError(t, err)
		require.Equal(t, client.HourCounts{Entered: 1}, sum(other.Hours), "B's chat only")
		require.Equal(t, "UTC", other.Timezone)
		require.Len(t, other.Queues, 1)
		require.Equal(t, bQueue.ID, other.Queues[0].QueueID)

		one, err := a.Supervisor.HourlyStats(ctx, st.Date, queue.ID)
		require.NoError(t, err)
		require.Equal(t, want, sum(one.Hours))
		day, err := a.Supervisor.HourlyStats(ctx, "2024-03-10", "")
		require.NoError(t, err)
		require.Equal(t, client.HourCounts{}, sum(day.Hours), "another day")
		require.Empty(t, day.Queues)

		hourlyRefusals(t, a, bQueue.ID)
	})
}

// hourlyRefusals checks what f's callers may not ask for.
func hourlyRefusals(t *testing.T, f *tenantFixture, foreignQueueID string) {
	t.Helper()
	ctx := context.Background()
	_, err := f.Supervisor.HourlyStats(ctx, "", foreignQueueID)
	apiError(t, err, 404, "not_found") // another tenant's queue is none of f's
	_, err = f.Supervisor.HourlyStats(ctx, "2025-02-30", "")
	apiError(t, err, 422, "invalid_date")
	_, err = f.Supervisor.HourlyStats(ctx, "yesterday", "")
	apiError(t, err, 422, "invalid_date")
	_, err = f.Agent.HourlyStats(ctx, "", "")
	apiError(t, err, 403, "forbidden")
}

// TestHourlyStatsDaylightSaving reads New York's days with 23 and 25 hours.
func TestHourlyStatsDaylightSaving(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	f := n.tenant("Hourly DST")
	require.NoError(t, f.Admin.Do(ctx, http.MethodPut, "/api/v1/routing/settings",
		map[string]any{"voice_blocks_chats": false, "timezone": "America/New_York"}, nil))
	for date, hours := range map[string]int{"2025-03-09": 23, "2025-11-02": 25, "2025-07-01": 24} {
		st, err := f.Supervisor.HourlyStats(ctx, date, "")
		require.NoError(t, err)
		require.Equal(t, date, st.Date)
		require.Len(t, st.Hours, hours, date)
	}
}
