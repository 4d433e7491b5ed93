package shield_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/shield"
)

// now is a Wednesday, 10:00 UTC.
var now = time.Date(2030, 1, 16, 10, 0, 0, 0, time.UTC)

const (
	hotline   = "+8695555"
	beijing   = "+861088880000" // a local number of area 10
	shanghai  = "+862188880000" // a local number of area 21
	x1, x2    = "+8613900000001", "+8613900000002"
	vipPhone  = "+8613800138000"
	bjPhone   = "+861066667777"
	shPhone   = "+862166667777"
	partyA    = "+8615011112222"
	partyB    = "+8615033334444"
	oneWayA   = "+8615055556666"
	oneWayB   = "+8615077778888"
	openA     = "+8615088889999"
	listedA   = "+8615012340000"
	listedIn  = "+8615099990000"
	stranger  = "+8618600001111"
	blocked   = "+8613712345678" // under the blocked prefix +86137
	denyVIP   = "VIP customers are served by senior agents"
	ruleVIP   = "r-vip"
	ruleFixed = "r-fixed"
)

// fixture is a tenant with a hotline, two local and two binding numbers,
// two rules, a blocked prefix, bindings of every kind, three agents and
// four customers.
func fixture(t testing.TB) (*shield.Snapshot, *directory) {
	t.Helper()
	expired := now.Add(-time.Minute)
	d := &shield.SnapshotData{
		Settings: shield.DefaultSettings("t1"), Region: "CN",
		Numbers: []*shield.Number{
			{Number: hotline, Purpose: shield.PurposeHotline}, {Number: beijing, Purpose: shield.PurposeLocal},
			{Number: shanghai, Purpose: shield.PurposeLocal}, {Number: x1, Purpose: shield.PurposeBinding},
			{Number: x2, Purpose: shield.PurposeBinding},
		},
		Rules: []*shield.Rule{
			{ID: ruleVIP, Name: "VIP", Condition: `customer.tier == "vip" && agent.level < 2`, Outcome: shield.OutcomeDeny, Reason: denyVIP},
			{ID: ruleFixed, Name: "Local for landlines", Condition: `number.type in ["fixed", "fixed_or_mobile"]`,
				Outcome: shield.OutcomeAllow, CallerID: shield.CallerIDLocal, Record: true, Notify: "You will be called by our service"},
		},
		Entries: []*shield.ListEntry{{ID: "e1", List: shield.ListBlock, Number: "+86137"}},
		Bindings: []*shield.Binding{
			{ID: "axb", Type: shield.BindingAXB, X: x1, A: partyA, B: partyB, Direction: shield.DirectionBoth, Record: true},
			{ID: "oneway", Type: shield.BindingAXB, X: x2, A: oneWayA, B: oneWayB, Direction: shield.DirectionAToB},
			{ID: "open", Type: shield.BindingAXN, X: x2, A: openA, Direction: shield.DirectionBoth},
			{ID: "listed", Type: shield.BindingAXN, X: x1, A: listedA, AllowedCallers: []string{listedIn}, Direction: shield.DirectionBoth},
			{ID: "expired", Type: shield.BindingAXB, X: x1, A: "+8615000000001", B: "+8615000000002", ExpiresAt: &expired},
		},
	}
	snap, err := shield.Build(d, now)
	require.NoError(t, err)
	dir := newDirectory()
	dir.agents["1001"] = &shield.Agent{ID: "junior", Extension: "1001", Level: 1, Active: true, Since: now.AddDate(0, 0, -30)}
	dir.agents["1002"] = &shield.Agent{ID: "senior", Extension: "1002", Level: 2, Active: true}
	dir.agents["1003"] = &shield.Agent{ID: "gone", Extension: "1003", Level: 3}
	for _, c := range []*shield.Customer{
		{ID: "c-vip", Phones: []string{vipPhone}, Tier: "vip"},
		{ID: "c-bj", Phones: []string{bjPhone}, Tier: "standard"},
		{ID: "c-sh", Phones: []string{shPhone}},
		{ID: "c-none"},
		{ID: "c-blocked", Phones: []string{blocked}},
	} {
		dir.customers[c.ID] = c
	}
	return snap, dir
}

func resolve(t testing.TB, s *shield.Snapshot, d *directory, caller, dialed string) *shield.Result {
	t.Helper()
	r, err := s.Resolve(context.Background(), d.sources(), &shield.Request{Caller: caller, Dialed: dialed, CallID: "call-1", At: now})
	require.NoError(t, err)
	return r
}

// want is the expected answer: a dial (dest, caller ID) or a reject (code).
type want struct {
	dest, callerID string
	code           int
	reason, rule   string
}

func check(t *testing.T, r *shield.Result, w want) {
	t.Helper()
	a := r.Answer
	if w.code != 0 {
		require.Equal(t, shield.ActionReject, a.Action, "%+v", a)
		require.Equal(t, w.code, a.Code, a.Reason)
		require.Contains(t, a.Reason, w.reason)
		require.Empty(t, a.Destination, "a refusal reveals no number")
		require.Nil(t, a.Record)
		require.Nil(t, r.UseCode, "a refused call uses nothing up")
	} else {
		require.Equal(t, shield.ActionDial, a.Action, "%+v", a)
		require.Equal(t, w.dest, a.Destination)
		require.Equal(t, w.callerID, a.CallerID)
		require.NotNil(t, a.Record)
	}
	require.Equal(t, w.rule, a.RuleID)
	require.Equal(t, w.rule, r.Decision.RuleID)
	require.Equal(t, a.Action, r.Decision.Outcome)
	require.NotContains(t, r.Decision.Caller+r.Decision.Destination+r.Decision.Reason, "13800138000",
		"a decision record never holds a real number in clear")
}

func TestAgentCalls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		caller, dialed string
		setup          func(d *directory)
		want           want
	}{
		{"CodeCallsTheCustomer", "1002", "81234", func(d *directory) { d.addCode("senior", "81234", "c-vip", now.Add(time.Minute), false) },
			want{dest: vipPhone, callerID: hotline}},
		{"ExpiredCode", "1002", "81234", func(d *directory) { d.addCode("senior", "81234", "c-vip", now, false) },
			want{code: 404, reason: "unknown or has expired"}},
		{"AnotherAgentsCode", "1002", "81234", func(d *directory) { d.addCode("junior", "81234", "c-vip", now.Add(time.Minute), false) },
			want{code: 404, reason: "unknown or has expired"}},
		{"UsedOneTimeCode", "1002", "81234", func(d *directory) {
			d.addCode("senior", "81234", "c-vip", now.Add(time.Minute), false).UsedAt = ptr(now.Add(-time.Second))
		}, want{code: 404, reason: "used already"}},
		{"UsedReusableCode", "1002", "81234", func(d *directory) {
			d.addCode("senior", "81234", "c-vip", now.Add(time.Minute), true).UsedAt = ptr(now.Add(-time.Second))
		}, want{dest: vipPhone, callerID: hotline}},
		{"UnknownCode", "1002", "89999", nil, want{code: 404, reason: "unknown or has expired"}},
		{"CodeOfACustomerWithoutPhone", "1002", "81234", func(d *directory) { d.addCode("senior", "81234", "c-none", now.Add(time.Minute), false) },
			want{code: 404, reason: "no phone number"}},
		{"CodeOfADeletedCustomer", "1002", "81234", func(d *directory) { d.addCode("senior", "81234", "c-gone", now.Add(time.Minute), false) },
			want{code: 404, reason: "no longer exists"}},
		{"FixedCodeCallsTheCurrentCustomer", "1002", "8888", func(d *directory) { d.current["senior"] = "c-sh" },
			want{dest: shPhone, callerID: shanghai, rule: ruleFixed}},
		{"FixedCodeWithoutWorkItem", "1002", "8888", nil, want{code: 480, reason: "no current work item"}},
		{"VIPRefusedToAJunior", "1001", vipPhone, nil, want{code: 403, reason: denyVIP, rule: ruleVIP}},
		{"VIPByCodeRefusedToAJunior", "1001", "81234", func(d *directory) { d.addCode("junior", "81234", "c-vip", now.Add(time.Minute), false) },
			want{code: 403, reason: denyVIP, rule: ruleVIP}},
		{"VIPAllowedToASenior", "1002", "013800138000", nil, want{dest: vipPhone, callerID: hotline}},
		{"LocalNumberByArea", "1001", "010-66667777", nil, want{dest: bjPhone, callerID: beijing, rule: ruleFixed}},
		{"LocalFallsBackToTheHotline", "1001", "+862066667777", nil, want{dest: "+862066667777", callerID: hotline, rule: ruleFixed}},
		{"NoRuleMatchesSoTheHotline", "1001", "+8615900001111", nil, want{dest: "+8615900001111", callerID: hotline}},
		{"BlockedPrefixTypedByHand", "1002", "13712345678", nil, want{code: 403, reason: "block list"}},
		{"BlockedPrefixByCode", "1002", "81234", func(d *directory) { d.addCode("senior", "81234", "c-blocked", now.Add(time.Minute), false) },
			want{code: 403, reason: "block list"}},
		{"NotANumber", "1002", "12", nil, want{code: 404, reason: "neither a dial code nor a phone number"}},
		{"InactiveAgent", "1003", vipPhone, nil, want{code: 403, reason: "not active"}},
		{"UnknownCaller", "1009", vipPhone, nil, want{code: 404, reason: "neither an agent's extension"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			snap, dir := fixture(t)
			if tt.setup != nil {
				tt.setup(dir)
			}
			check(t, resolve(t, snap, dir, tt.caller, tt.dialed), tt.want)
		})
	}
}

func TestCodeEffects(t *testing.T) {
	t.Parallel()
	snap, dir := fixture(t)
	one := dir.addCode("senior", "81234", "c-vip", now.Add(time.Minute), false)
	dir.addCode("senior", "85678", "c-vip", now.Add(time.Minute), true)

	r := resolve(t, snap, dir, "1002", "81234")
	require.Same(t, one, r.UseCode, "a one-time code is used up by the call")
	require.Equal(t, shield.Decision{TenantID: "t1", At: now, CallID: "call-1", Caller: "1002", Destination: "+86 138****8000",
		Via: "code", AgentID: "senior", CustomerID: "c-vip", Outcome: "dial", CallerID: hotline}, r.Decision)
	require.Equal(t, "c-vip", r.Answer.CustomerID)
	require.Equal(t, "senior", r.Answer.AgentID)
	require.False(t, *r.Answer.Record)

	r = resolve(t, snap, dir, "1002", "85678")
	require.Nil(t, r.UseCode, "a reusable code stays")

	src := dir.sources()
	src.Used = func(_, agent, code string) bool { return agent == "senior" && code == "81234" }
	r, err := snap.Resolve(context.Background(), src, &shield.Request{Caller: "1002", Dialed: "81234", At: now})
	require.NoError(t, err)
	require.Equal(t, 404, r.Answer.Code, "a use this node saw but has not stored yet counts")
}

func TestRuleOutcomes(t *testing.T) {
	t.Parallel()
	snap, dir := fixture(t)
	r := resolve(t, snap, dir, "1001", "+861066667777")
	require.True(t, *r.Answer.Record, "the allowing rule asks for recording")
	require.Equal(t, "You will be called by our service", r.Answer.Notify, "the pre-call notification is reported")

	rules := []*shield.Rule{
		{ID: "a", Condition: `time.hour >= 9 && time.weekday == "wed" && time.date == "2030-01-16"`, Outcome: shield.OutcomeAllow, CallerID: beijing},
		{ID: "b", Condition: `true`, Outcome: shield.OutcomeDeny},
	}
	s, err := shield.Build(&shield.SnapshotData{Settings: shield.DefaultSettings("t1"), Region: "CN",
		Numbers: []*shield.Number{{Number: hotline, Purpose: shield.PurposeHotline}, {Number: beijing, Purpose: shield.PurposeLocal}},
		Rules:   rules}, now)
	require.NoError(t, err)
	check(t, resolve(t, s, dir, "1001", shPhone), want{dest: shPhone, callerID: beijing, rule: "a"})
	rules[0].Condition = `agent.tenure_days > 100 || "vip" in customer.tags`
	s, err = shield.Build(&shield.SnapshotData{Settings: shield.DefaultSettings("t1"), Region: "CN", Rules: rules}, now)
	require.NoError(t, err)
	check(t, resolve(t, s, dir, "1001", shPhone), want{code: 403, reason: "the call is not allowed", rule: "b"})

	s, err = shield.Build(&shield.SnapshotData{Settings: shield.DefaultSettings("t1"), Region: "CN"}, now)
	require.NoError(t, err)
	check(t, resolve(t, s, dir, "1001", shPhone), want{code: 480, reason: "add a hotline number"})

	_, err = shield.Build(&shield.SnapshotData{Settings: shield.DefaultSettings("t1"),
		Rules: []*shield.Rule{{ID: "bad", Condition: `agent.levle > 1`}}}, now)
	require.ErrorContains(t, err, "stored rule bad", "a stored rule that no longer compiles fails closed")
}

func TestAllowList(t *testing.T) {
	t.Parallel()
	_, dir := fixture(t)
	s, err := shield.Build(&shield.SnapshotData{Settings: shield.DefaultSettings("t1"), Region: "CN",
		Numbers: []*shield.Number{{Number: hotline, Purpose: shield.PurposeHotline}},
		Entries: []*shield.ListEntry{
			{ID: "a1", List: shield.ListAllow, Number: "+86138"},
			{ID: "a2", List: shield.ListAllow, Number: bjPhone},
			{ID: "b1", List: shield.ListBlock, Number: "+861380013"},
		}}, now)
	require.NoError(t, err)
	check(t, resolve(t, s, dir, "1002", "+8613812345678"), want{dest: "+8613812345678", callerID: hotline})
	check(t, resolve(t, s, dir, "1002", bjPhone), want{dest: bjPhone, callerID: hotline})
	check(t, resolve(t, s, dir, "1002", shPhone), want{code: 403, reason: "not on the allow list"})
	check(t, resolve(t, s, dir, "1002", vipPhone), want{code: 403, reason: "block list"})
}

func TestBindingCalls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		caller, dialed string
		last           string // the open AXN's last caller
		want           want
		lastCaller     string // who the call makes the last caller
	}{
		{"AXBAToB", partyA, x1, "", want{dest: partyB, callerID: x1}, ""},
		{"AXBBToA", partyB, x1, "", want{dest: partyA, callerID: x1}, ""},
		{"AXBNationalForm", "15011112222", "13900000001", "", want{dest: partyB, callerID: x1}, ""},
		{"OneWayAllowed", oneWayA, x2, "", want{dest: oneWayB, callerID: x2}, ""},
		{"OneWayRefused", oneWayB, x2, "", want{code: 403, reason: "direction"}, ""},
		{"AXNAnyoneReachesA", stranger, x2, "", want{dest: openA, callerID: x2}, stranger},
		{"AXNACallsBackTheLastCaller", openA, x2, stranger, want{dest: stranger, callerID: x2}, ""},
		{"AXNNobodyCalledYet", openA, x2, "", want{code: 480, reason: "nobody has called"}, ""},
		{"AXNAllowedCaller", listedIn, x1, "", want{dest: listedA, callerID: x1}, listedIn},
		{"AXNOtherCallerRefused", stranger, x1, "", want{code: 404, reason: "no binding"}, ""},
		{"ExpiredBinding", "+8615000000001", x1, "", want{code: 404, reason: "expired"}, ""},
		{"PartyOnAnotherX", partyA, x2, "", want{dest: openA, callerID: x2}, partyA},
		{"BlockedDestination", stranger, x2, blocked, want{code: 403, reason: "block list"}, ""},
		{"NotANumber", "abc", x1, "", want{code: 404, reason: "neither an agent's extension"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			snap, dir := fixture(t)
			dir.last["open"] = tt.last
			if tt.name == "BlockedDestination" {
				dir.last["open"], tt.caller = blocked, openA
			}
			r := resolve(t, snap, dir, tt.caller, tt.dialed)
			check(t, r, tt.want)
			require.Equal(t, tt.lastCaller, r.LastCaller)
			if tt.want.code == 0 {
				require.NotNil(t, r.Binding)
				require.Equal(t, r.Binding.ID, r.Answer.BindingID)
				require.Equal(t, "binding", r.Decision.Via)
				require.Empty(t, r.Answer.AgentID)
			}
		})
	}
}

func TestBindingIndexChanges(t *testing.T) {
	t.Parallel()
	snap, dir := fixture(t)
	snap.RemoveBinding("axb")
	check(t, resolve(t, snap, dir, partyA, x1), want{code: 404, reason: "no binding"})
	later := now.Add(time.Hour)
	snap.PutBinding(&shield.Binding{ID: "new", Type: shield.BindingAXB, X: x1, A: partyA, B: stranger, ExpiresAt: &later,
		Direction: shield.DirectionBoth})
	check(t, resolve(t, snap, dir, stranger, x1), want{dest: partyA, callerID: x1})
	snap.PutBinding(&shield.Binding{ID: "new", Type: shield.BindingAXB, X: x1, A: partyA, B: partyB, ExpiresAt: &later,
		Direction: shield.DirectionBoth})
	check(t, resolve(t, snap, dir, stranger, x1), want{code: 404, reason: "no binding"})
	check(t, resolve(t, snap, dir, partyB, x1), want{dest: partyA, callerID: x1})

	// The expired binding's parties were taken over by a new live one:
	// whichever order they are indexed in, the live one answers.
	snap.PutBinding(&shield.Binding{ID: "reborn", Type: shield.BindingAXB, X: x1, A: "+8615000000001", B: partyB,
		Direction: shield.DirectionBoth})
	check(t, resolve(t, snap, dir, "+8615000000001", x1), want{dest: partyB, callerID: x1})
}
