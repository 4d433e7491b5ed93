package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/client"
	"github.com/switchboardhq/switchboard/internal/app"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
)

const (
	shieldHotline = "+8695555"
	shieldX1      = "+8613900000001"
	shieldX2      = "+8613900000002"
	vipNumber     = "+8613800138000"
	plainNumber   = "+8615912345678"
	denyVIPReason = "VIP customers are served by senior agents"
)

// shieldFixture gives tenant a a hotline, a binding number, a rule, both
// lists and a binding, and returns their IDs by route resource, for the
// isolation walk.
func shieldFixture(t testing.TB, a *tenantFixture) map[string]string {
	t.Helper()
	ctx := context.Background()
	hot, err := a.Admin.CreateShieldNumber(ctx, shieldHotline, "hotline")
	require.NoError(t, err)
	_, err = a.Admin.CreateShieldNumber(ctx, shieldX1, "binding")
	require.NoError(t, err)
	r, err := a.Admin.CreateShieldRule(ctx, map[string]any{"name": "VIP", "condition": `customer.tier == "vip" && agent.level < 2`,
		"outcome": "deny", "reason": denyVIPReason})
	require.NoError(t, err)
	blocked, err := a.Admin.AddListEntry(ctx, "block", "+86170")
	require.NoError(t, err)
	allowed, err := a.Admin.AddListEntry(ctx, "allow", "+86")
	require.NoError(t, err)
	b, err := a.Admin.CreateBinding(ctx, map[string]any{"type": "axb", "a": "+8615011112222", "b": "+8615033334444"})
	require.NoError(t, err)
	return map[string]string{"shield/numbers": hot.ID, "shield/rules": r.ID, "shield/lists/block": blocked.ID,
		"shield/lists/allow": allowed.ID, "shield/bindings": b.ID}
}

// shieldTenant is a tenant set up for calls: the agent has extension 1001
// (level 1), the supervisor 1002 (level 2), a PBX token, a VIP and a
// standard customer, the VIP rule and a blocked prefix.
type shieldTenant struct {
	*tenantFixture
	PBX        *client.Client
	VIP, Plain string // customer IDs
}

func newShieldTenant(t testing.TB, n *node, name string) *shieldTenant {
	t.Helper()
	ctx := context.Background()
	s := &shieldTenant{tenantFixture: n.tenant(name)}
	_, err := s.Admin.UpdateUser(ctx, s.AgentID, map[string]any{"extension": "1001"})
	require.NoError(t, err)
	_, err = s.Admin.UpdateUser(ctx, s.SupID, map[string]any{"extension": "1002", "level": 2})
	require.NoError(t, err)
	_, err = s.Admin.CreateShieldNumber(ctx, shieldHotline, "hotline")
	require.NoError(t, err)
	for _, x := range []string{shieldX1, shieldX2} {
		_, err = s.Admin.CreateShieldNumber(ctx, x, "binding")
		require.NoError(t, err)
	}
	_, err = s.Admin.CreateShieldRule(ctx, map[string]any{"name": "VIP to seniors",
		"condition": `customer.tier == "vip" && agent.level < 2`, "outcome": "deny", "reason": denyVIPReason})
	require.NoError(t, err)
	_, err = s.Admin.AddListEntry(ctx, "block", "+86170")
	require.NoError(t, err)
	tok, err := s.Admin.CreateToken(ctx, "Kamailio", []string{"shield.resolve"})
	require.NoError(t, err)
	s.PBX = n.client(tok.Secret)
	s.VIP = s.customer(t, "Vera VIP", "vip", vipNumber)
	s.Plain = s.customer(t, "Paul Plain", "standard", plainNumber)
	return s
}

// customer creates a customer with one phone number.
func (s *shieldTenant) customer(t testing.TB, name, tier, phone string) string {
	t.Helper()
	var c struct{ ID string }
	require.NoError(t, s.Admin.Do(context.Background(), http.MethodPost, "/api/v1/customers",
		map[string]any{"name": name, "tier": tier, "phones": []string{phone}}, &c))
	return c.ID
}

func dial(t testing.TB, a *client.ShieldAnswer, dest, callerID string) {
	t.Helper()
	require.Equal(t, "dial", a.Action, "%+v", a)
	require.Equal(t, dest, a.Destination)
	require.Equal(t, callerID, a.CallerID)
	require.NotNil(t, a.Record)
}

func reject(t testing.TB, a *client.ShieldAnswer, code int, reason string) {
	t.Helper()
	require.Equal(t, "reject", a.Action, "%+v", a)
	require.Equal(t, code, a.Code)
	require.Contains(t, a.Reason, reason)
	require.Empty(t, a.Destination)
}

// TestShieldResolve is the issue's "done when" over HTTP: a junior agent
// calls a customer by code without seeing the number, a VIP is refused
// with a clear reason and reached by a senior, a code works once and for
// its agent only, and every decision is recorded without the number.
func TestShieldResolve(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		s := newShieldTenant(t, n, "Shield")

		code, err := s.Agent.IssueDialCode(ctx, s.Plain, false)
		require.NoError(t, err)
		require.Regexp(t, `^8[0-9]{4}$`, code.Code)
		require.WithinDuration(t, time.Now().Add(10*time.Minute), code.ExpiresAt, time.Minute)
		raw := rawJSON(t, s.Agent, http.MethodPost, "/api/v1/shield/dial-codes", map[string]any{"customer_id": s.Plain})
		require.NotContains(t, raw, "15912345678", "a dial code never shows the number")

		a, err := s.PBX.Resolve(ctx, "1001", code.Code, "call-1")
		require.NoError(t, err)
		dial(t, a, plainNumber, shieldHotline)
		require.Equal(t, s.Plain, a.CustomerID)
		require.Equal(t, s.AgentID, a.AgentID)
		a, err = s.PBX.Resolve(ctx, "1001", code.Code, "call-2")
		require.NoError(t, err)
		reject(t, a, 404, "used already")
		a, err = s.PBX.Resolve(ctx, "1002", code.Code, "call-3")
		require.NoError(t, err)
		reject(t, a, 404, "unknown or has expired")

		vip, err := s.Agent.IssueDialCode(ctx, s.VIP, true)
		require.NoError(t, err)
		a, err = s.PBX.Resolve(ctx, "1001", vip.Code, "call-4")
		require.NoError(t, err)
		reject(t, a, 403, denyVIPReason)
		senior, err := s.Supervisor.IssueDialCode(ctx, s.VIP, false)
		require.NoError(t, err)
		a, err = s.Admin.Resolve(ctx, "1002", senior.Code, "call-5")
		require.NoError(t, err, "a tenant admin's token may resolve too")
		dial(t, a, vipNumber, shieldHotline)

		a, err = s.PBX.Resolve(ctx, "1002", "017012345678", "call-6")
		require.NoError(t, err)
		reject(t, a, 403, "block list")
		a, err = s.PBX.Resolve(ctx, "1001", "8888", "call-7")
		require.NoError(t, err)
		reject(t, a, 480, "no current work item")

		checkDecisions(t, s)
		refusals(t, s)
	})
}

// checkDecisions finds the VIP's refusal in the record, masked.
func checkDecisions(t *testing.T, s *shieldTenant) {
	t.Helper()
	var ds *client.Page[client.ShieldDecision]
	require.Eventually(t, func() bool {
		var err error
		ds, err = s.Admin.ShieldDecisions(context.Background(), &client.ListOptions{Filters: map[string]string{"customer_id": s.VIP}})
		require.NoError(t, err)
		return len(ds.Data) == 2
	}, 10*time.Second, 20*time.Millisecond, "decisions are written a moment after the answer")
	newest, oldest := ds.Data[0], ds.Data[1]
	require.Equal(t, "dial", newest.Outcome)
	require.Equal(t, s.SupID, newest.AgentID)
	require.Equal(t, "reject", oldest.Outcome)
	require.Equal(t, 403, oldest.Code)
	require.Equal(t, denyVIPReason, oldest.Reason)
	require.NotEmpty(t, oldest.RuleID)
	require.Equal(t, "1001", oldest.Caller)
	require.Equal(t, "call-4", oldest.CallID)
	require.Equal(t, "code", oldest.Via)
	all := rawJSON(t, s.Admin, http.MethodGet, "/api/v1/shield/decisions?limit=200", nil)
	require.NotContains(t, all, "13800138000", "the record never holds the number in clear")
	require.NotContains(t, all, "15912345678")
	require.Contains(t, all, "+86 138****8000")

	// The customer's timeline shows both calls, without the number, to the agent too.
	tl := rawJSON(t, s.Agent, http.MethodGet, "/api/v1/customers/"+s.VIP+"/timeline", nil)
	require.NotContains(t, tl, "13800138000")
	var page struct {
		Data []struct{ Kind, Outcome, Reason string } `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(tl), &page))
	var calls []string
	for _, e := range page.Data {
		if e.Kind == "call" {
			calls = append(calls, e.Outcome+": "+e.Reason)
		}
	}
	require.Equal(t, []string{"dial: ", "reject: " + denyVIPReason}, calls)
}

// refusals: an agent's session cannot resolve, malformed requests are
// 4xx with codes, and another tenant's PBX token reaches nothing of ours.
func refusals(t *testing.T, s *shieldTenant) {
	t.Helper()
	ctx := context.Background()
	_, err := s.Agent.Resolve(ctx, "1001", "81234", "")
	apiError(t, err, 403, "forbidden")
	err = s.PBX.Do(ctx, http.MethodPost, "/api/v1/shield/resolve", map[string]any{"caller": "1001"}, nil)
	apiError(t, err, 422, "validation_failed")
	err = s.PBX.Do(ctx, http.MethodPost, "/api/v1/shield/resolve", json.RawMessage(`{"caller":`), nil)
	apiError(t, err, 400, "invalid_json")
	_, err = s.PBX.IssueDialCode(ctx, s.Plain, false)
	apiError(t, err, 403, "forbidden")
	_, err = s.Agent.IssueDialCode(ctx, "no-such-customer", false)
	apiError(t, err, 422, "unknown_customer")
}

// TestShieldTenantIsolation: tenant B's PBX token never resolves A's codes
// or bindings, even with the same extensions and numbers.
func TestShieldTenantIsolation(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		a, b := newShieldTenant(t, n, "Alpha"), newShieldTenant(t, n, "Beta")
		code, err := a.Agent.IssueDialCode(ctx, a.Plain, true)
		require.NoError(t, err)
		bound, err := a.Admin.CreateBinding(ctx, map[string]any{"type": "axb", "a": "+8615011112222", "b": "+8615033334444"})
		require.NoError(t, err)

		ans, err := b.PBX.Resolve(ctx, "1001", code.Code, "")
		require.NoError(t, err)
		reject(t, ans, 404, "unknown or has expired")
		ans, err = b.PBX.Resolve(ctx, "+8615011112222", bound.X, "")
		require.NoError(t, err)
		reject(t, ans, 404, "no binding")
		err = b.PBX.Do(ctx, http.MethodPost, "/api/v1/shield/bindings/"+bound.ID+"/events", map[string]any{"type": "ring"}, nil)
		apiError(t, err, 404, "not_found")
		ans, err = a.PBX.Resolve(ctx, "1001", code.Code, "")
		require.NoError(t, err)
		dial(t, ans, plainNumber, shieldHotline)
	})
}

// TestUsersExtensionLevel covers the users' extension and level.
func TestUsersExtensionLevel(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	f := n.tenant("Extensions")
	u, err := f.Admin.CreateUser(ctx, map[string]any{"email": "senior@ext.example", "name": "Senior", "role": "agent",
		"password": testPassword, "extension": "2001", "level": 3})
	require.NoError(t, err)
	require.Equal(t, "2001", u.Extension)
	require.Equal(t, 3, u.Level)
	got, err := f.Agent.GetUser(ctx, f.AgentID)
	require.NoError(t, err)
	require.Equal(t, 1, got.Level, "level 1 by default")
	require.Empty(t, got.Extension)

	_, err = f.Admin.UpdateUser(ctx, f.AgentID, map[string]any{"extension": "2001"})
	apiError(t, err, 409, "extension_taken")
	_, err = f.Admin.CreateUser(ctx, map[string]any{"email": "x@ext.example", "name": "X", "role": "agent", "extension": "12a"})
	apiError(t, err, 422, "validation_failed")
	_, err = f.Admin.UpdateUser(ctx, f.AgentID, map[string]any{"level": 0})
	apiError(t, err, 422, "validation_failed")
	up, err := f.Admin.UpdateUser(ctx, u.ID, map[string]any{"extension": "", "level": 2})
	require.NoError(t, err)
	require.Empty(t, up.Extension, `"" removes the extension`)
	require.Equal(t, 2, up.Level)
	up, err = f.Admin.UpdateUser(ctx, f.AgentID, map[string]any{"extension": "2001"})
	require.NoError(t, err, "a freed extension can be given again")
	require.Equal(t, "2001", up.Extension)
}

// rawJSON sends a request and returns the body as text.
func rawJSON(t testing.TB, c *client.Client, method, path string, body any) string {
	t.Helper()
	var out json.RawMessage
	require.NoError(t, c.Do(context.Background(), method, path, body, &out))
	return strings.TrimSpace(string(out))
}

// TestShieldIssuedCodeDialsFromMemory checks that the node that issues a
// code is ready for its first dial: the code (when reusable), its customer
// and the customer's number are held from the issue, so the dial reads
// neither the code nor the customer; a one-time code is read again on its
// dial — a use on another node must count — but its customer is not.
func TestShieldIssuedCodeDialsFromMemory(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		var codeReads, customerReads atomic.Int64
		wrap := func(e store.Engine) store.Engine {
			c := storetest.Count(e)
			c.OnRead = func(q string) {
				switch {
				case strings.Contains(q, "FROM shield_dial_codes"):
					codeReads.Add(1)
				case strings.Contains(q, "FROM customers"):
					customerReads.Add(1)
				}
			}
			return c
		}
		n := startOpts(t, nodeConfig(t, engine), app.Options{Engine: wrap})
		ctx := context.Background()
		s := newShieldTenant(t, n, "Warm")

		reusable, err := s.Agent.IssueDialCode(ctx, s.Plain, true)
		require.NoError(t, err)
		codeReads.Store(0)
		customerReads.Store(0)
		a, err := s.PBX.Resolve(ctx, "1001", reusable.Code, "call-1")
		require.NoError(t, err)
		dial(t, a, plainNumber, shieldHotline)
		require.Zero(t, codeReads.Load(), "a reusable code is held from its issue")
		require.Zero(t, customerReads.Load(), "so is its customer")

		once, err := s.Agent.IssueDialCode(ctx, s.VIP, false)
		require.NoError(t, err)
		codeReads.Store(0)
		customerReads.Store(0)
		a, err = s.PBX.Resolve(ctx, "1001", once.Code, "call-2")
		require.NoError(t, err)
		reject(t, a, 403, denyVIPReason)
		require.EqualValues(t, 1, codeReads.Load(), "a one-time code is read on its dial")
		require.Zero(t, customerReads.Load(), "its customer is held from the issue")
	})
}
