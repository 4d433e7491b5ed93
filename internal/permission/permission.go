// Package permission defines roles, permissions and the authenticated caller
// (Principal). It is pure data and logic: the API route table names the
// permission each route needs and asks a Principal whether it holds it.
package permission

import (
	"slices"
	"sort"
)

// Permission is a named right to perform a class of operations.
type Permission string

// The permissions. Names are part of the API (token scopes list them).
const (
	TenantsManage Permission = "tenants.manage" // platform: create and administer tenants
	UsersRead     Permission = "users.read"
	UsersWrite    Permission = "users.write"
	TeamsRead     Permission = "teams.read"
	TeamsWrite    Permission = "teams.write"
	SkillsRead    Permission = "skills.read"
	SkillsWrite   Permission = "skills.write"
	TokensManage  Permission = "tokens.manage" // create and revoke one's own API tokens
	AuditRead     Permission = "audit.read"

	InboxesRead        Permission = "inboxes.read"
	InboxesWrite       Permission = "inboxes.write"
	ConversationsRead  Permission = "conversations.read"  // the conversations one may see
	ConversationsWrite Permission = "conversations.write" // reply, notes, status, assignment
	// ConversationsReadAll lifts the agent's view (assigned to me, or
	// unassigned in my inboxes) to all of the tenant's conversations.
	ConversationsReadAll Permission = "conversations.read_all"

	QueuesRead  Permission = "queues.read"  // queue names and settings
	QueuesWrite Permission = "queues.write" // queues, queue rules, away reasons, routing settings
	// WorkTake is taking routed work: one's own presence and offers.
	WorkTake Permission = "work.take"
	// RoutingMonitor is the supervisor's view and control: live queue and
	// agent state, anyone's presence, reassigning work.
	RoutingMonitor Permission = "routing.monitor"
	// SettingsWrite is changing one's own tenant's settings: its name,
	// default language and auto-resolve time.
	SettingsWrite Permission = "settings.write"

	// CannedRepliesRead is finding and reading the canned replies one may
	// see: the tenant-wide ones and those of one's teams.
	CannedRepliesRead  Permission = "canned_replies.read"
	CannedRepliesWrite Permission = "canned_replies.write" // create, change and delete all of the tenant's replies

	// CustomersRead is finding and reading the tenant's customers, with
	// phone numbers and email addresses masked (ADR 0019).
	CustomersRead  Permission = "customers.read"
	CustomersWrite Permission = "customers.write" // create customers and change their records
	// CustomersManage is the bulk and structural work: merge, import,
	// export and the tenant's customer tiers.
	CustomersManage Permission = "customers.manage"
	// PIIReveal is seeing a customer's phone numbers and email addresses
	// unmasked, through the audited reveal (and a revealed export), and
	// searching by them.
	PIIReveal Permission = "pii.reveal"

	// ShieldManage is administering the number shield: virtual numbers,
	// rules and their tester, block and allow lists, bindings, settings
	// and the decision record.
	ShieldManage Permission = "shield.manage"
	// ShieldDial is asking for a dial code to call a customer.
	ShieldDial Permission = "shield.dial"
	// ShieldResolve is a PBX asking who may call whom (and reporting a
	// binding's call events); give it to a token scoped to it alone.
	ShieldResolve Permission = "shield.resolve"
)

// Role is a user's role. Tenant users are admin, supervisor or agent; the
// platform administrator belongs to no tenant.
type Role string

// The roles.
const (
	RoleAdmin         Role = "admin"
	RoleSupervisor    Role = "supervisor"
	RoleAgent         Role = "agent"
	RolePlatformAdmin Role = "platform_admin"
)

// TenantRoles are the roles a tenant user may hold, most privileged first.
var TenantRoles = []Role{RoleAdmin, RoleSupervisor, RoleAgent}

// roleGrants is the role → permission table. Keep it on one screen.
var roleGrants = map[Role][]Permission{
	RolePlatformAdmin: {TenantsManage, TokensManage, AuditRead},
	RoleAdmin: {UsersRead, UsersWrite, TeamsRead, TeamsWrite, SkillsRead, SkillsWrite,
		TokensManage, AuditRead, InboxesRead, InboxesWrite, ConversationsRead, ConversationsWrite, ConversationsReadAll,
		QueuesRead, QueuesWrite, WorkTake, RoutingMonitor, CannedRepliesRead, CannedRepliesWrite, SettingsWrite,
		CustomersRead, CustomersWrite, CustomersManage, PIIReveal, ShieldManage, ShieldDial, ShieldResolve},
	RoleSupervisor: {UsersRead, TeamsRead, SkillsRead, TokensManage, InboxesRead,
		ConversationsRead, ConversationsWrite, ConversationsReadAll, QueuesRead, WorkTake, RoutingMonitor,
		CannedRepliesRead, CannedRepliesWrite, CustomersRead, CustomersWrite, CustomersManage, ShieldDial},
	RoleAgent: {UsersRead, TeamsRead, SkillsRead, TokensManage, InboxesRead,
		ConversationsRead, ConversationsWrite, QueuesRead, WorkTake, CannedRepliesRead, CustomersRead, CustomersWrite,
		ShieldDial},
}

// TenantRole reports whether r is a role a tenant user may hold.
func (r Role) TenantRole() bool { return slices.Contains(TenantRoles, r) }

// Grants returns the permissions of role r, sorted.
func (r Role) Grants() Set { return NewSet(roleGrants[r]...) }

// All returns every permission, sorted.
func All() []Permission {
	seen := Set{}
	for _, ps := range roleGrants {
		for _, p := range ps {
			seen[p] = struct{}{}
		}
	}
	return seen.Sorted()
}

// Known reports whether p is a permission some role grants.
func Known(p Permission) bool { return slices.Contains(All(), p) }

// Set is a set of permissions.
type Set map[Permission]struct{}

// NewSet returns a set holding ps.
func NewSet(ps ...Permission) Set {
	s := make(Set, len(ps))
	for _, p := range ps {
		s[p] = struct{}{}
	}
	return s
}

// Has reports whether p is in s.
func (s Set) Has(p Permission) bool { _, ok := s[p]; return ok }

// Intersect returns the permissions in both s and o.
func (s Set) Intersect(o Set) Set {
	out := Set{}
	for p := range s {
		if o.Has(p) {
			out[p] = struct{}{}
		}
	}
	return out
}

// Sorted returns the members of s in lexical order.
func (s Set) Sorted() []Permission {
	out := make([]Permission, 0, len(s))
	for p := range s {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Principal is an authenticated caller: who they are, which tenant they act
// in and what they may do. The API layer builds it from a session or API token.
type Principal struct {
	UserID string
	// Name is the user's display name as of this request, shown as the
	// sender of what they write.
	Name     string
	TenantID string // empty for the platform administrator
	Role     Role
	// Perms are the effective permissions: the role's grants, narrowed by the
	// token's scopes when the caller uses an API token.
	Perms Set
	// TokenID is the session or API token the request authenticated with.
	TokenID string
	// IP is the client address, recorded in the audit log.
	IP string
}

// Can reports whether the principal holds p.
func (p *Principal) Can(perm Permission) bool { return p.Perms.Has(perm) }
