package e2e_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/client"
	"github.com/switchboardhq/switchboard/internal/config"
)

func TestUsersTeamsSkills(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("People")
		ctx := context.Background()
		a := f.Admin

		billing, err := a.CreateTeam(ctx, map[string]any{"name": "Billing", "description": "Refunds"})
		require.NoError(t, err)
		_, err = a.CreateTeam(ctx, map[string]any{"name": "Billing"})
		apiError(t, err, 409, "name_taken")
		zh, err := a.CreateSkill(ctx, "Chinese")
		require.NoError(t, err)

		u, err := a.CreateUser(ctx, map[string]any{"email": "Mei@People.Example", "name": "Mei", "role": "agent",
			"password": testPassword, "team_ids": []string{billing.ID}, "skills": []map[string]any{{"skill_id": zh.ID, "level": 4}}})
		require.NoError(t, err)
		require.Equal(t, "mei@people.example", u.Email, "emails are stored lower-cased")
		require.Equal(t, "active", u.Status)
		require.Equal(t, []string{billing.ID}, u.TeamIDs)
		require.Equal(t, []client.SkillLevel{{SkillID: zh.ID, Level: 4}}, u.Skills)
		n.login("MEI@people.example", testPassword)

		_, err = a.CreateUser(ctx, map[string]any{"email": "mei@people.example", "name": "Again", "role": "agent"})
		apiError(t, err, 409, "email_taken")
		_, err = a.CreateUser(ctx, map[string]any{"email": "x@people.example", "name": "X", "role": "agent", "team_ids": []string{"nope"}})
		apiError(t, err, 422, "unknown_team")
		_, err = a.CreateUser(ctx, map[string]any{"email": "x@people.example", "name": "X", "role": "agent", "skills": []map[string]any{{"skill_id": zh.ID, "level": 6}}})
		ae := apiError(t, err, 422, "validation_failed")
		require.Equal(t, "skills.0.level", ae.Details[0].Field)
		_, err = a.CreateUser(ctx, map[string]any{"email": "x@people.example", "name": "X", "role": "agent", "password": "1234567890"})
		apiError(t, err, 422, "password_too_weak")
		_, err = a.CreateUser(ctx, map[string]any{"email": "not an email", "name": "X", "role": "agent"})
		apiError(t, err, 422, "validation_failed")

		sup, err := a.UpdateUser(ctx, u.ID, map[string]any{"role": "supervisor", "skills": []map[string]any{}})
		require.NoError(t, err)
		require.Equal(t, "supervisor", sup.Role)
		require.Empty(t, sup.Skills)
		var team client.Team
		require.NoError(t, a.Do(ctx, http.MethodGet, "/api/v1/teams/"+billing.ID, nil, &team))
		require.Equal(t, []string{u.ID}, team.MemberIDs, "membership is visible from the team")

		_, err = a.UpdateUser(ctx, f.AdminID, map[string]any{"role": "agent"})
		apiError(t, err, 403, "self_change_forbidden")
		err = a.Do(ctx, http.MethodDelete, "/api/v1/users/"+f.AdminID, nil, nil)
		apiError(t, err, 403, "self_change_forbidden")

		mei := n.login("mei@people.example", testPassword)
		_, err = a.UpdateUser(ctx, u.ID, map[string]any{"status": "disabled"})
		require.NoError(t, err)
		_, err = mei.Me(ctx)
		apiError(t, err, 401, "unauthenticated")
		_, err = n.client("").Login(ctx, "mei@people.example", testPassword)
		apiError(t, err, 401, "invalid_credentials")

		require.NoError(t, a.Do(ctx, http.MethodDelete, "/api/v1/users/"+u.ID, nil, nil))
		_, err = a.GetUser(ctx, u.ID)
		apiError(t, err, 404, "not_found")
		require.NoError(t, a.Do(ctx, http.MethodGet, "/api/v1/teams/"+billing.ID, nil, &team))
		require.Empty(t, team.MemberIDs)
		_, err = a.CreateUser(ctx, map[string]any{"email": "mei@people.example", "name": "Mei again", "role": "agent"})
		require.NoError(t, err, "a deleted user's email can be used again")

		require.NoError(t, a.Do(ctx, http.MethodDelete, "/api/v1/skills/"+zh.ID, nil, nil))
		err = a.Do(ctx, http.MethodDelete, "/api/v1/skills/"+zh.ID, nil, nil)
		apiError(t, err, 404, "not_found")
	})
}

func TestPagination(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("Pages")
		ctx := context.Background()
		var created []string
		for _, name := range []string{"a", "b", "c", "d", "e", "f", "g"} {
			s, err := f.Admin.CreateSkill(ctx, name)
			require.NoError(t, err)
			created = append(created, s.ID)
		}
		var got []string
		cursor, pages := "", 0
		for {
			path := "/api/v1/skills?limit=3"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			var p client.Page[client.Skill]
			require.NoError(t, f.Admin.Do(ctx, http.MethodGet, path, nil, &p))
			pages++
			for _, s := range p.Data {
				got = append(got, s.ID)
			}
			if p.NextCursor == nil {
				break
			}
			cursor = *p.NextCursor
		}
		require.Equal(t, 3, pages)
		require.Equal(t, created, got)

		err := f.Admin.Do(ctx, http.MethodGet, "/api/v1/skills?cursor=bogus", nil, nil)
		apiError(t, err, 400, "invalid_cursor")
		err = f.Admin.Do(ctx, http.MethodGet, "/api/v1/skills?limit=500", nil, nil)
		ae := apiError(t, err, 400, "invalid_request")
		require.Equal(t, "limit", ae.Details[0].Field)
		users, err := f.Admin.ListUsers(ctx, &client.ListOptions{Filters: map[string]string{"role": "agent"}})
		require.NoError(t, err)
		require.Len(t, users.Data, 1)
		require.Equal(t, f.AgentID, users.Data[0].ID)
	})
}

func TestWireErrors(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite", func(c *config.Config) { c.MaxBodyBytes = 4096 })
	tok := n.root().Token

	status, _, b := n.raw("POST", "/api/v1/tokens", tok, `{"name": "x",`, nil)
	require.Equal(t, 400, status)
	require.Contains(t, string(b), `"invalid_json"`)
	status, _, b = n.raw("POST", "/api/v1/tokens", tok, `{"name": "x", "colour": "red"}`, nil)
	require.Equal(t, 422, status)
	require.Contains(t, string(b), `"validation_failed"`)
	require.Contains(t, string(b), "colour")
	status, _, b = n.raw("POST", "/api/v1/tokens", tok, "", nil)
	require.Equal(t, 422, status, "%s", b)
	status, _, b = n.raw("POST", "/api/v1/tokens", tok, `{"name":"`+strings.Repeat("x", 5000)+`"}`, nil)
	require.Equal(t, 413, status)
	require.Contains(t, string(b), `"body_too_large"`)
	status, _, b = n.raw("GET", "/api/v1/nothing-here", tok, "", nil)
	require.Equal(t, 404, status)
	require.Contains(t, string(b), `"route_not_found"`)
	status, hdr, b := n.raw("PUT", "/api/v1/users", tok, "", nil)
	require.Equal(t, 405, status, "%s", b)
	require.Contains(t, string(b), `"method_not_allowed"`)
	require.Equal(t, "GET, POST", hdr.Get("Allow"))
	status, _, b = n.raw("POST", "/api/v1/tokens", tok, `{"name":"curl style"}`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	require.Equal(t, 201, status, "a JSON body sent as a form (curl -d) is accepted: %s", b)
}

func TestSkillOrderIsStable(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("Order")
	ctx := context.Background()
	var ids []string
	for _, name := range []string{"one", "two", "three"} {
		s, err := f.Admin.CreateSkill(ctx, name)
		require.NoError(t, err)
		ids = append(ids, s.ID)
	}
	levels := []map[string]any{{"skill_id": ids[2], "level": 1}, {"skill_id": ids[0], "level": 2}, {"skill_id": ids[1], "level": 3}}
	created, err := f.Admin.CreateUser(ctx, map[string]any{"email": "o@order.example", "name": "O", "role": "agent", "skills": levels})
	require.NoError(t, err)
	read, err := f.Admin.GetUser(ctx, created.ID)
	require.NoError(t, err)
	require.Equal(t, read.Skills, created.Skills, "a create returns what a read returns")
	updated, err := f.Admin.UpdateUser(ctx, created.ID, map[string]any{"skills": levels})
	require.NoError(t, err)
	require.Equal(t, created.UpdatedAt, updated.UpdatedAt, "re-sending the same skills in another order is not a change")
}

// TestAdminPasswordReset checks a reset signs the user out everywhere and
// activates an invited user, withdrawing the invite.
func TestAdminPasswordReset(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("Reset")
		ctx := context.Background()
		agentTok, err := f.Agent.CreateToken(ctx, "script", nil)
		require.NoError(t, err)
		_, err = f.Admin.UpdateUser(ctx, f.AgentID, map[string]any{"password": "reset-by-the-admin"})
		require.NoError(t, err)
		_, err = f.Agent.Me(ctx)
		apiError(t, err, 401, "unauthenticated")
		_, err = n.client(agentTok.Secret).Me(ctx)
		apiError(t, err, 401, "unauthenticated")
		n.login(f.Emails["agent"], "reset-by-the-admin")

		inv, err := f.Admin.CreateUser(ctx, map[string]any{"email": "inv@reset.example", "name": "Inv", "role": "agent"})
		require.NoError(t, err)
		u, err := f.Admin.UpdateUser(ctx, inv.ID, map[string]any{"password": "set-by-the-admin"})
		require.NoError(t, err)
		require.Equal(t, "active", u.Status)
		n.login("inv@reset.example", "set-by-the-admin")
		token := inv.InviteURL[strings.Index(inv.InviteURL, "token=")+6:]
		err = n.client("").Do(ctx, http.MethodPost, "/api/v1/auth/accept-invite", map[string]string{"token": token, "password": testPassword}, nil)
		apiError(t, err, 404, "invite_invalid")
	})
}

// TestTrustedProxy checks the audit log records the client behind a
// trusted proxy, and ignores X-Forwarded-For from anyone else.
func TestTrustedProxy(t *testing.T) {
	t.Parallel()
	login := `{"email":"` + rootEmail + `","password":"` + rootPassword + `"}`
	for _, tc := range []struct {
		proxies, want string
	}{{"", "127.0.0.1"}, {"127.0.0.0/8", "203.0.113.9"}} {
		n := start(t, "sqlite", func(c *config.Config) { c.TrustedProxies = tc.proxies })
		status, _, b := n.raw("POST", "/api/v1/auth/login", "", login, map[string]string{"X-Forwarded-For": "198.51.100.1, 203.0.113.9"})
		require.Equal(t, 200, status, "%s", b)
		entries, err := n.root().ListAudit(context.Background(), &client.ListOptions{Filters: map[string]string{"action": "auth.login"}})
		require.NoError(t, err)
		require.Equal(t, tc.want, entries.Data[len(entries.Data)-1].IP, "trusted proxies %q", tc.proxies)
	}
}
