// Package conversation is the omnichannel core: conversations between a
// customer and a tenant's agents, and their messages. Every message of a
// conversation gets the next sequence number (1, 2, 3 … without gaps,
// system messages included); a message is acknowledged only once it is
// durably stored; a repeated client ID returns the original message instead
// of storing a second one.
package conversation

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Status is a conversation's state.
type Status string

// The states.
const (
	StatusOpen     Status = "open"
	StatusPending  Status = "pending"
	StatusResolved Status = "resolved"
	StatusSnoozed  Status = "snoozed"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusOpen || s == StatusPending || s == StatusResolved || s == StatusSnoozed
}

// SenderType tells who wrote a message.
type SenderType string

// The sender types.
const (
	SenderVisitor SenderType = "visitor"
	SenderAgent   SenderType = "agent"
	SenderSystem  SenderType = "system"
	SenderBot     SenderType = "bot"
)

// Conversation is a thread between a customer and the tenant on one inbox.
type Conversation struct {
	ID             string     `json:"id"`
	TenantID       string     `json:"tenant_id"`
	InboxID        string     `json:"inbox_id"`
	CustomerID     string     `json:"customer_id"`
	ContactID      string     `json:"contact_id"`
	Status         Status     `json:"status"`
	AssigneeID     string     `json:"assignee_id,omitempty"`
	TeamID         string     `json:"team_id,omitempty"`
	LastSeq        int64      `json:"last_seq"`
	LastMessageAt  *time.Time `json:"last_message_at,omitempty"`
	SnoozedUntil   *time.Time `json:"snoozed_until,omitempty"`
	VisitorReadSeq int64      `json:"visitor_read_seq"`
	AgentReadSeq   int64      `json:"agent_read_seq"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Message is one entry of a conversation.
type Message struct {
	ID             string          `json:"id"`
	TenantID       string          `json:"-"`
	ConversationID string          `json:"conversation_id"`
	Seq            int64           `json:"seq"`
	SenderType     SenderType      `json:"sender_type"`
	SenderID       string          `json:"sender_id,omitempty"`
	SenderName     string          `json:"sender_name,omitempty"`
	Text           string          `json:"text"`
	Private        bool            `json:"private"`
	ClientID       string          `json:"client_id,omitempty"`
	Event          *SystemEvent    `json:"event,omitempty"`
	Attachments    []AttachmentRef `json:"attachments"`
	CreatedAt      time.Time       `json:"created_at"`
}

// SystemEvent describes what a system message records.
type SystemEvent struct {
	Kind    string `json:"kind"` // status_changed, assigned
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
	ActorID string `json:"actor_id,omitempty"`
	// Reason says why the system made the change (ReasonAutoResolved),
	// so the history can show it.
	Reason string `json:"reason,omitempty"`
	// QueueID is the queue an assignment transferred the conversation to,
	// so the history can say where it went.
	QueueID string `json:"queue_id,omitempty"`
}

// AttachmentRef is the part of an attachment a message shows.
type AttachmentRef struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Store persists conversations and messages. Every call is confined to one
// tenant except DueSnoozed and DueAutoResolve, which background components
// run for all tenants.
type Store interface {
	Create(ctx context.Context, c *Conversation) error
	Get(ctx context.Context, tenantID, id string) (*Conversation, error)
	List(ctx context.Context, p *ListParams) ([]*Conversation, error)
	// FindActive returns the customer's latest conversation in the inbox
	// that is not resolved.
	FindActive(ctx context.Context, tenantID, inboxID, customerID string) (*Conversation, error)
	// MessageByClientID returns the message a client ID already produced.
	MessageByClientID(ctx context.Context, tenantID, conversationID, clientID string) (*Message, error)
	// Append numbers m with the conversation's next sequence number,
	// stores it, and applies the status change in p. It returns the
	// conversation as it is after the append.
	Append(ctx context.Context, p *AppendParams) (*Conversation, error)
	Messages(ctx context.Context, p *MessagesParams) ([]*Message, error)
	SetStatus(ctx context.Context, p *SetStatusParams) error
	// SetAssignment sets assignee and team (empty clears). ErrUnknownUser,
	// ErrUnknownTeam when they are not the tenant's.
	SetAssignment(ctx context.Context, p *SetAssignmentParams) error
	// MarkRead moves a read position forward and reports whether it moved
	// (not when seq is behind it or past the last message).
	MarkRead(ctx context.Context, p *MarkReadParams) (bool, error)
	DueSnoozed(ctx context.Context, now time.Time, limit int) ([]*Conversation, error)
	// DueAutoResolve lists, across active tenants with auto-resolve on,
	// open and pending conversations whose last message is at least the
	// tenant's auto_resolve_after_hours older than now, oldest first.
	DueAutoResolve(ctx context.Context, now time.Time, limit int) ([]*Conversation, error)
	// VisibleInboxes lists the inboxes a user serves (for agents' views).
	VisibleInboxes(ctx context.Context, tenantID, userID string) ([]string, error)
}

// ListParams selects conversations, most recent activity first. Only
// conversations with at least one message are listed.
type ListParams struct {
	TenantID string
	Status   Status
	InboxID  string
	TeamID   string
	// Assignee filters by assignee ID; Unassigned lists those without one.
	Assignee   string
	Unassigned bool
	// VisibleTo, when set, restricts to what an agent may see: assigned to
	// them, or unassigned in an inbox they serve.
	VisibleTo  string
	CustomerID string
	// Cursor: the activity time and ID of the last conversation of the
	// previous page.
	BeforeAt int64
	BeforeID string
	Limit    int
}

// AppendParams are one message to append.
type AppendParams struct {
	Message *Message
	// SetStatus, when not empty, changes the conversation's status in the
	// same statement (and clears any snooze).
	SetStatus Status
	// IfActive appends only to an open or pending conversation: otherwise
	// Append changes nothing and returns ErrInactive.
	IfActive bool
	// AttachmentIDs are files the sender uploaded to this conversation;
	// Append binds each to the message (once) and fills
	// Message.Attachments. ErrUnknownAttachment otherwise.
	AttachmentIDs []string
}

// MessagesParams select messages in seq order: after AfterSeq, or the last
// Limit before BeforeSeq.
type MessagesParams struct {
	TenantID       string
	ConversationID string
	AfterSeq       int64
	BeforeSeq      int64
	IncludePrivate bool
	Limit          int
}

// SetStatusParams change a status.
type SetStatusParams struct {
	TenantID, ID string
	Status       Status
	SnoozedUntil *time.Time
	At           time.Time
	// From, when set, makes the change conditional on the current status
	// (ErrStatusChanged otherwise), so concurrent nodes change it once.
	From Status
	// IfLastSeq, when set, makes it conditional on no message having been
	// appended since (ErrStatusChanged otherwise).
	IfLastSeq int64
}

// SetAssignmentParams change an assignment.
type SetAssignmentParams struct {
	TenantID, ID       string
	AssigneeID, TeamID string
	At                 time.Time
}

// Reader tells whose read position MarkRead moves.
type Reader string

// The readers.
const (
	ReaderVisitor Reader = "visitor"
	ReaderAgent   Reader = "agent"
)

// MarkReadParams move a read position forward (never back).
type MarkReadParams struct {
	TenantID, ID string
	Reader       Reader
	Seq          int64
}

// Tx is the transactional view the service writes through.
type Tx interface {
	audit.Recorder
	Conversations() Store
	Customers() customer.Store
}

// Errors.
var (
	ErrNotFound      = errcode.New(errcode.NotFound, "conversation not found")
	ErrUnknownUser   = errcode.New(errcode.UnknownUser, "the assignee is not a user of this tenant")
	ErrUnknownTeam   = errcode.New(errcode.UnknownTeam, "the team does not exist")
	ErrEmpty         = errcode.New(errcode.ValidationFailed, "a message needs text or an attachment")
	ErrClientID      = errcode.New(errcode.ValidationFailed, "client_id must be 8 to 64 characters")
	ErrSnoozeUntil   = errcode.New(errcode.ValidationFailed, "snoozed needs a future until")
	ErrPrivateByUser = errcode.New(errcode.Forbidden, "only agents can write private notes")
	ErrStatusChanged = errcode.New(errcode.Conflict, "the conversation's status changed meanwhile")
	ErrAttachment    = errcode.New(errcode.UnknownAttachment, "an attachment was not uploaded to this conversation by you, or was sent already")
	// ErrDuplicateClientID is Append's report that the client ID already
	// produced a message; Send then returns that message.
	ErrDuplicateClientID = errcode.New(errcode.Conflict, "the client_id was used before in this conversation")
	// ErrInactive is Append's report, with IfActive, that the conversation
	// is resolved or snoozed (or absent); Send then reopens it.
	ErrInactive = errcode.New(errcode.Conflict, "the conversation is resolved or snoozed")
)

// Errors of a transfer to a queue.
var (
	// ErrQueueWithAssignee refuses a transfer to a queue that also names
	// an assignee: the queue's routing picks the agent.
	ErrQueueWithAssignee = errcode.New(errcode.ValidationFailed, "queue_id cannot be combined with an assignee").
				WithDetails(errcode.Detail{Field: "queue_id", Message: "cannot be combined with assignee_id"})
	// ErrNotRoutable refuses a transfer to a queue of a resolved or snoozed
	// conversation: only open and pending conversations are routed.
	ErrNotRoutable = errcode.New(errcode.Conflict, "only an open or pending conversation can be transferred to a queue")
)
