package e2e_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/client"
	"github.com/switchboardhq/switchboard/internal/app"
)

// TestSettings: every user of a tenant reads its settings; its admins
// change them (audited, and the name is the one the platform administrator
// sees); bad values are refused with their codes; the chat widget gets the
// default language.
func TestSettings(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		f := n.tenant("Settings Co")
		s, err := f.Agent.Settings(ctx)
		require.NoError(t, err)
		require.Equal(t, &client.TenantSettings{Name: "Settings Co", DefaultLocale: "en", DefaultRegion: "CN"}, s, "the defaults")

		s, err = f.Admin.UpdateSettings(ctx, map[string]any{"name": "  Settings Ltd  ", "default_locale": "zh-CN",
			"auto_resolve_after_hours": 48})
		require.NoError(t, err)
		want := &client.TenantSettings{Name: "Settings Ltd", DefaultLocale: "zh-CN", AutoResolveAfterHours: 48, DefaultRegion: "CN"}
		require.Equal(t, want, s)
		s, err = f.Supervisor.Settings(ctx)
		require.NoError(t, err)
		require.Equal(t, want, s)
		s, err = f.Admin.UpdateSettings(ctx, map[string]any{"auto_resolve_after_hours": 0})
		require.NoError(t, err)
		require.Equal(t, "zh-CN", s.DefaultLocale, "fields left out keep their values")
		require.Zero(t, s.AutoResolveAfterHours)

		var tn struct{ Name string }
		require.NoError(t, n.root().Do(ctx, http.MethodGet, "/api/v1/tenants/"+f.ID, nil, &tn))
		require.Equal(t, "Settings Ltd", tn.Name)
		log, err := f.Admin.ListAudit(ctx, &client.ListOptions{Filters: map[string]string{"action": "tenant.settings_changed"}})
		require.NoError(t, err)
		require.Len(t, log.Data, 2)
		require.Equal(t, f.AdminID, log.Data[1].ActorID)
		require.Equal(t, []any{"name", "default_locale", "auto_resolve_after_hours"}, log.Data[1].Details["fields"])

		for _, bad := range []struct {
			body map[string]any
			code string
		}{
			{map[string]any{"default_locale": "fr"}, "validation_failed"},
			{map[string]any{"default_region": "XX"}, "unknown_region"},
			{map[string]any{"default_region": "China"}, "validation_failed"},
			{map[string]any{"auto_resolve_after_hours": 8761}, "validation_failed"},
			{map[string]any{"auto_resolve_after_hours": -1}, "validation_failed"},
			{map[string]any{"name": "   "}, "validation_failed"},
			{map[string]any{}, "validation_failed"},
			{map[string]any{"timezone": "UTC"}, "validation_failed"},
		} {
			_, err := f.Admin.UpdateSettings(ctx, bad.body)
			apiError(t, err, 422, bad.code)
		}
		_, err = f.Supervisor.UpdateSettings(ctx, map[string]any{"name": "Mine now"})
		apiError(t, err, 403, "forbidden")
		_, err = n.root().Settings(ctx)
		apiError(t, err, 404, "not_found") // the platform administrator has no tenant

		ib := n.inbox(f, nil)
		var sess struct {
			DefaultLocale string `json:"default_locale"`
		}
		require.NoError(t, n.client("").Do(ctx, http.MethodPost, "/api/v1/widget/"+ib.Key+"/sessions", map[string]any{}, &sess))
		require.Equal(t, "zh-CN", sess.DefaultLocale, "the widget's fallback language")
	})
}

// offsetClock is the node's clock, moved forward on demand.
type offsetClock struct{ offset atomic.Int64 }

func (c *offsetClock) Now() time.Time {
	return time.Now().Add(time.Duration(c.offset.Load())).UTC().Truncate(time.Millisecond)
}

// TestAutoResolve: a routed, answered chat without a message for the
// tenant's auto-resolve time is resolved by the system, like an agent's
// resolve: the visitor sees the status message (reason auto_resolved) and
// the agent's capacity is freed. A chat with a recent message stays open.
func TestAutoResolve(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		clock := &offsetClock{}
		n := startOpts(t, nodeConfig(t, engine), app.Options{Now: clock.Now, AutoResolveEvery: 50 * time.Millisecond})
		ctx := context.Background()
		f := n.tenant("Auto-resolve")
		queue, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Web"})
		require.NoError(t, err)
		ib := n.inbox(f, map[string]any{"default_queue_id": queue.ID})
		agentWS := n.dialAgent(t, f.Agent.Token)
		_, err = f.Agent.SetPresence(ctx, f.AgentID, "available", "")
		require.NoError(t, err)
		_, err = f.Admin.UpdateSettings(ctx, map[string]any{"auto_resolve_after_hours": 1})
		require.NoError(t, err)

		s := n.session(t, ib.Key, nil)
		visitor, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		visitor.message(s.ConversationID, "auto-0001", "Hello")
		_, err = f.Agent.AcceptOffer(ctx, agentWS.next("offer")["offer_id"].(string))
		require.NoError(t, err)
		load := func() int {
			st, err := f.Agent.AgentState(ctx, f.AgentID)
			require.NoError(t, err)
			return st.Load["chat"]
		}
		require.Equal(t, 1, load())
		require.Eventually(t, func() bool { // the assignment's system message is a message too
			var c struct {
				AssigneeID string `json:"assignee_id"`
			}
			require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+s.ConversationID, nil, &c))
			return c.AssigneeID == f.AgentID
		}, 10*time.Second, 20*time.Millisecond)

		clock.offset.Store(int64(90 * time.Minute))
		recent := n.session(t, n.inbox(f, nil).Key, nil) // not routed: it does not count in the agent's load
		require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/conversations/"+recent.ConversationID+"/messages",
			map[string]any{"text": "Anything else?", "client_id": "auto-0002"}, nil))

		status := func(id string) string {
			var c struct{ Status string }
			require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+id, nil, &c))
			return c.Status
		}
		require.Eventually(t, func() bool { return status(s.ConversationID) == "resolved" }, 10*time.Second, 50*time.Millisecond)
		ev := msgOf(visitor.nextFrom("system"))["event"].(map[string]any)
		require.Equal(t, map[string]any{"kind": "status_changed", "from": "open", "to": "resolved", "reason": "auto_resolved"}, ev)
		require.Eventually(t, func() bool { return load() == 0 }, 10*time.Second, 50*time.Millisecond, "routing's work ended")
		require.Equal(t, "open", status(recent.ConversationID), "a message 0 minutes ago")
	})
}
