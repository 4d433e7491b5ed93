package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/client"
	"github.com/switchboardhq/switchboard/internal/app"
	"github.com/switchboardhq/switchboard/internal/customer"
)

// TestShieldAdmin covers the administration API: numbers, rules with
// their order and validation, the dry-run tester, lists and settings.
func TestShieldAdmin(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		s := newShieldTenant(t, n, "Admin")

		beijing, err := s.Admin.CreateShieldNumber(ctx, "010 8888 0000", "local")
		require.NoError(t, err)
		require.Equal(t, "+861088880000", beijing.Number)
		require.Equal(t, "10", beijing.Area, "a local number's area comes from its digits")
		_, err = s.Admin.CreateShieldNumber(ctx, "+861088880000", "hotline")
		apiError(t, err, 409, "number_taken")
		_, err = s.Admin.CreateShieldNumber(ctx, "+8613800000000", "local")
		apiError(t, err, 422, "validation_failed")
		_, err = s.Admin.CreateShieldNumber(ctx, "12", "hotline")
		apiError(t, err, 422, "invalid_phone")

		shieldRules(t, s, beijing)
		shieldLists(t, s)
		shieldSettings(t, s)
	})
}

func shieldRules(t *testing.T, s *shieldTenant, beijing *client.VirtualNumber) {
	t.Helper()
	ctx := context.Background()
	_, err := s.Admin.CreateShieldRule(ctx, map[string]any{"name": "Broken", "condition": "agent.level >\n  customer.teir", "outcome": "deny"})
	ae := apiError(t, err, 422, "validation_failed")
	require.Contains(t, ae.Message, "2:12", "a broken condition is refused with its line and column")
	_, err = s.Admin.CreateShieldRule(ctx, map[string]any{"name": "Bad ID", "outcome": "allow", "caller_id": "+8610111"})
	apiError(t, err, 422, "unknown_number")

	local, err := s.Admin.CreateShieldRule(ctx, map[string]any{"name": "Landlines locally",
		"condition": `number.type == "fixed"`, "outcome": "allow", "caller_id": "local", "position": 1, "record": true})
	require.NoError(t, err)
	night, err := s.Admin.CreateShieldRule(ctx, map[string]any{"name": "Not at night", "condition": `time.hour < 6`,
		"outcome": "deny", "reason": "no calls at night"})
	require.NoError(t, err)
	var rules client.Page[client.ShieldRule]
	require.NoError(t, s.Admin.Do(ctx, http.MethodGet, "/api/v1/shield/rules", nil, &rules))
	require.Len(t, rules.Data, 3)
	require.Equal(t, []string{local.ID, denyVIPReason, night.ID}, []string{rules.Data[0].ID, rules.Data[1].Reason, rules.Data[2].ID})
	require.Equal(t, []int{1, 2, 3}, []int{rules.Data[0].Position, rules.Data[1].Position, rules.Data[2].Position})

	var moved client.ShieldRule
	require.NoError(t, s.Admin.Do(ctx, http.MethodPatch, "/api/v1/shield/rules/"+night.ID, map[string]any{"position": 1}, &moved))
	require.Equal(t, 1, moved.Position)

	var res testResult
	require.NoError(t, s.Admin.Do(ctx, http.MethodPost, "/api/v1/shield/rules/test",
		map[string]any{"extension": "1001", "customer_id": s.VIP, "at": "2030-01-16T10:00:00Z"}, &res))
	reject(t, &res.Decision, 403, denyVIPReason)
	require.Equal(t, "VIP to seniors", res.Rule.Name)
	res = testResult{}
	require.NoError(t, s.Admin.Do(ctx, http.MethodPost, "/api/v1/shield/rules/test",
		map[string]any{"agent_id": s.AgentID, "number": "01066667777", "at": "2030-01-16T10:00:00Z"}, &res))
	require.Equal(t, "dial", res.Decision.Action)
	require.Equal(t, beijing.Number, res.Decision.CallerID, "the local number of the customer's area")
	require.Equal(t, "+86 106****7777", res.Decision.Destination, "the tester masks the number")
	require.Equal(t, local.ID, res.Rule.ID)
	res = testResult{}
	require.NoError(t, s.Admin.Do(ctx, http.MethodPost, "/api/v1/shield/rules/test",
		map[string]any{"extension": "1002", "customer_id": s.Plain, "at": "2030-01-16T03:00:00Z"}, &res))
	reject(t, &res.Decision, 403, "no calls at night")
	err = s.Admin.Do(ctx, http.MethodPost, "/api/v1/shield/rules/test", map[string]any{"extension": "9999", "number": "+8613800138000"}, nil)
	apiError(t, err, 422, "unknown_user")

	err = s.Admin.Do(ctx, http.MethodDelete, "/api/v1/shield/numbers/"+beijing.ID, nil, nil)
	require.NoError(t, err, "no rule names it: local is resolved per call")
	require.NoError(t, s.Admin.Do(ctx, http.MethodDelete, "/api/v1/shield/rules/"+night.ID, nil, nil))
	require.NoError(t, s.Admin.Do(ctx, http.MethodGet, "/api/v1/shield/rules", nil, &rules))
	require.Equal(t, []int{1, 2}, []int{rules.Data[0].Position, rules.Data[1].Position}, "the others move up")

	named, err := s.Admin.CreateShieldRule(ctx, map[string]any{"name": "From the hotline", "outcome": "allow", "caller_id": shieldHotline})
	require.NoError(t, err)
	var numbers client.Page[client.VirtualNumber]
	require.NoError(t, s.Admin.Do(ctx, http.MethodGet, "/api/v1/shield/numbers", nil, &numbers))
	for _, num := range numbers.Data {
		if num.Number == shieldHotline {
			err = s.Admin.Do(ctx, http.MethodDelete, "/api/v1/shield/numbers/"+num.ID, nil, nil)
			apiError(t, err, 409, "number_in_use")
		}
	}
	require.Equal(t, shieldHotline, named.CallerID)
}

// testResult is the rule tester's answer.
type testResult struct {
	Decision client.ShieldAnswer `json:"decision"`
	Rule     *client.ShieldRule  `json:"rule"`
}

func shieldLists(t *testing.T, s *shieldTenant) {
	t.Helper()
	ctx := context.Background()
	_, err := s.Admin.AddListEntry(ctx, "block", "+86170")
	apiError(t, err, 409, "list_entry_exists")
	_, err = s.Admin.AddListEntry(ctx, "block", "170")
	apiError(t, err, 422, "invalid_phone")
	e, err := s.Admin.AddListEntry(ctx, "allow", "159 1234 5678")
	require.NoError(t, err)
	require.Equal(t, plainNumber, e.Number)
	ans, err := s.PBX.Resolve(ctx, "1002", "+8615900000000", "")
	require.NoError(t, err)
	reject(t, ans, 403, "not on the allow list")
	ans, err = s.PBX.Resolve(ctx, "1002", plainNumber, "")
	require.NoError(t, err)
	require.Equal(t, "dial", ans.Action)

	var page client.Page[client.ListEntry]
	require.NoError(t, s.Admin.Do(ctx, http.MethodGet, "/api/v1/shield/lists/allow", nil, &page))
	require.Len(t, page.Data, 1)
	err = s.Admin.Do(ctx, http.MethodDelete, "/api/v1/shield/lists/block/"+e.ID, nil, nil)
	apiError(t, err, 404, "not_found")
	require.NoError(t, s.Admin.Do(ctx, http.MethodDelete, "/api/v1/shield/lists/allow/"+e.ID, nil, nil))
	ans, err = s.PBX.Resolve(ctx, "1002", "+8615900000000", "")
	require.NoError(t, err)
	require.Equal(t, "dial", ans.Action, "an empty allow list allows everything not blocked")
}

func shieldSettings(t *testing.T, s *shieldTenant) {
	t.Helper()
	ctx := context.Background()
	var set map[string]any
	require.NoError(t, s.Admin.Do(ctx, http.MethodGet, "/api/v1/shield/settings", nil, &set))
	require.Equal(t, map[string]any{"code_prefix": "8", "code_length": 4.0, "code_ttl_seconds": 600.0, "fixed_code": "8888",
		"webhook_url": "", "webhook_secret_set": false, "timezone": "UTC", "updated_at": "0001-01-01T00:00:00Z"}, set)
	require.NoError(t, s.Admin.Do(ctx, http.MethodPut, "/api/v1/shield/settings",
		map[string]any{"code_prefix": "9", "code_length": 6, "rotate_webhook_secret": true}, &set))
	require.Equal(t, true, set["webhook_secret_set"])
	require.NotEmpty(t, set["webhook_secret"], "shown once, when drawn")
	code, err := s.Agent.IssueDialCode(ctx, s.Plain, false)
	require.NoError(t, err)
	require.Regexp(t, `^9[0-9]{6}$`, code.Code)
	ans, err := s.PBX.Resolve(ctx, "1001", code.Code, "")
	require.NoError(t, err)
	require.Equal(t, "dial", ans.Action, "the new code form is dialed")
	set = nil
	require.NoError(t, s.Admin.Do(ctx, http.MethodGet, "/api/v1/shield/settings", nil, &set))
	require.NotContains(t, set, "webhook_secret")

	err = s.Admin.Do(ctx, http.MethodPut, "/api/v1/shield/settings", map[string]any{"fixed_code": "9123456"}, nil)
	apiError(t, err, 422, "validation_failed")
	err = s.Admin.Do(ctx, http.MethodPut, "/api/v1/shield/settings", map[string]any{"timezone": "Mars/Olympus"}, nil)
	apiError(t, err, 422, "validation_failed")
	err = s.Admin.Do(ctx, http.MethodPut, "/api/v1/shield/settings", map[string]any{"webhook_url": "ftp://example.com"}, nil)
	apiError(t, err, 422, "validation_failed")
}

// TestShieldDemo is the issue's "done when" on the demo tenant: Alex, a
// junior agent, gets a code for the VIP customer without seeing the
// number and is refused with the rule's reason; Li Wei, a senior, is put
// through from the hotline.
func TestShieldDemo(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	info, err := n.app.Demo(ctx)
	require.NoError(t, err)
	vip, err := n.app.Stores.Customers.FindByIdentity(ctx, info.TenantID, customer.Identity{Kind: customer.IdentityPhone, Value: vipNumber})
	require.NoError(t, err)
	require.Equal(t, "vip", vip.Tier)
	admin := n.login("admin@demo.example", app.DemoPassword)
	tok, err := admin.CreateToken(ctx, "PBX", []string{"shield.resolve"})
	require.NoError(t, err)
	pbx := n.client(tok.Secret)

	alex := n.login("agent1@demo.example", app.DemoPassword)
	raw := rawJSON(t, alex, http.MethodPost, "/api/v1/shield/dial-codes", map[string]any{"customer_id": vip.ID})
	require.NotContains(t, raw, "13800138000", "the agent sees a code, not the number")
	var code client.DialCode
	require.NoError(t, json.Unmarshal([]byte(raw), &code))
	ans, err := pbx.Resolve(ctx, "1001", code.Code, "demo-1")
	require.NoError(t, err)
	reject(t, ans, 403, denyVIPReason)

	li := n.login("agent2@demo.example", app.DemoPassword)
	code2, err := li.IssueDialCode(ctx, vip.ID, false)
	require.NoError(t, err)
	ans, err = pbx.Resolve(ctx, "1002", code2.Code, "demo-2")
	require.NoError(t, err)
	dial(t, ans, vipNumber, "+8695079")
}
