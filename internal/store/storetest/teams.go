package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/skill"
	"github.com/switchboardhq/switchboard/internal/team"
	"github.com/switchboardhq/switchboard/internal/user"
)

func testTeams(t *testing.T, b *Bundle) {
	u1, u2 := b.User(t, b.A, nil), b.User(t, b.A, nil)
	tm := b.Team(t, b.A.ID, "Tier 1", u1.ID)
	got, err := b.Stores.Teams.Get(b.ctx, b.A.ID, tm.ID)
	require.NoError(t, err)
	require.Equal(t, tm, got)

	dup := &team.Team{ID: NewID(), TenantID: b.A.ID, Name: "Tier 1", MemberIDs: []string{}, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.ErrorIs(t, b.Stores.Teams.Create(b.ctx, dup), team.ErrNameTaken)
	b.Team(t, b.B.ID, "Tier 1") // names are unique per tenant only

	tm.Name, tm.Description, tm.UpdatedAt = "Tier 2", "escalations", b.Now.Add(time.Hour)
	tm.MemberIDs = sorted(u1.ID, u2.ID)
	require.NoError(t, b.Stores.Teams.Update(b.ctx, tm))
	got, err = b.Stores.Teams.Get(b.ctx, b.A.ID, tm.ID)
	require.NoError(t, err)
	require.Equal(t, tm, got)
	member, err := b.Stores.Users.Get(b.ctx, b.A.ID, u2.ID)
	require.NoError(t, err)
	require.Equal(t, []string{tm.ID}, member.TeamIDs, "membership is visible from both sides")

	other := b.Team(t, b.A.ID, "Other")
	list, err := b.Stores.Teams.List(b.ctx, &team.ListParams{TenantID: b.A.ID, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, tm.ID, list[0].ID)
	list, err = b.Stores.Teams.List(b.ctx, &team.ListParams{TenantID: b.A.ID, After: tm.ID})
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, other.ID, list[0].ID)

	require.NoError(t, b.Stores.Teams.Delete(b.ctx, b.A.ID, tm.ID))
	_, err = b.Stores.Teams.Get(b.ctx, b.A.ID, tm.ID)
	require.ErrorIs(t, err, team.ErrNotFound)
	member, err = b.Stores.Users.Get(b.ctx, b.A.ID, u2.ID)
	require.NoError(t, err)
	require.Empty(t, member.TeamIDs, "deleting a team removes its memberships")
}

func testTeamsIsolation(t *testing.T, b *Bundle) {
	theirs := b.Team(t, b.B.ID, "Theirs")
	foreigner := b.User(t, b.B, nil)

	_, err := b.Stores.Teams.Get(b.ctx, b.A.ID, theirs.ID)
	require.ErrorIs(t, err, team.ErrNotFound)
	require.ErrorIs(t, b.Stores.Teams.Delete(b.ctx, b.A.ID, theirs.ID), team.ErrNotFound)
	hijack := *theirs
	hijack.TenantID, hijack.Name = b.A.ID, "mine now"
	require.ErrorIs(t, b.Stores.Teams.Update(b.ctx, &hijack), team.ErrNotFound)

	mine := &team.Team{ID: NewID(), TenantID: b.A.ID, Name: "Mine", MemberIDs: []string{foreigner.ID}, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.ErrorIs(t, b.Stores.Teams.Create(b.ctx, mine), team.ErrUnknownUser, "another tenant's user must not join")
	list, err := b.Stores.Teams.List(b.ctx, &team.ListParams{TenantID: b.A.ID})
	require.NoError(t, err)
	require.Empty(t, list)
}

func testSkills(t *testing.T, b *Bundle) {
	sk := b.Skill(t, b.A.ID, "Mandarin")
	got, err := b.Stores.Skills.Get(b.ctx, b.A.ID, sk.ID)
	require.NoError(t, err)
	require.Equal(t, sk, got)
	_, err = b.Stores.Skills.Get(b.ctx, b.B.ID, sk.ID)
	require.ErrorIs(t, err, skill.ErrNotFound)

	dup := &skill.Skill{ID: NewID(), TenantID: b.A.ID, Name: "Mandarin", CreatedAt: b.Now, UpdatedAt: b.Now}
	require.ErrorIs(t, b.Stores.Skills.Create(b.ctx, dup), skill.ErrNameTaken)

	sk2 := b.Skill(t, b.A.ID, "Cantonese")
	sk2.Name = "Mandarin"
	require.ErrorIs(t, b.Stores.Skills.Update(b.ctx, sk2), skill.ErrNameTaken)
	sk2.Name, sk2.Description = "Yue", "Cantonese"
	require.NoError(t, b.Stores.Skills.Update(b.ctx, sk2))

	list, err := b.Stores.Skills.List(b.ctx, &skill.ListParams{TenantID: b.A.ID})
	require.NoError(t, err)
	require.Equal(t, []*skill.Skill{sk, sk2}, list)

	u := b.User(t, b.A, &UserOpts{Skills: []user.SkillLevel{{SkillID: sk.ID, Level: 3}}})
	require.NoError(t, b.Stores.Skills.Delete(b.ctx, b.A.ID, sk.ID))
	got2, err := b.Stores.Users.Get(b.ctx, b.A.ID, u.ID)
	require.NoError(t, err)
	require.Empty(t, got2.Skills, "deleting a skill removes users' levels in it")
	require.ErrorIs(t, b.Stores.Skills.Delete(b.ctx, b.B.ID, sk2.ID), skill.ErrNotFound)
}
