// Package cannedreply manages canned replies: saved answers that agents find
// by a short shortcut and insert into the composer. A reply belongs to the
// whole tenant or to one team, whose members alone see it; its body may use
// placeholders such as {{customer.name}} that the web app fills in when an
// agent inserts it.
package cannedreply

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Reply is one saved answer.
type Reply struct {
	ID       string `json:"id"`
	TenantID string `json:"tenant_id"`
	// Shortcut is what agents type to find the reply, unique in the tenant.
	Shortcut string `json:"shortcut"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	// TeamID limits the reply to the team's members; "" is the whole tenant.
	TeamID string `json:"team_id"`
	// CreatedBy is the user who created the reply.
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Store persists canned replies; every call is confined to one tenant.
type Store interface {
	// Create inserts r. ErrShortcutTaken, ErrUnknownTeam.
	Create(ctx context.Context, r *Reply) error
	Get(ctx context.Context, tenantID, id string) (*Reply, error)
	List(ctx context.Context, p *ListParams) ([]*Reply, error)
	// Update writes shortcut, title, body, team and updated_at.
	// ErrShortcutTaken, ErrUnknownTeam.
	Update(ctx context.Context, r *Reply) error
	Delete(ctx context.Context, tenantID, id string) error
	// MemberTeams lists the teams a user of the tenant belongs to.
	MemberTeams(ctx context.Context, tenantID, userID string) ([]string, error)
}

// ListParams selects a page of replies in shortcut order.
type ListParams struct {
	TenantID string
	// VisibleTo, when set, keeps the tenant-wide replies and those of the
	// teams this user belongs to.
	VisibleTo string
	// Query, when set, matches a shortcut prefix or a case-insensitive
	// substring of the title or body.
	Query string
	// After is the shortcut of the previous page's last reply.
	After string
	Limit int
}

// Tx is the transactional view the service writes through.
type Tx interface {
	audit.Recorder
	CannedReplies() Store
}

// Audit actions and events.
const (
	ActionCreated = "canned_reply.created"
	ActionUpdated = "canned_reply.updated"
	ActionDeleted = "canned_reply.deleted"

	EventCreated = "sb.canned_reply.created"
	EventUpdated = "sb.canned_reply.updated"
	EventDeleted = "sb.canned_reply.deleted"
)

// Errors.
var (
	ErrNotFound      = errcode.New(errcode.NotFound, "canned reply not found")
	ErrShortcutTaken = errcode.New(errcode.ShortcutTaken, "another canned reply already uses this shortcut")
	ErrUnknownTeam   = errcode.New(errcode.UnknownTeam, "the team in team_id does not exist")
)
