package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/httpapi"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// exampleBody returns the request example the OpenAPI document gives for a
// route, so that every write in these tables gets past validation.
func exampleBody(t testing.TB, r httpapi.Route) string {
	t.Helper()
	doc, err := loadSpec()
	require.NoError(t, err)
	op := doc.Paths.Value(r.Path).GetOperation(r.Method)
	if op.RequestBody == nil {
		return ""
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil {
		return "" // uploads: the permission and tenant checks come before the body
	}
	require.NotNil(t, mt.Example, "%s %s: the OpenAPI document needs a request example", r.Method, r.Path)
	b, err := json.Marshal(mt.Example)
	require.NoError(t, err)
	return string(b)
}

// TestRoutePermissions walks the route table: every non-public route
// refuses anonymous callers, and every role without a route's permission is
// refused with 403 before anything else happens.
func TestRoutePermissions(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("RBAC")
	callers := map[permission.Role]string{
		permission.RoleAdmin:         f.Admin.Token,
		permission.RoleSupervisor:    f.Supervisor.Token,
		permission.RoleAgent:         f.Agent.Token,
		permission.RolePlatformAdmin: n.root().Token,
	}
	for _, r := range n.app.API.Routes() {
		path := strings.ReplaceAll(r.Path, "{id}", "01a1f000-0000-7000-8000-000000000000")
		body := exampleBody(t, r)
		name := r.Method + " " + r.Path
		if r.Public {
			continue
		}
		status, _, b := n.raw(r.Method, path, "", body, nil)
		require.Equal(t, 401, status, "%s without credentials: %s", name, b)
		require.Contains(t, string(b), `"unauthenticated"`, name)
		if r.Permission == "*" {
			continue
		}
		for role, tok := range callers {
			status, _, b := n.raw(r.Method, path, tok, body, nil)
			if role.Grants().Has(r.Permission) {
				require.NotContains(t, string(b), `"forbidden"`, "%s as %s holds %s", name, role, r.Permission)
				continue
			}
			require.Equal(t, 403, status, "%s as %s lacks %s: %s", name, role, r.Permission, b)
			require.Contains(t, string(b), `"forbidden"`, name)
		}
	}
}

// TestTenantIsolation walks the route table as tenant B's administrator,
// aiming every route at tenant A's objects. No route may reveal or change
// them. A route whose path names a resource without a fixture below fails
// the test, so new routes cannot slip past it.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		a, b := n.tenant("Alpha"), n.tenant("Beta")
		team, err := a.Admin.CreateTeam(ctx, map[string]any{"name": "Alpha team", "member_ids": []string{a.AgentID}})
		require.NoError(t, err)
		skill, err := a.Admin.CreateSkill(ctx, "Alpha skill")
		require.NoError(t, err)
		_, err = a.Admin.UpdateUser(ctx, a.AgentID, map[string]any{"skills": []map[string]any{{"skill_id": skill.ID, "level": 3}}})
		require.NoError(t, err)
		tok, err := a.Admin.CreateToken(ctx, "Alpha token", nil)
		require.NoError(t, err)
		// Routing: every new conversation of A goes to A's queue, whose
		// only available agent is offered it.
		queue, err := a.Admin.CreateQueue(ctx, map[string]any{"name": "Alpha queue"})
		require.NoError(t, err)
		require.NoError(t, a.Admin.Do(ctx, http.MethodPut, "/api/v1/routing/rules",
			map[string]any{"rules": []map[string]any{{"queue_id": queue.ID}}}, nil))
		reason, err := a.Admin.CreateAwayReason(ctx, "Alpha lunch")
		require.NoError(t, err)
		reply, err := a.Admin.CreateCannedReply(ctx, map[string]any{"shortcut": "alpha", "title": "Alpha reply",
			"body": "Hi {{customer.name}}", "team_id": team.ID})
		require.NoError(t, err)
		_, err = a.Agent.SetPresence(ctx, a.AgentID, "available", "")
		require.NoError(t, err)
		ib, conv := n.chatFixture(a)
		var convOfA struct {
			CustomerID string `json:"customer_id"`
		}
		require.NoError(t, a.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+conv, nil, &convOfA))
		var offer string
		require.Eventually(t, func() bool {
			st, err := a.Agent.AgentState(ctx, a.AgentID)
			require.NoError(t, err)
			if len(st.Offers) == 0 {
				return false
			}
			offer = st.Offers[0].OfferID
			return true
		}, 10*time.Second, 20*time.Millisecond, "the conversation is offered to A's agent")
		status, att := n.upload("/api/v1/conversations/"+conv+"/attachments", map[string]string{"Authorization": "Bearer " + a.Admin.Token}, "a.png", png)
		require.Equal(t, 201, status)

		targets := map[string]string{ // first path segment after /api/v1/ → tenant A's object
			"users": a.AgentID, "teams": team.ID, "skills": skill.ID, "tokens": tok.ID, "tenants": a.ID,
			"inboxes": ib.ID, "conversations": conv, "attachments": att["id"].(string),
			"queues": queue.ID, "agents": a.AgentID, "offers": offer, "away-reasons": reason.ID, "canned-replies": reply.ID,
			"customers": convOfA.CustomerID,
		}
		secrets := []string{a.ID, a.AdminID, a.SupID, a.AgentID, team.ID, skill.ID, tok.ID, a.Emails["admin"], a.Emails["agent"],
			ib.ID, ib.Key, conv, att["id"].(string), queue.ID, offer, reason.ID, convOfA.CustomerID}
		secrets = append(secrets, reply.ID)
		for resource, id := range shieldFixture(t, a) {
			targets[resource] = id
			secrets = append(secrets, id)
		}
		names, customerSecrets := customerFixture(t, a) // {name} paths: customer tiers
		secrets = append(secrets, customerSecrets...)
		before := snapshot(t, a)
		settingsBefore, err := a.Admin.Settings(ctx)
		require.NoError(t, err)

		for _, r := range n.app.API.Routes() {
			if r.Public {
				continue // login and invite acceptance act on credentials, not on tenant data
			}
			name := r.Method + " " + r.Path
			resource := strings.SplitN(strings.TrimPrefix(r.Path, "/api/v1/"), "/", 2)[0]
			if resource == "shield" { // nested collections: shield/rules, shield/lists/block, …
				resource = strings.TrimPrefix(strings.SplitN(r.Path, "/{id}", 2)[0], "/api/v1/")
			}
			path := r.Path
			if strings.Contains(path, "{id}") {
				id, ok := targets[resource]
				require.True(t, ok, "%s: no tenant-A fixture for %q; add one to TestTenantIsolation", name, resource)
				path = strings.ReplaceAll(path, "{id}", id)
			}
			if strings.Contains(path, "{name}") {
				nm, ok := names[resource]
				require.True(t, ok, "%s: no tenant-A fixture for %q; add one to customerFixture", name, resource)
				path = strings.ReplaceAll(path, "{name}", nm)
			}
			caller := n.login(b.Emails["admin"], testPassword) // fresh: logout and password routes end sessions
			status, _, body := n.raw(r.Method, path, caller.Token, exampleBody(t, r), nil)
			switch {
			case strings.Contains(r.Path, "{id}") || strings.Contains(r.Path, "{name}"):
				require.Contains(t, []int{403, 404}, status, "%s with tenant A's ID as tenant B: %s", name, body)
			case status < 300:
				for _, s := range secrets {
					require.NotContains(t, string(body), s, "%s as tenant B leaked tenant A's data", name)
				}
			}
		}

		// Writes that reference tenant A's objects by ID must not resolve them.
		_, err = b.Admin.CreateUser(ctx, map[string]any{"email": "x@beta.example", "name": "X", "role": "agent", "team_ids": []string{team.ID}})
		apiError(t, err, 422, "unknown_team")
		_, err = b.Admin.CreateUser(ctx, map[string]any{"email": "x@beta.example", "name": "X", "role": "agent",
			"skills": []map[string]any{{"skill_id": skill.ID, "level": 1}}})
		apiError(t, err, 422, "unknown_skill")
		_, err = b.Admin.CreateTeam(ctx, map[string]any{"name": "Poach", "member_ids": []string{a.AgentID}})
		apiError(t, err, 422, "unknown_user")
		_, err = b.Admin.CreateCannedReply(ctx, map[string]any{"shortcut": "poach", "title": "x", "body": "x", "team_id": team.ID})
		apiError(t, err, 422, "unknown_team")
		customerCrossTenantWrites(t, a, b)

		require.Equal(t, before, snapshot(t, a), "tenant A's data must be exactly as before")
		settingsAfter, err := a.Admin.Settings(ctx)
		require.NoError(t, err)
		require.Equal(t, settingsBefore, settingsAfter, "tenant B's settings write changed only B's")
		hourly, err := a.Supervisor.HourlyStats(ctx, "", "")
		require.NoError(t, err)
		require.Len(t, hourly.Queues, 1, "A's routed chat, in A's queue")
		require.Equal(t, queue.ID, hourly.Queues[0].QueueID)
		other, err := b.Admin.HourlyStats(ctx, "", "")
		require.NoError(t, err)
		require.Empty(t, other.Queues, "tenant B routed nothing: A's work is not B's")
	})
}

// snapshot reads everything tenant A's admin can see.
func snapshot(t testing.TB, f *tenantFixture) string {
	t.Helper()
	var out strings.Builder
	for _, path := range []string{"/api/v1/users?limit=200", "/api/v1/teams?limit=200", "/api/v1/skills?limit=200", "/api/v1/tokens",
		"/api/v1/inboxes?limit=200", "/api/v1/conversations?limit=200", "/api/v1/queues", "/api/v1/routing/rules",
		"/api/v1/away-reasons", "/api/v1/canned-replies?limit=200", "/api/v1/customers?limit=200", "/api/v1/customer-tiers",
		"/api/v1/shield/numbers", "/api/v1/shield/rules", "/api/v1/shield/lists/block", "/api/v1/shield/lists/allow",
		"/api/v1/shield/bindings"} {
		var raw json.RawMessage
		require.NoError(t, f.Admin.Do(context.Background(), http.MethodGet, path, nil, &raw))
		var v struct {
			Data []map[string]any `json:"data"`
		}
		require.NoError(t, json.Unmarshal(raw, &v))
		for _, item := range v.Data {
			delete(item, "last_used_at") // reading the snapshot itself touches tokens
		}
		fmt.Fprintf(&out, "%s %v\n", path, v.Data)
	}
	return out.String()
}
