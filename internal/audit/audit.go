// Package audit is Switchboard's append-only audit log: who did what to which
// object, from where and when. Entries are written in the same transaction as
// the change they describe and are never updated or deleted by the product.
package audit

import (
	"context"
	"time"
)

// Entry is one audit record.
type Entry struct {
	ID         string         `json:"id"`
	TenantID   string         `json:"tenant_id,omitempty"`
	ActorID    string         `json:"actor_id,omitempty"` // empty for system actions; the account itself for its failed logins
	Action     string         `json:"action"`             // e.g. user.created; see the Action constants
	TargetType string         `json:"target_type,omitempty"`
	TargetID   string         `json:"target_id,omitempty"`
	IP         string         `json:"ip,omitempty"`
	Details    map[string]any `json:"details,omitempty"`
	At         time.Time      `json:"at"`
}

// Actions recorded by the foundation.
const (
	ActionLogin           = "auth.login"
	ActionLoginFailed     = "auth.login_failed"
	ActionLogout          = "auth.logout"
	ActionInviteAccepted  = "auth.invite_accepted"
	ActionPasswordChanged = "auth.password_changed"
	ActionTokenCreated    = "token.created"
	ActionTokenRevoked    = "token.revoked"
	ActionTenantCreated   = "tenant.created"
	ActionTenantUpdated   = "tenant.updated"
	ActionUserCreated     = "user.created"
	ActionUserInvited     = "user.invited"
	ActionUserUpdated     = "user.updated"
	ActionUserDeleted     = "user.deleted"
	ActionTeamCreated     = "team.created"
	ActionTeamUpdated     = "team.updated"
	ActionTeamDeleted     = "team.deleted"
	ActionSkillCreated    = "skill.created"
	ActionSkillUpdated    = "skill.updated"
	ActionSkillDeleted    = "skill.deleted"
)

// Store appends and lists entries. Every call is scoped to one tenant; the
// empty tenant ID addresses platform-level entries.
type Store interface {
	Append(ctx context.Context, e *Entry) error
	List(ctx context.Context, p *ListParams) ([]*Entry, error)
}

// ListParams filters a page of entries, newest first.
type ListParams struct {
	TenantID string
	Action   string // exact action, or a prefix ending in "." such as "user."
	ActorID  string
	TargetID string
	Before   string // entry ID cursor: only entries older than this
	Limit    int
}
