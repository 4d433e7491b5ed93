package httpapi

import (
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/shield"
)

// Access levels besides named permissions.
const (
	public        permission.Permission = ""  // no credentials
	authenticated permission.Permission = "*" // any signed-in caller
)

// routes is every /api/v1 route with the permission it needs. Each one must
// also be described in api/openapi.yaml (New fails otherwise, and
// e2e.TestSpecMatchesRoutes checks the reverse), is refused to roles without
// the permission (e2e.TestRoutePermissions) and is proven tenant-isolated
// (e2e.TestTenantIsolation).
func (h *Handler) routes() []route {
	return []route{
		{"POST /api/v1/auth/login", public, h.login},
		{"POST /api/v1/auth/logout", authenticated, h.logout},
		{"POST /api/v1/auth/accept-invite", public, h.acceptInvite},
		{"GET /api/v1/me", authenticated, h.me},
		{"POST /api/v1/me/password", authenticated, h.changePassword},

		{"POST /api/v1/tenants", permission.TenantsManage, h.createTenant},
		{"GET /api/v1/tenants", permission.TenantsManage, h.listTenants},
		{"GET /api/v1/tenants/{id}", permission.TenantsManage, h.getTenant},
		{"PATCH /api/v1/tenants/{id}", permission.TenantsManage, h.updateTenant},
		{"GET /api/v1/settings", authenticated, h.getSettings},
		{"PATCH /api/v1/settings", permission.SettingsWrite, h.updateSettings},

		{"POST /api/v1/users", permission.UsersWrite, h.createUser},
		{"GET /api/v1/users", permission.UsersRead, h.listUsers},
		{"GET /api/v1/users/{id}", permission.UsersRead, h.getUser},
		{"PATCH /api/v1/users/{id}", permission.UsersWrite, h.updateUser},
		{"DELETE /api/v1/users/{id}", permission.UsersWrite, h.deleteUser},
		{"POST /api/v1/users/{id}/invite", permission.UsersWrite, h.reinviteUser},

		{"POST /api/v1/teams", permission.TeamsWrite, h.createTeam},
		{"GET /api/v1/teams", permission.TeamsRead, h.listTeams},
		{"GET /api/v1/teams/{id}", permission.TeamsRead, h.getTeam},
		{"PATCH /api/v1/teams/{id}", permission.TeamsWrite, h.updateTeam},
		{"DELETE /api/v1/teams/{id}", permission.TeamsWrite, h.deleteTeam},

		{"POST /api/v1/skills", permission.SkillsWrite, h.createSkill},
		{"GET /api/v1/skills", permission.SkillsRead, h.listSkills},
		{"GET /api/v1/skills/{id}", permission.SkillsRead, h.getSkill},
		{"PATCH /api/v1/skills/{id}", permission.SkillsWrite, h.updateSkill},
		{"DELETE /api/v1/skills/{id}", permission.SkillsWrite, h.deleteSkill},

		{"POST /api/v1/canned-replies", permission.CannedRepliesWrite, h.createCannedReply},
		{"GET /api/v1/canned-replies", permission.CannedRepliesRead, h.listCannedReplies},
		{"GET /api/v1/canned-replies/{id}", permission.CannedRepliesRead, h.getCannedReply},
		{"PATCH /api/v1/canned-replies/{id}", permission.CannedRepliesWrite, h.updateCannedReply},
		{"DELETE /api/v1/canned-replies/{id}", permission.CannedRepliesWrite, h.deleteCannedReply},

		{"POST /api/v1/tokens", permission.TokensManage, h.createToken},
		{"GET /api/v1/tokens", permission.TokensManage, h.listTokens},
		{"DELETE /api/v1/tokens/{id}", permission.TokensManage, h.revokeToken},

		{"GET /api/v1/audit", permission.AuditRead, h.listAudit},

		{"POST /api/v1/inboxes", permission.InboxesWrite, h.createInbox},
		{"GET /api/v1/inboxes", permission.InboxesRead, h.listInboxes},
		{"GET /api/v1/inboxes/{id}", permission.InboxesRead, h.getInbox},
		{"PATCH /api/v1/inboxes/{id}", permission.InboxesWrite, h.updateInbox},
		{"DELETE /api/v1/inboxes/{id}", permission.InboxesWrite, h.deleteInbox},

		{"GET /api/v1/conversations", permission.ConversationsRead, h.listConversations},
		{"GET /api/v1/conversations/{id}", permission.ConversationsRead, h.getConversation},
		{"GET /api/v1/conversations/{id}/messages", permission.ConversationsRead, h.listMessages},
		{"POST /api/v1/conversations/{id}/messages", permission.ConversationsWrite, h.sendMessage},
		{"POST /api/v1/conversations/{id}/status", permission.ConversationsWrite, h.setConversationStatus},
		{"POST /api/v1/conversations/{id}/assignment", permission.ConversationsWrite, h.assignConversation},

		{"GET /api/v1/customers", permission.CustomersRead, h.listCustomers},
		{"POST /api/v1/customers", permission.CustomersWrite, h.createCustomer},
		{"GET /api/v1/customers/export", permission.CustomersManage, h.exportCustomers},
		{"POST /api/v1/customers/import", permission.CustomersManage, h.importCustomers},
		{"POST /api/v1/customers/merge", permission.CustomersManage, h.mergeCustomers},
		{"GET /api/v1/customers/{id}", permission.CustomersRead, h.getCustomer},
		{"PATCH /api/v1/customers/{id}", permission.CustomersWrite, h.updateCustomer},
		{"POST /api/v1/customers/{id}/reveal", permission.PIIReveal, h.revealCustomer},
		{"GET /api/v1/customers/{id}/timeline", permission.CustomersRead, h.customerTimeline},
		{"GET /api/v1/customer-tiers", permission.CustomersRead, h.listCustomerTiers},
		{"POST /api/v1/customer-tiers", permission.CustomersManage, h.createCustomerTier},
		{"PATCH /api/v1/customer-tiers/{name}", permission.CustomersManage, h.updateCustomerTier},
		{"DELETE /api/v1/customer-tiers/{name}", permission.CustomersManage, h.deleteCustomerTier},

		{"POST /api/v1/conversations/{id}/attachments", permission.ConversationsWrite, h.uploadAgentAttachment},
		{"GET /api/v1/attachments/{id}", permission.ConversationsRead, h.getAgentAttachment},

		{"POST /api/v1/queues", permission.QueuesWrite, h.createQueue},
		{"GET /api/v1/queues", permission.QueuesRead, h.listQueues},
		{"GET /api/v1/queues/stats", permission.RoutingMonitor, h.allQueueStats},
		{"GET /api/v1/queues/stats/hourly", permission.RoutingMonitor, h.hourlyStats},
		{"GET /api/v1/queues/{id}", permission.QueuesRead, h.getQueue},
		{"PATCH /api/v1/queues/{id}", permission.QueuesWrite, h.updateQueue},
		{"DELETE /api/v1/queues/{id}", permission.QueuesWrite, h.deleteQueue},
		{"GET /api/v1/queues/{id}/stats", permission.RoutingMonitor, h.queueStats},
		{"GET /api/v1/routing/rules", permission.QueuesRead, h.listRules},
		{"PUT /api/v1/routing/rules", permission.QueuesWrite, h.replaceRules},
		{"GET /api/v1/routing/settings", permission.QueuesRead, h.routingSettings},
		{"PUT /api/v1/routing/settings", permission.QueuesWrite, h.setRoutingSettings},
		{"GET /api/v1/away-reasons", permission.WorkTake, h.listAwayReasons},
		{"POST /api/v1/away-reasons", permission.QueuesWrite, h.createAwayReason},
		{"DELETE /api/v1/away-reasons/{id}", permission.QueuesWrite, h.deleteAwayReason},
		{"GET /api/v1/agents", permission.RoutingMonitor, h.listAgents},
		{"PUT /api/v1/agents/{id}/presence", permission.WorkTake, h.setPresence},
		{"GET /api/v1/agents/{id}/state", permission.WorkTake, h.agentState},
		{"POST /api/v1/offers/{id}/accept", permission.WorkTake, h.acceptOffer},
		{"POST /api/v1/offers/{id}/decline", permission.WorkTake, h.declineOffer},

		{"GET /api/v1/shield/numbers", permission.ShieldManage, h.listShieldNumbers},
		{"POST /api/v1/shield/numbers", permission.ShieldManage, h.createShieldNumber},
		{"DELETE /api/v1/shield/numbers/{id}", permission.ShieldManage, h.deleteShieldNumber},
		{"GET /api/v1/shield/rules", permission.ShieldManage, h.listShieldRules},
		{"POST /api/v1/shield/rules", permission.ShieldManage, h.createShieldRule},
		{"POST /api/v1/shield/rules/test", permission.ShieldManage, h.testShieldRules},
		{"PATCH /api/v1/shield/rules/{id}", permission.ShieldManage, h.updateShieldRule},
		{"DELETE /api/v1/shield/rules/{id}", permission.ShieldManage, h.deleteShieldRule},
		{"GET /api/v1/shield/lists/block", permission.ShieldManage, h.listEntries(shield.ListBlock)},
		{"POST /api/v1/shield/lists/block", permission.ShieldManage, h.addEntry(shield.ListBlock)},
		{"DELETE /api/v1/shield/lists/block/{id}", permission.ShieldManage, h.deleteEntry(shield.ListBlock)},
		{"GET /api/v1/shield/lists/allow", permission.ShieldManage, h.listEntries(shield.ListAllow)},
		{"POST /api/v1/shield/lists/allow", permission.ShieldManage, h.addEntry(shield.ListAllow)},
		{"DELETE /api/v1/shield/lists/allow/{id}", permission.ShieldManage, h.deleteEntry(shield.ListAllow)},
		{"GET /api/v1/shield/bindings", permission.ShieldManage, h.listBindings},
		{"POST /api/v1/shield/bindings", permission.ShieldManage, h.createBinding},
		{"POST /api/v1/shield/bindings/qr", permission.ShieldManage, h.createQRBinding},
		{"GET /api/v1/shield/bindings/{id}", permission.ShieldManage, h.getBinding},
		{"PATCH /api/v1/shield/bindings/{id}", permission.ShieldManage, h.updateBinding},
		{"DELETE /api/v1/shield/bindings/{id}", permission.ShieldManage, h.deleteBinding},
		{"GET /api/v1/shield/bindings/{id}/qr", permission.ShieldManage, h.bindingQR},
		{"POST /api/v1/shield/bindings/{id}/events", permission.ShieldResolve, h.reportBindingCall},
		{"POST /api/v1/shield/dial-codes", permission.ShieldDial, h.issueDialCode},
		{"POST /api/v1/shield/resolve", permission.ShieldResolve, h.resolveCall},
		{"GET /api/v1/shield/decisions", permission.ShieldManage, h.listShieldDecisions},
		{"GET /api/v1/shield/settings", permission.ShieldManage, h.shieldSettings},
		{"PUT /api/v1/shield/settings", permission.ShieldManage, h.updateShieldSettings},

		{"POST /api/v1/widget/{key}/sessions", public, h.widgetSession},
		{"POST /api/v1/widget/{key}/attachments", public, h.uploadWidgetAttachment},
		{"GET /api/v1/widget/{key}/attachments/{id}", public, h.getWidgetAttachment},
	}
}

// sockets are the WebSocket endpoints: authenticated like API routes, but
// outside /api/v1 and the OpenAPI document (docs/protocol/webchat.md).
func (h *Handler) sockets() []route {
	return []route{
		{"GET /ws/agent", permission.ConversationsRead, h.agentSocket},
		{"GET /ws/visitor", public, h.visitorSocket},
	}
}
