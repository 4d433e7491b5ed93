package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/auth"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/skill"
	"github.com/switchboardhq/switchboard/internal/team"
	"github.com/switchboardhq/switchboard/internal/user"
)

// Team creates a team in tenant tenantID.
func (b *Bundle) Team(t testing.TB, tenantID, name string, members ...string) *team.Team {
	t.Helper()
	if members == nil {
		members = []string{}
	}
	tm := &team.Team{ID: NewID(), TenantID: tenantID, Name: name, MemberIDs: members, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, b.Stores.Teams.Create(b.ctx, tm))
	return tm
}

// Skill creates a skill in tenant tenantID.
func (b *Bundle) Skill(t testing.TB, tenantID, name string) *skill.Skill {
	t.Helper()
	sk := &skill.Skill{ID: NewID(), TenantID: tenantID, Name: name, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, b.Stores.Skills.Create(b.ctx, sk))
	return sk
}

func testUsersCreateGet(t *testing.T, b *Bundle) {
	tm := b.Team(t, b.A.ID, "Billing")
	sk := b.Skill(t, b.A.ID, "English")
	u := b.User(t, b.A, &UserOpts{Email: "ana@example.com", Role: permission.RoleSupervisor,
		TeamIDs: []string{tm.ID}, Skills: []user.SkillLevel{{SkillID: sk.ID, Level: 4}}})

	got, err := b.Stores.Users.Get(b.ctx, b.A.ID, u.ID)
	require.NoError(t, err)
	require.Equal(t, u, got)

	byEmail, err := b.Stores.Users.GetByEmail(b.ctx, "ana@example.com")
	require.NoError(t, err)
	require.Equal(t, u, byEmail)

	_, err = b.Stores.Users.Get(b.ctx, b.B.ID, u.ID)
	require.ErrorIs(t, err, user.ErrNotFound, "a user must be invisible from another tenant")
	_, err = b.Stores.Users.GetByEmail(b.ctx, "nobody@example.com")
	require.ErrorIs(t, err, user.ErrNotFound)
}

func testUsersEmailUnique(t *testing.T, b *Bundle) {
	b.User(t, b.A, &UserOpts{Email: "same@example.com"})
	dup := &user.User{ID: NewID(), TenantID: b.B.ID, Email: "same@example.com", Name: "x", Role: permission.RoleAgent,
		Status: user.StatusActive, TeamIDs: []string{}, Skills: []user.SkillLevel{}, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.ErrorIs(t, b.Stores.Users.Create(b.ctx, dup), user.ErrEmailTaken, "emails are unique across the platform")
}

func testUsersList(t *testing.T, b *Bundle) {
	tm := b.Team(t, b.A.ID, "Sales")
	var agents []*user.User
	for range 3 {
		agents = append(agents, b.User(t, b.A, &UserOpts{TeamIDs: []string{tm.ID}}))
	}
	admin := b.User(t, b.A, &UserOpts{Role: permission.RoleAdmin})
	invited := b.User(t, b.A, &UserOpts{Status: user.StatusInvited})
	b.User(t, b.B, nil) // another tenant's user never appears

	all, err := b.Stores.Users.List(b.ctx, &user.ListParams{TenantID: b.A.ID, Limit: 100})
	require.NoError(t, err)
	require.Len(t, all, 5)

	page1, err := b.Stores.Users.List(b.ctx, &user.ListParams{TenantID: b.A.ID, Limit: 2})
	require.NoError(t, err)
	page2, err := b.Stores.Users.List(b.ctx, &user.ListParams{TenantID: b.A.ID, After: page1[1].ID, Limit: 10})
	require.NoError(t, err)
	require.Equal(t, all, append(page1, page2...), "pages must concatenate to the full list")

	admins, err := b.Stores.Users.List(b.ctx, &user.ListParams{TenantID: b.A.ID, Role: permission.RoleAdmin})
	require.NoError(t, err)
	require.Equal(t, []string{admin.ID}, ids(admins))

	members, err := b.Stores.Users.List(b.ctx, &user.ListParams{TenantID: b.A.ID, TeamID: tm.ID})
	require.NoError(t, err)
	require.Equal(t, ids(agents), ids(members))

	inv, err := b.Stores.Users.List(b.ctx, &user.ListParams{TenantID: b.A.ID, Status: user.StatusInvited})
	require.NoError(t, err)
	require.Equal(t, []string{invited.ID}, ids(inv))

	n, err := b.Stores.Users.CountActiveAdmins(b.ctx, b.A.ID)
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

func testUsersUpdateLinks(t *testing.T, b *Bundle) {
	t1, t2 := b.Team(t, b.A.ID, "One"), b.Team(t, b.A.ID, "Two")
	s1, s2 := b.Skill(t, b.A.ID, "Chinese"), b.Skill(t, b.A.ID, "Refunds")
	u := b.User(t, b.A, &UserOpts{TeamIDs: []string{t1.ID}, Skills: []user.SkillLevel{{SkillID: s1.ID, Level: 2}}})

	u.Name, u.Role, u.UpdatedAt = "Renamed", permission.RoleAdmin, b.Now.Add(time.Minute)
	u.TeamIDs = sorted(t1.ID, t2.ID)
	u.Skills = sortedSkills(user.SkillLevel{SkillID: s2.ID, Level: 5}, user.SkillLevel{SkillID: s1.ID, Level: 3})
	require.NoError(t, b.Stores.Users.Update(b.ctx, u))
	got, err := b.Stores.Users.Get(b.ctx, b.A.ID, u.ID)
	require.NoError(t, err)
	require.Equal(t, u, got)

	require.NoError(t, b.Stores.Users.SetPassword(b.ctx, &user.SetPasswordParams{TenantID: b.A.ID, ID: u.ID,
		Hash: "$argon2id$new", Status: user.StatusActive, At: b.Now}))
	got, err = b.Stores.Users.Get(b.ctx, b.A.ID, u.ID)
	require.NoError(t, err)
	require.Equal(t, "$argon2id$new", got.PasswordHash)

	u.TeamIDs = []string{NewID()}
	require.ErrorIs(t, b.Stores.Users.Update(b.ctx, u), user.ErrUnknownTeam)
}

func testUsersCrossTenantLinks(t *testing.T, b *Bundle) {
	foreignTeam := b.Team(t, b.B.ID, "Theirs")
	foreignSkill := b.Skill(t, b.B.ID, "Theirs")
	u := &user.User{ID: NewID(), TenantID: b.A.ID, Email: "x@example.com", Name: "x", Role: permission.RoleAgent,
		Status: user.StatusActive, TeamIDs: []string{foreignTeam.ID}, Skills: []user.SkillLevel{}, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.ErrorIs(t, b.Stores.Users.Create(b.ctx, u), user.ErrUnknownTeam, "another tenant's team must not resolve")
	u.TeamIDs, u.Skills = []string{}, []user.SkillLevel{{SkillID: foreignSkill.ID, Level: 1}}
	require.ErrorIs(t, b.Stores.Users.Create(b.ctx, u), user.ErrUnknownSkill, "another tenant's skill must not resolve")
	_, err := b.Stores.Users.GetByEmail(b.ctx, "x@example.com")
	require.ErrorIs(t, err, user.ErrNotFound, "a failed create must leave nothing behind")

	victim := b.User(t, b.B, nil)
	victim.TenantID, victim.Name = b.A.ID, "hijacked"
	require.ErrorIs(t, b.Stores.Users.Update(b.ctx, victim), user.ErrNotFound)
	require.ErrorIs(t, b.Stores.Users.Delete(b.ctx, b.A.ID, victim.ID, b.Now), user.ErrNotFound)
	got, err := b.Stores.Users.Get(b.ctx, b.B.ID, victim.ID)
	require.NoError(t, err)
	require.Equal(t, "Fixture User", got.Name)
}

func testUsersDelete(t *testing.T, b *Bundle) {
	tm := b.Team(t, b.A.ID, "Support")
	u := b.User(t, b.A, &UserOpts{Email: "gone@example.com", TeamIDs: []string{tm.ID}})
	tok := b.Token(t, u, auth.KindSession, nil)
	require.NoError(t, b.Stores.Users.Delete(b.ctx, b.A.ID, u.ID, b.Now))

	_, err := b.Stores.Users.Get(b.ctx, b.A.ID, u.ID)
	require.ErrorIs(t, err, user.ErrNotFound)
	_, err = b.Stores.Tokens.Identify(b.ctx, tok.Digest, b.Now)
	require.ErrorIs(t, err, auth.ErrNotFound, "a deleted user's tokens must stop working")
	got, err := b.Stores.Teams.Get(b.ctx, b.A.ID, tm.ID)
	require.NoError(t, err)
	require.Empty(t, got.MemberIDs)
	require.ErrorIs(t, b.Stores.Users.Delete(b.ctx, b.A.ID, u.ID, b.Now), user.ErrNotFound)

	b.User(t, b.A, &UserOpts{Email: "gone@example.com"}) // the email is free again
}

func testUsersInvites(t *testing.T, b *Bundle) {
	u := b.User(t, b.A, &UserOpts{Status: user.StatusInvited})
	inv := &user.Invite{Digest: "digest-1", TenantID: b.A.ID, UserID: u.ID, CreatedAt: b.Now, ExpiresAt: b.Now.Add(time.Hour)}
	require.NoError(t, b.Stores.Users.CreateInvite(b.ctx, inv))
	got, err := b.Stores.Users.GetInvite(b.ctx, "digest-1")
	require.NoError(t, err)
	require.Equal(t, inv, got)
	require.NoError(t, b.Stores.Users.DeleteInvites(b.ctx, b.B.ID, u.ID))
	_, err = b.Stores.Users.GetInvite(b.ctx, "digest-1")
	require.NoError(t, err, "deleting with another tenant's ID must not touch the invite")
	require.NoError(t, b.Stores.Users.DeleteInvites(b.ctx, b.A.ID, u.ID))
	_, err = b.Stores.Users.GetInvite(b.ctx, "digest-1")
	require.ErrorIs(t, err, user.ErrNotFound)
}

func testUsersPlatformAdmin(t *testing.T, b *Bundle) {
	n, err := b.Stores.Users.CountPlatformAdmins(b.ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	pa := b.User(t, nil, &UserOpts{Role: permission.RolePlatformAdmin})
	n, err = b.Stores.Users.CountPlatformAdmins(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got, err := b.Stores.Users.Get(b.ctx, "", pa.ID)
	require.NoError(t, err)
	require.Equal(t, pa, got)
	_, err = b.Stores.Users.Get(b.ctx, b.A.ID, pa.ID)
	require.ErrorIs(t, err, user.ErrNotFound)
	list, err := b.Stores.Users.List(b.ctx, &user.ListParams{TenantID: b.A.ID})
	require.NoError(t, err)
	require.Empty(t, list, "the platform administrator belongs to no tenant")
}

func ids(us []*user.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}
