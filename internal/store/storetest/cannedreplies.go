package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/cannedreply"
)

// CannedReply creates a canned reply in tenant tenantID, limited to teamID
// unless it is "".
func (b *Bundle) CannedReply(t testing.TB, tenantID, shortcut, title, body, teamID string) *cannedreply.Reply {
	t.Helper()
	r := &cannedreply.Reply{ID: NewID(), TenantID: tenantID, Shortcut: shortcut, Title: title, Body: body, TeamID: teamID,
		CreatedBy: NewID(), CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, b.Stores.CannedReplies.Create(b.ctx, r))
	return r
}

// shortcuts lists the replies' shortcuts, in order.
func shortcuts(rs []*cannedreply.Reply) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Shortcut
	}
	return out
}

func testCannedReplies(t *testing.T, b *Bundle) {
	st := b.Stores.CannedReplies
	tm := b.Team(t, b.A.ID, "Billing")
	hello := b.CannedReply(t, b.A.ID, "hello", "Greeting", "Hi {{customer.name}}!", "")
	refund := b.CannedReply(t, b.A.ID, "refund", "Refund policy", "Refunds take 5 days.", tm.ID)
	got, err := st.Get(b.ctx, b.A.ID, refund.ID)
	require.NoError(t, err)
	require.Equal(t, refund, got)
	got, err = st.Get(b.ctx, b.A.ID, hello.ID)
	require.NoError(t, err)
	require.Equal(t, hello, got, "a tenant-wide reply reads back with team_id \"\"")

	dup := &cannedreply.Reply{ID: NewID(), TenantID: b.A.ID, Shortcut: "hello", Title: "x", Body: "x", CreatedAt: b.Now, UpdatedAt: b.Now}
	require.ErrorIs(t, st.Create(b.ctx, dup), cannedreply.ErrShortcutTaken)
	b.CannedReply(t, b.B.ID, "hello", "Greeting", "Hello", "") // shortcuts are unique per tenant only
	dup.Shortcut, dup.TeamID = "orphan", NewID()
	require.ErrorIs(t, st.Create(b.ctx, dup), cannedreply.ErrUnknownTeam)

	refund.Shortcut = "hello"
	require.ErrorIs(t, st.Update(b.ctx, refund), cannedreply.ErrShortcutTaken)
	refund.Shortcut, refund.Title, refund.Body, refund.TeamID = "refunds", "Refunds", "Five days.", ""
	refund.UpdatedAt = b.Now.Add(time.Hour)
	require.NoError(t, st.Update(b.ctx, refund))
	got, err = st.Get(b.ctx, b.A.ID, refund.ID)
	require.NoError(t, err)
	require.Equal(t, refund, got)
	refund.TeamID = NewID()
	require.ErrorIs(t, st.Update(b.ctx, refund), cannedreply.ErrUnknownTeam)
	refund.TeamID = tm.ID
	require.NoError(t, st.Update(b.ctx, refund))

	require.NoError(t, st.Delete(b.ctx, b.A.ID, hello.ID))
	_, err = st.Get(b.ctx, b.A.ID, hello.ID)
	require.ErrorIs(t, err, cannedreply.ErrNotFound)
	require.ErrorIs(t, st.Delete(b.ctx, b.A.ID, hello.ID), cannedreply.ErrNotFound)
	missing := *refund
	missing.ID = NewID()
	require.ErrorIs(t, st.Update(b.ctx, &missing), cannedreply.ErrNotFound)

	require.NoError(t, b.Stores.Teams.Delete(b.ctx, b.A.ID, tm.ID))
	_, err = st.Get(b.ctx, b.A.ID, refund.ID)
	require.ErrorIs(t, err, cannedreply.ErrNotFound, "deleting a team deletes its replies")
}

func testCannedRepliesList(t *testing.T, b *Bundle) {
	st := b.Stores.CannedReplies
	member, outsider := b.User(t, b.A, nil), b.User(t, b.A, nil)
	billing := b.Team(t, b.A.ID, "Billing", member.ID)
	sales := b.Team(t, b.A.ID, "Sales", outsider.ID)
	b.CannedReply(t, b.A.ID, "thanks", "Thanks", "Thank you for your patience.", "")
	b.CannedReply(t, b.A.ID, "bye", "Goodbye", "Have a GREAT day!", "")
	b.CannedReply(t, b.A.ID, "refund", "Refund policy", "Refunds take 5 days.", billing.ID)
	b.CannedReply(t, b.A.ID, "a-discount", "Discount 10%", "Use code SAVE_10.", sales.ID)
	b.CannedReply(t, b.B.ID, "bonjour", "Hello", "Bonjour !", "")

	list := func(p cannedreply.ListParams) []string {
		t.Helper()
		p.TenantID = b.A.ID
		rs, err := st.List(b.ctx, &p)
		require.NoError(t, err)
		return shortcuts(rs)
	}
	require.Equal(t, []string{"a-discount", "bye", "refund", "thanks"}, list(cannedreply.ListParams{}), "shortcut order, one tenant")
	require.Equal(t, []string{"bye", "refund", "thanks"}, list(cannedreply.ListParams{VisibleTo: member.ID}))
	require.Equal(t, []string{"a-discount", "bye", "thanks"}, list(cannedreply.ListParams{VisibleTo: outsider.ID}))
	require.Equal(t, []string{"bye", "thanks"}, list(cannedreply.ListParams{VisibleTo: NewID()}), "no teams: tenant-wide only")

	require.Equal(t, []string{"a-discount", "bye"}, list(cannedreply.ListParams{Limit: 2}))
	require.Equal(t, []string{"refund", "thanks"}, list(cannedreply.ListParams{After: "bye"}))

	require.Equal(t, []string{"refund"}, list(cannedreply.ListParams{Query: "ref"}), "a shortcut prefix")
	require.Equal(t, []string{"bye"}, list(cannedreply.ListParams{Query: "great"}), "body, any case")
	require.Equal(t, []string{"bye", "refund", "thanks"}, list(cannedreply.ListParams{Query: "y"}), "title or body substring")
	require.Equal(t, []string{"a-discount"}, list(cannedreply.ListParams{Query: "10%"}))
	require.Empty(t, list(cannedreply.ListParams{Query: "5%"}), `% is literal, or it would match "5 days"`)
	require.Equal(t, []string{"a-discount"}, list(cannedreply.ListParams{Query: "SAVE_1"}))
	require.Empty(t, list(cannedreply.ListParams{Query: "t_1"}), `_ is literal, or it would match "discount 10%"`)
	require.Empty(t, list(cannedreply.ListParams{Query: "discount", VisibleTo: member.ID}), "the query never widens visibility")
	require.Empty(t, list(cannedreply.ListParams{Query: "bonjour"}), "another tenant's replies never match")

	teams, err := st.MemberTeams(b.ctx, b.A.ID, member.ID)
	require.NoError(t, err)
	require.Equal(t, []string{billing.ID}, teams)
	teams, err = st.MemberTeams(b.ctx, b.B.ID, member.ID)
	require.NoError(t, err)
	require.Empty(t, teams)
}

func testCannedRepliesIsolation(t *testing.T, b *Bundle) {
	st := b.Stores.CannedReplies
	theirTeam := b.Team(t, b.B.ID, "Theirs")
	theirs := b.CannedReply(t, b.B.ID, "theirs", "Theirs", "Theirs", theirTeam.ID)

	_, err := st.Get(b.ctx, b.A.ID, theirs.ID)
	require.ErrorIs(t, err, cannedreply.ErrNotFound)
	require.ErrorIs(t, st.Delete(b.ctx, b.A.ID, theirs.ID), cannedreply.ErrNotFound)
	hijack := *theirs
	hijack.TenantID, hijack.TeamID = b.A.ID, ""
	require.ErrorIs(t, st.Update(b.ctx, &hijack), cannedreply.ErrNotFound)

	mine := &cannedreply.Reply{ID: NewID(), TenantID: b.A.ID, Shortcut: "mine", Title: "Mine", Body: "Mine", TeamID: theirTeam.ID,
		CreatedAt: b.Now, UpdatedAt: b.Now}
	require.ErrorIs(t, st.Create(b.ctx, mine), cannedreply.ErrUnknownTeam, "another tenant's team must not resolve")
	got, err := st.Get(b.ctx, b.B.ID, theirs.ID)
	require.NoError(t, err)
	require.Equal(t, theirs, got)
}
