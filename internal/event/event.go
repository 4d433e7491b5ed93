// Package event defines domain events and the outbox they are written to.
//
// A service that changes state appends its events to the outbox in the same
// database transaction as the change (see ADR 0004); the outbox relay then
// publishes them to the bus on subject sb.<domain>.<event>. So an event is
// published if and only if its change committed.
package event

import (
	"context"
	"time"
)

// Event is one fact about a committed change.
type Event struct {
	// ID is unique per event; subscribers use it to drop duplicates.
	ID string `json:"id"`
	// Subject is sb.<domain>.<event> in the past tense, e.g. sb.user.created.
	Subject string `json:"subject"`
	// TenantID scopes the event; empty for platform events.
	TenantID string `json:"tenant_id,omitempty"`
	// At is when the change happened.
	At time.Time `json:"at"`
	// Data is the event body, a small JSON-marshalable struct. Carry IDs and
	// changed field names, not personal data.
	Data any `json:"data,omitempty"`
}

// Outbox appends events inside the current transaction.
type Outbox interface {
	Append(ctx context.Context, events ...Event) error
}

// Pending is an outbox row waiting to be published.
type Pending struct {
	Seq     int64
	ID      string
	Subject string
	Payload []byte // the JSON-encoded Event
}

// Subjects used by the foundation. Each domain adds its own.
const (
	TenantCreated = "sb.tenant.created"
	TenantUpdated = "sb.tenant.updated"
	UserCreated   = "sb.user.created"
	UserUpdated   = "sb.user.updated"
	UserDeleted   = "sb.user.deleted"
	TeamCreated   = "sb.team.created"
	TeamUpdated   = "sb.team.updated"
	TeamDeleted   = "sb.team.deleted"
	SkillCreated  = "sb.skill.created"
	SkillUpdated  = "sb.skill.updated"
	SkillDeleted  = "sb.skill.deleted"
	// CredentialsRevoked: some of a user's sessions or tokens ended (a
	// logout, a revoked token, a password change). Change.ID is the user.
	CredentialsRevoked = "sb.credentials.revoked"
)

// Change is the common body of created/updated/deleted events.
type Change struct {
	ID     string   `json:"id"`
	Fields []string `json:"fields,omitempty"` // changed fields on update
}
