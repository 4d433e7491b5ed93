package permission_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/permission"
)

// every lists all the permission constants, so a new one must be added to
// the role table below on purpose.
var every = []permission.Permission{
	permission.TenantsManage, permission.UsersRead, permission.UsersWrite, permission.TeamsRead,
	permission.TeamsWrite, permission.SkillsRead, permission.SkillsWrite, permission.TokensManage,
	permission.AuditRead, permission.InboxesRead, permission.InboxesWrite, permission.ConversationsRead,
	permission.ConversationsWrite, permission.ConversationsReadAll, permission.QueuesRead, permission.QueuesWrite,
	permission.WorkTake, permission.RoutingMonitor, permission.CannedRepliesRead, permission.CannedRepliesWrite,
	permission.SettingsWrite, permission.CustomersRead, permission.CustomersWrite, permission.CustomersManage,
	permission.PIIReveal, permission.ShieldManage, permission.ShieldDial, permission.ShieldResolve,
}

func TestRoleGrants(t *testing.T) {
	t.Parallel()

	// The whole role → permission matrix. A change here is an API change:
	// update the docs and the changelog with it.
	grants := map[permission.Role][]permission.Permission{
		permission.RolePlatformAdmin: {permission.TenantsManage, permission.TokensManage, permission.AuditRead},
		permission.RoleAdmin: {permission.UsersRead, permission.UsersWrite, permission.TeamsRead,
			permission.TeamsWrite, permission.SkillsRead, permission.SkillsWrite, permission.TokensManage,
			permission.AuditRead, permission.InboxesRead, permission.InboxesWrite, permission.ConversationsRead,
			permission.ConversationsWrite, permission.ConversationsReadAll, permission.QueuesRead,
			permission.QueuesWrite, permission.WorkTake, permission.RoutingMonitor, permission.CannedRepliesRead,
			permission.CannedRepliesWrite, permission.SettingsWrite, permission.CustomersRead, permission.CustomersWrite,
			permission.CustomersManage, permission.PIIReveal, permission.ShieldManage, permission.ShieldDial,
			permission.ShieldResolve},
		permission.RoleSupervisor: {permission.UsersRead, permission.TeamsRead, permission.SkillsRead,
			permission.TokensManage, permission.InboxesRead, permission.ConversationsRead,
			permission.ConversationsWrite, permission.ConversationsReadAll, permission.QueuesRead,
			permission.WorkTake, permission.RoutingMonitor, permission.CannedRepliesRead, permission.CannedRepliesWrite,
			permission.CustomersRead, permission.CustomersWrite, permission.CustomersManage, permission.ShieldDial},
		permission.RoleAgent: {permission.UsersRead, permission.TeamsRead, permission.SkillsRead,
			permission.TokensManage, permission.InboxesRead, permission.ConversationsRead,
			permission.ConversationsWrite, permission.QueuesRead, permission.WorkTake, permission.CannedRepliesRead,
			permission.CustomersRead, permission.CustomersWrite, permission.ShieldDial},
	}
	for role, want := range grants {
		for _, p := range every {
			t.Run(string(role)+"/"+string(p), func(t *testing.T) {
				t.Parallel()

				require.Equal(t, slices.Contains(want, p), role.Grants().Has(p))
			})
		}
	}

	t.Run("Highlights", func(t *testing.T) {
		t.Parallel()

		require.True(t, permission.RoleAdmin.Grants().Has(permission.UsersWrite))
		require.False(t, permission.RoleSupervisor.Grants().Has(permission.UsersWrite))
		require.False(t, permission.RoleAgent.Grants().Has(permission.UsersWrite))
		require.True(t, permission.RolePlatformAdmin.Grants().Has(permission.TenantsManage))
		for _, r := range []permission.Role{permission.RoleSupervisor, permission.RoleAgent, permission.RolePlatformAdmin} {
			require.False(t, r.Grants().Has(permission.SettingsWrite), "only a tenant's admins change its settings: %s", r)
		}
		require.False(t, permission.RoleAdmin.Grants().Has(permission.TenantsManage), "tenant admins cannot manage tenants")
		for _, r := range []permission.Role{permission.RoleSupervisor, permission.RoleAgent, permission.RolePlatformAdmin} {
			require.False(t, r.Grants().Has(permission.PIIReveal), "only a tenant's admins see personal data unmasked: %s", r)
		}
		require.False(t, permission.RoleAgent.Grants().Has(permission.CustomersManage), "agents do not merge, import or export")
		for _, r := range []permission.Role{permission.RoleSupervisor, permission.RoleAgent} {
			require.False(t, r.Grants().Has(permission.ShieldResolve), "only a PBX (an admin's scoped token) resolves calls: %s", r)
			require.False(t, r.Grants().Has(permission.ShieldManage), "only admins change the shield: %s", r)
			require.True(t, r.Grants().Has(permission.ShieldDial), "%s may ask for a dial code", r)
		}
		for _, p := range []permission.Permission{permission.UsersRead, permission.UsersWrite} {
			require.False(t, permission.RolePlatformAdmin.Grants().Has(p), "the platform admin has no tenant users: %s", p)
		}
	})

	t.Run("GrantsAreCopies", func(t *testing.T) {
		t.Parallel()

		g := permission.RoleAgent.Grants()
		g[permission.UsersWrite] = struct{}{}
		require.False(t, permission.RoleAgent.Grants().Has(permission.UsersWrite), "mutating a returned set must not change the role")
	})
}

func TestRole(t *testing.T) {
	t.Parallel()

	tests := []struct {
		role       permission.Role
		valid      bool
		tenantRole bool
	}{
		{permission.RoleAdmin, true, true},
		{permission.RoleSupervisor, true, true},
		{permission.RoleAgent, true, true},
		{permission.RolePlatformAdmin, true, false},
		{"root", false, false},
		{"", false, false},
		{"Admin", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			t.Parallel()

			require.Equal(t, tt.valid, len(tt.role.Grants()) > 0)
			require.Equal(t, tt.tenantRole, tt.role.TenantRole())
			if !tt.valid {
				require.Empty(t, tt.role.Grants())
			}
		})
	}
	require.Equal(t, []permission.Role{permission.RoleAdmin, permission.RoleSupervisor, permission.RoleAgent},
		permission.TenantRoles, "most privileged first")
}

func TestKnownAndAll(t *testing.T) {
	t.Parallel()

	all := permission.All()
	require.ElementsMatch(t, every, all, "every permission is granted by some role")
	require.True(t, slices.IsSorted(all))
	for _, p := range every {
		require.True(t, permission.Known(p), "%s", p)
	}
	for _, p := range []permission.Permission{"", "users", "users.delete", "USERS.READ", "tenants.manage "} {
		require.False(t, permission.Known(p), "%q", p)
	}
}

func TestSet(t *testing.T) {
	t.Parallel()

	t.Run("NewSetAndHas", func(t *testing.T) {
		t.Parallel()

		s := permission.NewSet(permission.UsersRead, permission.UsersRead, permission.AuditRead)
		require.Len(t, s, 2, "duplicates collapse")
		require.True(t, s.Has(permission.UsersRead))
		require.False(t, s.Has(permission.UsersWrite))
		require.Empty(t, permission.NewSet())
		require.False(t, permission.Set(nil).Has(permission.UsersRead), "a nil set holds nothing")
	})

	t.Run("Intersect", func(t *testing.T) {
		t.Parallel()

		admin := permission.RoleAdmin.Grants()
		scopes := permission.NewSet(permission.UsersRead, permission.TenantsManage, "bogus")
		got := admin.Intersect(scopes)
		require.Equal(t, permission.NewSet(permission.UsersRead), got, "a token never exceeds its creator's role")
		require.Equal(t, got, scopes.Intersect(admin), "intersection is symmetric")
		require.Empty(t, admin.Intersect(permission.NewSet()))
		require.Empty(t, admin.Intersect(nil))
		require.Equal(t, admin, admin.Intersect(admin))
		require.Len(t, admin, len(permission.RoleAdmin.Grants()), "the receiver is not modified")
	})

	t.Run("Sorted", func(t *testing.T) {
		t.Parallel()

		s := permission.NewSet(permission.UsersWrite, permission.AuditRead, permission.TeamsRead, permission.SkillsRead)
		require.Equal(t, []permission.Permission{
			permission.AuditRead, permission.SkillsRead, permission.TeamsRead, permission.UsersWrite,
		}, s.Sorted())
		require.NotNil(t, permission.NewSet().Sorted(), "empty, not nil: it is encoded as [] in JSON")
		require.Empty(t, permission.NewSet().Sorted())
	})
}

func TestPrincipalCan(t *testing.T) {
	t.Parallel()

	p := &permission.Principal{UserID: "u1", TenantID: "t1", Role: permission.RoleAdmin,
		Perms: permission.RoleAdmin.Grants().Intersect(permission.NewSet(permission.UsersRead))}
	require.True(t, p.Can(permission.UsersRead))
	require.False(t, p.Can(permission.UsersWrite), "Perms, narrowed by token scopes, decide; not the role")
}
