package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/shield"
	"github.com/switchboardhq/switchboard/internal/user"
)

func testUsersExtension(t *testing.T, b *Bundle) {
	u := b.User(t, b.A, &UserOpts{Extension: "1001"})
	got, err := b.Stores.Users.GetByExtension(b.ctx, b.A.ID, "1001")
	require.NoError(t, err)
	require.Equal(t, u.ID, got.ID)
	require.Equal(t, "1001", got.Extension)
	require.Equal(t, 1, got.Level)
	_, err = b.Stores.Users.GetByExtension(b.ctx, b.B.ID, "1001")
	require.ErrorIs(t, err, user.ErrNotFound, "an extension is the tenant's own")

	b.User(t, b.B, &UserOpts{Extension: "1001"}) // another tenant may use it
	dup := b.User(t, b.A, nil)
	require.Empty(t, dup.Extension, "no extension is no extension, for as many users as need it")
	b.User(t, b.A, nil)
	dup.Extension, dup.Level = "1001", 3
	require.ErrorIs(t, b.Stores.Users.Update(b.ctx, dup), user.ErrExtensionTaken)
	dup.Extension = "1002"
	require.NoError(t, b.Stores.Users.Update(b.ctx, dup))
	got, err = b.Stores.Users.Get(b.ctx, b.A.ID, dup.ID)
	require.NoError(t, err)
	require.Equal(t, "1002", got.Extension)
	require.Equal(t, 3, got.Level)

	require.NoError(t, b.Stores.Users.Delete(b.ctx, b.A.ID, u.ID, b.Now))
	b.User(t, b.A, &UserOpts{Extension: "1001"}) // a deleted user's extension is free
	taken := &user.User{ID: NewID(), TenantID: b.A.ID, Email: NewID() + "@example.com", Name: "x", Role: "agent",
		Status: user.StatusActive, TeamIDs: []string{}, Skills: []user.SkillLevel{}, Extension: "1002", Level: 1,
		CreatedAt: b.Now, UpdatedAt: b.Now}
	require.ErrorIs(t, b.Stores.Users.Create(b.ctx, taken), user.ErrExtensionTaken)
}

func testShieldConfig(t *testing.T, b *Bundle) {
	st := b.Stores.Shield
	set, err := st.Settings(b.ctx, b.A.ID)
	require.NoError(t, err)
	require.Equal(t, shield.DefaultSettings(b.A.ID), set, "defaults until saved")
	set.CodeLength, set.WebhookURL, set.WebhookSecret, set.UpdatedAt = 6, "https://hooks.example/shield", "whsec_x", b.Now
	require.NoError(t, st.SaveSettings(b.ctx, set))
	require.NoError(t, st.SaveSettings(b.ctx, set), "saving again updates")
	got, err := st.Settings(b.ctx, b.A.ID)
	require.NoError(t, err)
	require.Equal(t, set, got)
	other, err := st.Settings(b.ctx, b.B.ID)
	require.NoError(t, err)
	require.Equal(t, shield.DefaultSettings(b.B.ID), other)

	n := &shield.Number{ID: NewID(), TenantID: b.A.ID, Number: "+8695555", Purpose: shield.PurposeHotline, CreatedAt: b.Now}
	require.NoError(t, st.CreateNumber(b.ctx, n))
	require.NoError(t, st.CreateNumber(b.ctx, &shield.Number{ID: NewID(), TenantID: b.A.ID, Number: "+861088880000",
		Purpose: shield.PurposeLocal, Area: "10", CreatedAt: b.Now}))
	require.ErrorIs(t, st.CreateNumber(b.ctx, &shield.Number{ID: NewID(), TenantID: b.A.ID, Number: "+8695555",
		Purpose: shield.PurposeBinding, CreatedAt: b.Now}), shield.ErrNumberTaken)
	require.NoError(t, st.CreateNumber(b.ctx, &shield.Number{ID: NewID(), TenantID: b.B.ID, Number: "+8695555",
		Purpose: shield.PurposeHotline, CreatedAt: b.Now}), "another tenant may hold the same number")
	ns, err := st.Numbers(b.ctx, b.A.ID)
	require.NoError(t, err)
	require.Len(t, ns, 2)
	require.Equal(t, []string{"+861088880000", "+8695555"}, []string{ns[0].Number, ns[1].Number}, "in number order")
	_, err = st.GetNumber(b.ctx, b.B.ID, n.ID)
	require.ErrorIs(t, err, shield.ErrNumberNotFound)
	require.ErrorIs(t, st.DeleteNumber(b.ctx, b.B.ID, n.ID), shield.ErrNumberNotFound)
	require.NoError(t, st.DeleteNumber(b.ctx, b.A.ID, n.ID))

	testShieldRules(t, b)
	testShieldLists(t, b)
}

func testShieldRules(t *testing.T, b *Bundle) {
	st := b.Stores.Shield
	r1 := &shield.Rule{ID: NewID(), TenantID: b.A.ID, Name: "VIP", Condition: `customer.tier == "vip"`, Outcome: shield.OutcomeDeny,
		Reason: "no", Record: true, Notify: "hello", Position: 2, CreatedAt: b.Now, UpdatedAt: b.Now}
	r2 := &shield.Rule{ID: NewID(), TenantID: b.A.ID, Name: "All", Outcome: shield.OutcomeAllow, CallerID: "local",
		Position: 1, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, st.CreateRule(b.ctx, r1))
	require.NoError(t, st.CreateRule(b.ctx, r2))
	rs, err := st.Rules(b.ctx, b.A.ID)
	require.NoError(t, err)
	require.Equal(t, []*shield.Rule{r2, r1}, rs, "in position order")
	r1.Position, r1.Name, r1.UpdatedAt = 1, "VIPs", b.Now.Add(time.Minute)
	require.NoError(t, st.UpdateRule(b.ctx, r1))
	got, err := st.GetRule(b.ctx, b.A.ID, r1.ID)
	require.NoError(t, err)
	require.Equal(t, r1, got)
	_, err = st.GetRule(b.ctx, b.B.ID, r1.ID)
	require.ErrorIs(t, err, shield.ErrRuleNotFound)
	r1.TenantID = b.B.ID
	require.ErrorIs(t, st.UpdateRule(b.ctx, r1), shield.ErrRuleNotFound, "the tenant comes with the rule")
	require.ErrorIs(t, st.DeleteRule(b.ctx, b.B.ID, r2.ID), shield.ErrRuleNotFound)
	require.NoError(t, st.DeleteRule(b.ctx, b.A.ID, r2.ID))
	rs, err = st.Rules(b.ctx, b.B.ID)
	require.NoError(t, err)
	require.Empty(t, rs)
}

func testShieldLists(t *testing.T, b *Bundle) {
	st := b.Stores.Shield
	add := func(tenantID string, list shield.List, number string) *shield.ListEntry {
		e := &shield.ListEntry{ID: NewID(), TenantID: tenantID, List: list, Number: number, CreatedAt: b.Now}
		require.NoError(t, st.AddListEntry(b.ctx, e))
		return e
	}
	blocked := add(b.A.ID, shield.ListBlock, "+86137")
	add(b.A.ID, shield.ListBlock, "+8613800138000")
	add(b.A.ID, shield.ListAllow, "+86137")
	add(b.B.ID, shield.ListBlock, "+1")
	require.ErrorIs(t, st.AddListEntry(b.ctx, &shield.ListEntry{ID: NewID(), TenantID: b.A.ID, List: shield.ListBlock,
		Number: "+86137", CreatedAt: b.Now}), shield.ErrListEntryExists)

	all, err := st.ListEntries(b.ctx, &shield.EntryListParams{TenantID: b.A.ID})
	require.NoError(t, err)
	require.Len(t, all, 3, "both lists, for the snapshot")
	page, err := st.ListEntries(b.ctx, &shield.EntryListParams{TenantID: b.A.ID, List: shield.ListBlock, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []*shield.ListEntry{blocked}, page)
	page, err = st.ListEntries(b.ctx, &shield.EntryListParams{TenantID: b.A.ID, List: shield.ListBlock, After: "+86137", Limit: 5})
	require.NoError(t, err)
	require.Len(t, page, 1)
	require.Equal(t, "+8613800138000", page[0].Number)

	require.ErrorIs(t, st.DeleteListEntry(b.ctx, b.A.ID, shield.ListAllow, blocked.ID), shield.ErrEntryNotFound,
		"an entry is deleted from its own list")
	require.ErrorIs(t, st.DeleteListEntry(b.ctx, b.B.ID, shield.ListBlock, blocked.ID), shield.ErrEntryNotFound)
	require.NoError(t, st.DeleteListEntry(b.ctx, b.A.ID, shield.ListBlock, blocked.ID))
}

func testShieldBindings(t *testing.T, b *Bundle) {
	st := b.Stores.Shield
	later, past := b.Now.Add(time.Hour), b.Now.Add(-time.Minute)
	axb := &shield.Binding{ID: NewID(), TenantID: b.A.ID, Type: shield.BindingAXB, X: "+8613900000001", A: "+8615011112222",
		B: "+8615033334444", Direction: shield.DirectionBoth, Record: true, ExternalID: "order-1",
		AllowedCallers: []string{}, ExpiresAt: &later, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, st.CreateBinding(b.ctx, axb, b.Now))
	got, err := st.GetBinding(b.ctx, b.A.ID, axb.ID)
	require.NoError(t, err)
	require.Equal(t, axb, got)
	_, err = st.GetBinding(b.ctx, b.B.ID, axb.ID)
	require.ErrorIs(t, err, shield.ErrBindingNotFound)

	clash := &shield.Binding{ID: NewID(), TenantID: b.A.ID, Type: shield.BindingAXB, X: axb.X, A: "+8615055556666",
		B: axb.B, Direction: shield.DirectionBoth, AllowedCallers: []string{}, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.ErrorIs(t, st.CreateBinding(b.ctx, clash, b.Now), shield.ErrPartyBound, "B is bound on this X already")
	_, err = st.GetBinding(b.ctx, b.A.ID, clash.ID)
	require.ErrorIs(t, err, shield.ErrBindingNotFound, "nothing of a refused binding stays")
	clash.X = "+8613900000002"
	require.NoError(t, st.CreateBinding(b.ctx, clash, b.Now), "on another X the party is free")

	busy, err := st.BusyNumbers(b.ctx, b.A.ID, []string{axb.B, "+8619900000000"}, b.Now)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{axb.X, clash.X}, busy)
	busy, err = st.BusyNumbers(b.ctx, b.A.ID, []string{axb.B}, later)
	require.NoError(t, err)
	require.Equal(t, []string{clash.X}, busy, "an expired binding holds no party")
	n, err := st.LiveBindingsOn(b.ctx, b.A.ID, axb.X, b.Now)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	// A party of an expired binding can be bound again on the same X.
	old := &shield.Binding{ID: NewID(), TenantID: b.A.ID, Type: shield.BindingAXN, X: "+8613900000003", A: "+8615077778888",
		Direction: shield.DirectionBoth, AllowedCallers: []string{}, ExpiresAt: &past, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, st.CreateBinding(b.ctx, old, past.Add(-time.Hour)))
	fresh := &shield.Binding{ID: NewID(), TenantID: b.A.ID, Type: shield.BindingAXN, X: old.X, A: old.A,
		Direction: shield.DirectionBoth, AllowedCallers: []string{"+8618600001111"}, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, st.CreateBinding(b.ctx, fresh, b.Now))
	live, err := st.Bindings(b.ctx, &shield.BindingListParams{TenantID: b.A.ID, LiveAt: b.Now, Limit: 10})
	require.NoError(t, err)
	require.Len(t, live, 3, "the expired one is left out")
	all, err := st.Bindings(b.ctx, &shield.BindingListParams{TenantID: b.A.ID, Limit: 10})
	require.NoError(t, err)
	require.Len(t, all, 4)
	none, err := st.Bindings(b.ctx, &shield.BindingListParams{TenantID: b.B.ID, Limit: 10})
	require.NoError(t, err)
	require.Empty(t, none)

	testShieldBindingChanges(t, b, axb, clash, fresh)
}

func testShieldBindingChanges(t *testing.T, b *Bundle, axb, clash, axn *shield.Binding) {
	st := b.Stores.Shield
	clash.B, clash.UpdatedAt = axb.A, b.Now.Add(time.Minute)
	require.NoError(t, st.UpdateBinding(b.ctx, clash, b.Now))
	got, err := st.GetBinding(b.ctx, b.A.ID, clash.ID)
	require.NoError(t, err)
	require.Equal(t, clash, got)
	busy, err := st.BusyNumbers(b.ctx, b.A.ID, []string{"+8615033334444"}, b.Now)
	require.NoError(t, err)
	require.Equal(t, []string{axb.X}, busy, "the old B's claim went with the update")
	same := &shield.Binding{ID: NewID(), TenantID: b.A.ID, Type: shield.BindingAXB, X: axb.X, A: "+8615000000001",
		B: "+8615000000002", Direction: shield.DirectionBoth, AllowedCallers: []string{}, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, st.CreateBinding(b.ctx, same, b.Now))
	same.B = axb.B
	require.ErrorIs(t, st.UpdateBinding(b.ctx, same, b.Now), shield.ErrPartyBound)
	got, err = st.GetBinding(b.ctx, b.A.ID, same.ID)
	require.NoError(t, err)
	require.Equal(t, "+8615000000002", got.B, "a refused update changes nothing")

	require.NoError(t, st.SetLastCaller(b.ctx, b.A.ID, axn.ID, "+8618600001111", b.Now))
	require.NoError(t, st.SetLastCaller(b.ctx, b.A.ID, axn.ID, "+8618600002222", b.Now.Add(-time.Second)))
	last, err := st.LastCaller(b.ctx, b.A.ID, axn.ID)
	require.NoError(t, err)
	require.Equal(t, "+8618600001111", last, "an older call written later does not win")
	_, err = st.LastCaller(b.ctx, b.B.ID, axn.ID)
	require.ErrorIs(t, err, shield.ErrBindingNotFound)

	require.ErrorIs(t, st.DeleteBinding(b.ctx, b.B.ID, axn.ID), shield.ErrBindingNotFound)
	require.NoError(t, st.DeleteBinding(b.ctx, b.A.ID, axn.ID))
	busy, err = st.BusyNumbers(b.ctx, b.A.ID, []string{axn.A, "*"}, b.Now)
	require.NoError(t, err)
	require.Empty(t, busy, "an unbound binding frees its parties")
}

func testShieldCodes(t *testing.T, b *Bundle) {
	st := b.Stores.Shield
	agent := b.User(t, b.A, nil)
	c := &shield.DialCode{TenantID: b.A.ID, Code: "81234", AgentID: agent.ID, CustomerID: "c1",
		ExpiresAt: b.Now.Add(10 * time.Minute), CreatedAt: b.Now}
	ok, err := st.CreateCode(b.ctx, c)
	require.NoError(t, err)
	require.True(t, ok)
	again := *c
	ok, err = st.CreateCode(b.ctx, &again)
	require.NoError(t, err)
	require.False(t, ok, "the agent holds this code already")
	other := *c
	other.AgentID = "someone-else"
	ok, err = st.CreateCode(b.ctx, &other)
	require.NoError(t, err)
	require.True(t, ok, "codes are per agent")

	got, err := st.Code(b.ctx, b.A.ID, agent.ID, "81234")
	require.NoError(t, err)
	require.Equal(t, c, got)
	_, err = st.Code(b.ctx, b.B.ID, agent.ID, "81234")
	require.ErrorIs(t, err, shield.ErrCodeUnknown)
	require.NoError(t, st.UseCode(b.ctx, b.A.ID, agent.ID, "81234", b.Now.Add(time.Minute)))
	require.NoError(t, st.UseCode(b.ctx, b.A.ID, agent.ID, "81234", b.Now.Add(2*time.Minute)))
	got, err = st.Code(b.ctx, b.A.ID, agent.ID, "81234")
	require.NoError(t, err)
	require.Equal(t, b.Now.Add(time.Minute), *got.UsedAt, "the first use counts")

	// Once expired, the code may be drawn again: the old row goes.
	next := &shield.DialCode{TenantID: b.A.ID, Code: "81234", AgentID: agent.ID, CustomerID: "c2", Reusable: true,
		ExpiresAt: b.Now.Add(30 * time.Minute), CreatedAt: b.Now.Add(10 * time.Minute)}
	ok, err = st.CreateCode(b.ctx, next)
	require.NoError(t, err)
	require.True(t, ok)
	got, err = st.Code(b.ctx, b.A.ID, agent.ID, "81234")
	require.NoError(t, err)
	require.Equal(t, next, got)
}

func testShieldDecisions(t *testing.T, b *Bundle) {
	st := b.Stores.Shield
	var ds []*shield.Decision
	for i, cust := range []string{"c1", "c2", "c1", "c1"} {
		d := &shield.Decision{ID: NewID(), TenantID: b.A.ID, At: b.Now.Add(time.Duration(i) * time.Second), CallID: "call",
			Caller: "1001", Destination: "+86 138****8000", Via: "code", AgentID: "agent", CustomerID: cust, ActorID: "pbx",
			Outcome: "reject", Code: 403, Reason: "VIP", RuleID: "r1"}
		require.NoError(t, st.AppendDecision(b.ctx, d))
		ds = append(ds, d)
	}
	require.NoError(t, st.AppendDecision(b.ctx, &shield.Decision{ID: NewID(), TenantID: b.B.ID, At: b.Now, CustomerID: "c1",
		Outcome: "dial"}))
	got, err := st.Decisions(b.ctx, &shield.DecisionListParams{TenantID: b.A.ID, CustomerID: "c1", Limit: 2})
	require.NoError(t, err)
	require.Equal(t, []*shield.Decision{ds[3], ds[2]}, got, "a customer's decisions, newest first")
	got, err = st.Decisions(b.ctx, &shield.DecisionListParams{TenantID: b.A.ID, CustomerID: "c1", Limit: 5,
		BeforeAt: ds[2].At.UnixMilli(), BeforeID: ds[2].ID})
	require.NoError(t, err)
	require.Equal(t, []*shield.Decision{ds[0]}, got)
	got, err = st.Decisions(b.ctx, &shield.DecisionListParams{TenantID: b.A.ID, Limit: 10})
	require.NoError(t, err)
	require.Len(t, got, 4, "the tenant's own only")
	require.Equal(t, ds[3], got[0])
}
