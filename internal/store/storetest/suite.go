package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/tenant"
	"github.com/switchboardhq/switchboard/internal/user"
)

// Run exercises every store against a fresh database from open. Each
// subtest gets its own database, so subtests run in parallel.
func Run(t *testing.T, open func(t testing.TB) store.Engine) {
	t.Helper()
	run := func(name string, fn func(t *testing.T, b *Bundle)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, NewBundle(t, open(t)))
		})
	}
	run("Tenants", testTenants)
	run("TenantSettings", testTenantSettings)
	run("UsersCreateGet", testUsersCreateGet)
	run("UsersEmailUnique", testUsersEmailUnique)
	run("UsersList", testUsersList)
	run("UsersUpdateLinks", testUsersUpdateLinks)
	run("UsersCrossTenantLinks", testUsersCrossTenantLinks)
	run("UsersDelete", testUsersDelete)
	run("UsersInvites", testUsersInvites)
	run("UsersPlatformAdmin", testUsersPlatformAdmin)
	run("Teams", testTeams)
	run("TeamsIsolation", testTeamsIsolation)
	run("Skills", testSkills)
	run("Tokens", testTokens)
	run("TokensRevoke", testTokensRevoke)
	run("Audit", testAudit)
	run("Outbox", testOutbox)
	run("TxRollback", testTxRollback)
	run("Inboxes", testInboxes)
	run("Customers", testCustomers)
	run("CustomerView", testCustomerView)
	run("CustomerTimeline", testCustomerTimeline)
	run("CustomerRecords", testCustomerRecords)
	run("CustomerIdentities", testCustomerIdentities)
	run("CustomerSearch", testCustomerSearch)
	run("CustomerMerge", testCustomerMerge)
	run("CustomerImportAtomic", testCustomerImportAtomic)
	run("CustomerTiers", testCustomerTiers)
	run("ConversationSequence", testConversationSequence)
	run("ConversationLifecycle", testConversationLifecycle)
	run("ConversationListOrder", testConversationListOrder)
	run("ConversationDueAutoResolve", testConversationDueAutoResolve)
	run("Batcher", testBatcher)
	run("BatcherCancel", testBatcherCancel)
	run("RoutingQueues", testRoutingQueues)
	run("RoutingItems", testRoutingItems)
	run("RoutingSlots", testRoutingSlots)
	run("CannedReplies", testCannedReplies)
	run("CannedRepliesList", testCannedRepliesList)
	run("CannedRepliesIsolation", testCannedRepliesIsolation)
	run("UsersExtension", testUsersExtension)
	run("ShieldConfig", testShieldConfig)
	run("ShieldBindings", testShieldBindings)
	run("ShieldCodes", testShieldCodes)
	run("ShieldDecisions", testShieldDecisions)
}

// Bundle is what a conformance test works with: the stores, a clock and two
// tenants to check isolation between.
type Bundle struct {
	Stores *store.Stores
	Now    time.Time
	A, B   *tenant.Tenant
	ctx    context.Context
}

// NewBundle creates stores over e and two tenants.
func NewBundle(t testing.TB, e store.Engine) *Bundle {
	t.Helper()
	b := &Bundle{Stores: NewStores(t, e), Now: time.UnixMilli(1_800_000_000_000).UTC(), ctx: context.Background()}
	b.A = b.Tenant(t, "Tenant A")
	b.B = b.Tenant(t, "Tenant B")
	return b
}

// Tenant creates a tenant.
func (b *Bundle) Tenant(t testing.TB, name string) *tenant.Tenant {
	t.Helper()
	tn := &tenant.Tenant{ID: NewID(), Name: name, Status: tenant.StatusActive, CreatedAt: b.Now, UpdatedAt: b.Now}
	require.NoError(t, b.Stores.Tenants.Create(b.ctx, tn))
	return tn
}

// UserOpts override fixture defaults.
type UserOpts struct {
	Email   string
	Role    permission.Role
	Status  user.Status
	TeamIDs []string
	Skills  []user.SkillLevel
	// Extension is the user's phone extension.
	Extension string
}

// User creates a user in tenant tn (nil for a platform administrator).
func (b *Bundle) User(t testing.TB, tn *tenant.Tenant, o *UserOpts) *user.User {
	t.Helper()
	if o == nil {
		o = &UserOpts{}
	}
	u := &user.User{ID: NewID(), Email: o.Email, Name: "Fixture User", Role: o.Role, Status: o.Status,
		TeamIDs: o.TeamIDs, Skills: o.Skills, PasswordHash: "$argon2id$fixture", CreatedAt: b.Now, UpdatedAt: b.Now,
		Extension: o.Extension, Level: 1}
	if tn != nil {
		u.TenantID = tn.ID
	}
	if u.Email == "" {
		u.Email = u.ID + "@example.com"
	}
	if u.Role == "" {
		u.Role = permission.RoleAgent
	}
	if u.Status == "" {
		u.Status = user.StatusActive
	}
	if u.TeamIDs == nil {
		u.TeamIDs = []string{}
	}
	if u.Skills == nil {
		u.Skills = []user.SkillLevel{}
	}
	u.Capacity = user.DefaultCapacity()
	require.NoError(t, b.Stores.Users.Create(b.ctx, u))
	return u
}

func testTenants(t *testing.T, b *Bundle) {
	ctx := b.ctx
	got, err := b.Stores.Tenants.Get(ctx, b.A.ID)
	require.NoError(t, err)
	require.Equal(t, b.A, got)

	_, err = b.Stores.Tenants.Get(ctx, NewID())
	require.ErrorIs(t, err, tenant.ErrNotFound)

	got.Name, got.Status, got.UpdatedAt = "Renamed", tenant.StatusSuspended, b.Now.Add(time.Second)
	require.NoError(t, b.Stores.Tenants.Update(ctx, got))
	again, err := b.Stores.Tenants.Get(ctx, b.A.ID)
	require.NoError(t, err)
	require.Equal(t, got, again)

	first, err := b.Stores.Tenants.List(ctx, &tenant.ListParams{Limit: 1})
	require.NoError(t, err)
	require.Len(t, first, 1)
	rest, err := b.Stores.Tenants.List(ctx, &tenant.ListParams{After: first[0].ID, Limit: 10})
	require.NoError(t, err)
	require.Len(t, rest, 1)
	require.NotEqual(t, first[0].ID, rest[0].ID)

	missing := &tenant.Tenant{ID: NewID(), Name: "x", Status: tenant.StatusActive, UpdatedAt: b.Now}
	require.ErrorIs(t, b.Stores.Tenants.Update(ctx, missing), tenant.ErrNotFound)
}
