package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/client"
)

func TestAPITokens(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("Tokens")
		ctx := context.Background()

		ro, err := f.Admin.CreateToken(ctx, "read only", []string{"users.read"})
		require.NoError(t, err)
		require.Regexp(t, `^sbt_`, ro.Secret)
		require.Equal(t, []string{"users.read"}, ro.Scopes)
		roc := n.client(ro.Secret)
		_, err = roc.ListUsers(ctx, nil)
		require.NoError(t, err)
		_, err = roc.CreateUser(ctx, map[string]any{"email": "no@tokens.example", "name": "No", "role": "agent"})
		apiError(t, err, 403, "forbidden")
		_, err = roc.CreateToken(ctx, "wider", []string{"users.write"})
		apiError(t, err, 403, "forbidden") // a users.read token lacks tokens.manage altogether

		_, err = f.Agent.CreateToken(ctx, "escalate", []string{"users.write"})
		apiError(t, err, 403, "scope_exceeds_caller")
		_, err = f.Agent.CreateToken(ctx, "typo", []string{"users.wirte"})
		apiError(t, err, 422, "unknown_permission")
		past := time.Now().Add(-time.Hour)
		err = f.Admin.Do(ctx, http.MethodPost, "/api/v1/tokens", map[string]any{"name": "old", "expires_at": past}, nil)
		apiError(t, err, 422, "validation_failed")

		full, err := f.Admin.CreateToken(ctx, "full", nil)
		require.NoError(t, err)
		fc := n.client(full.Secret)
		_, err = fc.CreateUser(ctx, map[string]any{"email": "yes@tokens.example", "name": "Yes", "role": "agent"})
		require.NoError(t, err)

		var list client.Page[client.Token]
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/tokens", nil, &list))
		require.Len(t, list.Data, 2)
		for _, tk := range list.Data {
			require.Empty(t, tk.Secret, "a token's secret is never listed")
		}

		require.NoError(t, f.Admin.Do(ctx, http.MethodDelete, "/api/v1/tokens/"+ro.ID, nil, nil))
		_, err = roc.ListUsers(ctx, nil)
		apiError(t, err, 401, "unauthenticated")
		err = f.Agent.Do(ctx, http.MethodDelete, "/api/v1/tokens/"+full.ID, nil, nil)
		apiError(t, err, 404, "not_found") // someone else's token

		// A token never exceeds its owner's current role: demoting the owner
		// narrows the token at once; promoting does not widen it.
		second, err := f.Admin.CreateUser(ctx, map[string]any{"email": "second@tokens.example", "name": "Second", "role": "admin", "password": testPassword})
		require.NoError(t, err)
		secondTok, err := n.login("second@tokens.example", testPassword).CreateToken(ctx, "second", nil)
		require.NoError(t, err)
		_, err = n.client(secondTok.Secret).CreateSkill(ctx, "Allowed")
		require.NoError(t, err)
		_, err = f.Admin.UpdateUser(ctx, second.ID, map[string]any{"role": "agent"})
		require.NoError(t, err)
		_, err = n.client(secondTok.Secret).CreateSkill(ctx, "Refused")
		apiError(t, err, 403, "forbidden")
		supTok, err := f.Supervisor.CreateToken(ctx, "sup", nil)
		require.NoError(t, err)
		_, err = f.Admin.UpdateUser(ctx, f.SupID, map[string]any{"role": "admin"})
		require.NoError(t, err)
		_, err = n.client(supTok.Secret).CreateSkill(ctx, "Promoted")
		apiError(t, err, 403, "forbidden")
	})
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("Audit")
		ctx := context.Background()
		_, err := n.client("").Login(ctx, f.Emails["agent"], "wrong-password")
		apiError(t, err, 401, "invalid_credentials")
		_, err = f.Admin.UpdateUser(ctx, f.AgentID, map[string]any{"role": "supervisor"})
		require.NoError(t, err)
		tok, err := f.Admin.CreateToken(ctx, "audited", nil)
		require.NoError(t, err)

		all, err := f.Admin.ListAudit(ctx, &client.ListOptions{Limit: 200})
		require.NoError(t, err)
		actions := map[string]client.AuditEntry{}
		for _, e := range all.Data {
			require.Equal(t, f.ID, e.TenantID)
			if _, seen := actions[e.Action]; !seen {
				actions[e.Action] = e
			}
		}
		for _, want := range []string{"auth.login", "auth.login_failed", "user.created", "user.updated", "token.created"} {
			require.Contains(t, actions, want)
		}
		upd := actions["user.updated"]
		require.Equal(t, f.AdminID, upd.ActorID)
		require.Equal(t, f.AgentID, upd.TargetID)
		require.Equal(t, "agent", upd.Details["role_from"])
		require.Equal(t, "supervisor", upd.Details["role_to"])
		require.NotEmpty(t, upd.IP)
		require.Equal(t, tok.ID, actions["token.created"].TargetID)
		require.Equal(t, "wrong_password", actions["auth.login_failed"].Details["reason"])

		users, err := f.Admin.ListAudit(ctx, &client.ListOptions{Filters: map[string]string{"action": "user."}})
		require.NoError(t, err)
		for _, e := range users.Data {
			require.Regexp(t, `^user\.`, e.Action)
		}
		_, err = f.Agent.ListAudit(ctx, nil)
		apiError(t, err, 403, "forbidden")

		platform, err := n.root().ListAudit(ctx, nil)
		require.NoError(t, err)
		raw, _ := json.Marshal(platform.Data)
		require.Contains(t, string(raw), `"tenant.created"`)
		require.NotContains(t, string(raw), f.AgentID, "tenant entries stay in the tenant")
	})
}
