package e2e_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/client"
	"github.com/switchboardhq/switchboard/internal/app"
)

// shortcutsOf lists a page's shortcuts in order.
func shortcutsOf(t testing.TB, c *client.Client, q string) []string {
	t.Helper()
	o := &client.ListOptions{Filters: map[string]string{}}
	if q != "" {
		o.Filters["q"] = q
	}
	p, err := c.ListCannedReplies(context.Background(), o)
	require.NoError(t, err)
	out := []string{}
	for _, r := range p.Data {
		out = append(out, r.Shortcut)
	}
	return out
}

// TestCannedReplies covers the canned reply API: validation with its codes,
// team-limited visibility, search, paging, updates and deletes, and the
// audit trail.
func TestCannedReplies(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		f := n.tenant("Canned")
		billing, err := f.Admin.CreateTeam(ctx, map[string]any{"name": "Billing", "member_ids": []string{f.AgentID}})
		require.NoError(t, err)
		sales, err := f.Admin.CreateTeam(ctx, map[string]any{"name": "Sales", "member_ids": []string{f.SupID}})
		require.NoError(t, err)

		hello, err := f.Admin.CreateCannedReply(ctx, map[string]any{"shortcut": "hello", "title": "Greeting",
			"body": "  Hi {{customer.name}}, I'm {{agent.first_name}}. How can I help?\n"})
		require.NoError(t, err)
		require.Equal(t, "Hi {{customer.name}}, I'm {{agent.first_name}}. How can I help?", hello.Body, "trimmed")
		require.Equal(t, f.ID, hello.TenantID)
		require.Equal(t, f.AdminID, hello.CreatedBy)
		require.Empty(t, hello.TeamID, "tenant-wide")

		_, err = f.Supervisor.CreateCannedReply(ctx, map[string]any{"shortcut": "hello", "title": "Again", "body": "Hello"})
		apiError(t, err, 409, "shortcut_taken")
		_, err = f.Admin.CreateCannedReply(ctx, map[string]any{"shortcut": "mail", "title": "Mail", "body": "Hi {{customer.email}}"})
		ae := apiError(t, err, 422, "unknown_placeholder")
		require.Contains(t, ae.Message, "{{customer.email}}", "the error names the placeholder")
		_, err = f.Admin.CreateCannedReply(ctx, map[string]any{"shortcut": "Hello!", "title": "x", "body": "x"})
		apiError(t, err, 422, "validation_failed")
		_, err = f.Admin.CreateCannedReply(ctx, map[string]any{"shortcut": "blank", "title": "x", "body": " \n "})
		apiError(t, err, 422, "validation_failed")
		_, err = f.Admin.CreateCannedReply(ctx, map[string]any{"shortcut": "orphan", "title": "x", "body": "x", "team_id": sales.ID + "0"})
		apiError(t, err, 422, "unknown_team")
		_, err = f.Agent.CreateCannedReply(ctx, map[string]any{"shortcut": "mine", "title": "x", "body": "x"})
		apiError(t, err, 403, "forbidden")

		refund, err := f.Supervisor.CreateCannedReply(ctx, map[string]any{"shortcut": "refund", "title": "Refund policy",
			"body": "Refunds reach your account within 5 working days.", "team_id": billing.ID})
		require.NoError(t, err)
		discount, err := f.Supervisor.CreateCannedReply(ctx, map[string]any{"shortcut": "discount", "title": "Discount code",
			"body": "Use SAVE10 at checkout.", "team_id": sales.ID})
		require.NoError(t, err)

		// The agent is in Billing, not in Sales.
		require.Equal(t, []string{"hello", "refund"}, shortcutsOf(t, f.Agent, ""))
		_, err = f.Agent.GetCannedReply(ctx, refund.ID)
		require.NoError(t, err)
		_, err = f.Agent.GetCannedReply(ctx, discount.ID)
		apiError(t, err, 404, "not_found")
		require.Equal(t, []string{"discount", "hello", "refund"}, shortcutsOf(t, f.Supervisor, ""), "managers see every team's replies")
		got, err := f.Supervisor.GetCannedReply(ctx, discount.ID)
		require.NoError(t, err)
		require.Equal(t, discount, got)

		// Search: a shortcut prefix (a leading / is ignored) or any case in the title or body.
		require.Equal(t, []string{"refund"}, shortcutsOf(t, f.Agent, "ref"))
		require.Equal(t, []string{"hello"}, shortcutsOf(t, f.Agent, "/hel"))
		require.Equal(t, []string{"refund"}, shortcutsOf(t, f.Agent, "WORKING"))
		require.Equal(t, []string{"discount"}, shortcutsOf(t, f.Admin, "checkout"))
		require.Empty(t, shortcutsOf(t, f.Agent, "checkout"), "search never widens visibility")

		first, err := f.Admin.ListCannedReplies(ctx, &client.ListOptions{Limit: 2})
		require.NoError(t, err)
		require.Len(t, first.Data, 2)
		require.NotNil(t, first.NextCursor)
		rest, err := f.Admin.ListCannedReplies(ctx, &client.ListOptions{Limit: 2, Cursor: *first.NextCursor})
		require.NoError(t, err)
		require.Len(t, rest.Data, 1)
		require.Equal(t, "refund", rest.Data[0].Shortcut)
		require.Nil(t, rest.NextCursor)

		up, err := f.Admin.UpdateCannedReply(ctx, discount.ID, map[string]any{"team_id": "", "title": "Discount"})
		require.NoError(t, err)
		require.Equal(t, "Discount", up.Title)
		require.Equal(t, discount.Body, up.Body)
		require.Equal(t, []string{"discount", "hello", "refund"}, shortcutsOf(t, f.Agent, ""), "now tenant-wide")
		_, err = f.Admin.UpdateCannedReply(ctx, discount.ID, map[string]any{"shortcut": "hello"})
		apiError(t, err, 409, "shortcut_taken")
		_, err = f.Admin.UpdateCannedReply(ctx, discount.ID, map[string]any{"body": "{{coupon}}"})
		apiError(t, err, 422, "unknown_placeholder")
		_, err = f.Agent.UpdateCannedReply(ctx, hello.ID, map[string]any{"title": "Mine"})
		apiError(t, err, 403, "forbidden")

		require.NoError(t, f.Supervisor.DeleteCannedReply(ctx, discount.ID))
		_, err = f.Admin.GetCannedReply(ctx, discount.ID)
		apiError(t, err, 404, "not_found")
		apiError(t, f.Admin.DeleteCannedReply(ctx, discount.ID), 404, "not_found")
		require.Equal(t, []string{"hello", "refund"}, shortcutsOf(t, f.Agent, ""))

		log, err := f.Admin.ListAudit(ctx, &client.ListOptions{Filters: map[string]string{"action": "canned_reply."}})
		require.NoError(t, err)
		var actions []string
		for _, e := range log.Data {
			actions = append(actions, e.Action+" "+e.TargetID)
		}
		require.Equal(t, []string{"canned_reply.deleted " + discount.ID, "canned_reply.updated " + discount.ID,
			"canned_reply.created " + discount.ID, "canned_reply.created " + refund.ID, "canned_reply.created " + hello.ID}, actions)
	})
}

// TestCannedRepliesDemo checks the demo tenant's agents find its replies.
func TestCannedRepliesDemo(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	_, err := n.app.Demo(context.Background())
	require.NoError(t, err)
	agent := n.login("agent1@demo.example", app.DemoPassword)
	require.Equal(t, []string{"bye", "hello", "thanks"}, shortcutsOf(t, agent, ""))
	p, err := agent.ListCannedReplies(context.Background(), &client.ListOptions{Filters: map[string]string{"q": "hello"}})
	require.NoError(t, err)
	require.Len(t, p.Data, 1)
	require.Equal(t, "Hi {{customer.name}}, thanks for reaching out — I'm {{agent.first_name}}. How can I help?", p.Data[0].Body)
}
