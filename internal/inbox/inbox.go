// Package inbox manages inboxes: the entry points through which customers
// reach a tenant on one channel (a web chat widget, later an SMS number, an
// email address, a WeChat account). An inbox carries its channel settings,
// its public key and identity secret, and the agents who serve it.
package inbox

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Channel names a kind of inbox.
type Channel string

// The channels. Only webchat is served so far; the others are reserved.
const (
	ChannelWebchat Channel = "webchat"
	ChannelSMS     Channel = "sms"
	ChannelEmail   Channel = "email"
	ChannelWeChat  Channel = "wechat"
	ChannelVoice   Channel = "voice"
	ChannelAPI     Channel = "api"
)

// Inbox is one entry point.
type Inbox struct {
	ID       string   `json:"id"`
	TenantID string   `json:"tenant_id"`
	Channel  Channel  `json:"channel"`
	Name     string   `json:"name"`
	Key      string   `json:"key"` // public: identifies the inbox to the widget
	Settings Settings `json:"settings"`
	// MemberIDs are the users who serve the inbox; agents see its
	// unassigned conversations.
	MemberIDs []string `json:"member_ids"`
	// DefaultQueueID routes the inbox's new work that no queue rule
	// matched; "" leaves it unrouted (agents pick it up themselves).
	DefaultQueueID string    `json:"default_queue_id"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	// IdentitySecret signs visitor identities (HMAC-SHA256); admins only.
	IdentitySecret string `json:"-"`
}

// Settings are the channel options of an inbox.
type Settings struct {
	// Greeting is shown when a visitor opens the widget.
	Greeting string `json:"greeting"`
	// OfflineMessage is shown when no agent is online.
	OfflineMessage string `json:"offline_message"`
	// Prechat asks for the visitor's details before the chat starts.
	Prechat Prechat `json:"prechat"`
	// AllowedOrigins restricts which sites may embed the widget
	// (scheme://host[:port]); empty allows any.
	AllowedOrigins []string `json:"allowed_origins"`
	// IdentityRequired refuses visitors without a valid identity hash.
	IdentityRequired bool `json:"identity_required"`
	// MaxMessageChars limits a message's text. Defaults to 10,000.
	MaxMessageChars int `json:"max_message_chars"`
	// VisitorMessagesPerMinute limits each visitor. Defaults to 60.
	VisitorMessagesPerMinute int `json:"visitor_messages_per_minute"`
}

// Prechat configures the pre-chat form.
type Prechat struct {
	Enabled bool     `json:"enabled"`
	Fields  []string `json:"fields"` // among name, email, phone
}

// Defaults fills unset limits.
func (s *Settings) Defaults() {
	if s.MaxMessageChars <= 0 {
		s.MaxMessageChars = 10000
	}
	if s.VisitorMessagesPerMinute <= 0 {
		s.VisitorMessagesPerMinute = 60
	}
	if s.AllowedOrigins == nil {
		s.AllowedOrigins = []string{}
	}
	if s.Prechat.Fields == nil {
		s.Prechat.Fields = []string{}
	}
}

// Store persists inboxes; every call but GetByKey is confined to a tenant.
type Store interface {
	Create(ctx context.Context, in *Inbox) error // ErrUnknownUser for a bad member
	Get(ctx context.Context, tenantID, id string) (*Inbox, error)
	// GetByKey finds an inbox by its public key, across tenants (the widget
	// knows only the key).
	GetByKey(ctx context.Context, key string) (*Inbox, error)
	List(ctx context.Context, p *ListParams) ([]*Inbox, error)
	Update(ctx context.Context, in *Inbox) error // name, settings, members, updated_at
	Delete(ctx context.Context, tenantID, id string) error
}

// ListParams selects a page of inboxes in creation order.
type ListParams struct {
	TenantID string
	MemberID string // optional: only inboxes this user serves
	After    string
	Limit    int
}

// Tx is the transactional view the service writes through.
type Tx interface {
	audit.Recorder
	Inboxes() Store
}

// Errors.
var (
	ErrNotFound    = errcode.New(errcode.NotFound, "inbox not found")
	ErrUnknownUser = errcode.New(errcode.UnknownUser, "a user in member_ids does not exist")
	ErrInUse       = errcode.New(errcode.Conflict, "the inbox has conversations; it cannot be deleted")
)
