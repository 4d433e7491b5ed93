package customer

import (
	"strings"
	"time"
	"unicode"

	"github.com/switchboardhq/switchboard/internal/pii"
)

// Timeline entry kinds: what sort of contact an entry is, whatever the
// channel. Kinds for call decisions and other contacts follow.
const (
	KindChat = "chat"
	KindCall = "call"
)

// ContactKind is the kind of a contact on channel: voice contacts are
// calls, every other channel's are chats.
func ContactKind(channel string) string {
	if channel == "voice" {
		return KindCall
	}
	return KindChat
}

// TimelineEntry is one contact of a customer's timeline with, for a
// contact that has a conversation, that conversation's state.
type TimelineEntry struct {
	ID string `json:"id"`
	// Kind is chat or call (ContactKind).
	Kind           string     `json:"kind"`
	Channel        string     `json:"channel"`
	InboxID        string     `json:"inbox_id"`
	ConversationID string     `json:"conversation_id"`
	StartedAt      time.Time  `json:"started_at"`
	EndedAt        *time.Time `json:"ended_at,omitempty"`
	// Status is the conversation's status (a conversation.Status; this
	// package cannot name the type, conversation imports it).
	Status        string     `json:"status,omitempty"`
	LastMessageAt *time.Time `json:"last_message_at,omitempty"`
	// A call decision of the number shield (kind call, channel voice):
	// dial or reject, the SIP code of a rejection, the reason (never a
	// number) and the agent who called.
	Outcome string `json:"outcome,omitempty"`
	Code    int    `json:"code,omitempty"`
	Reason  string `json:"reason,omitempty"`
	AgentID string `json:"agent_id,omitempty"`
}

// TimelineParams select a page of a customer's timeline, newest first.
type TimelineParams struct {
	TenantID   string
	CustomerID string
	// Cursor: the start time (Unix ms) and ID of the last entry of the
	// previous page.
	BeforeAt int64
	BeforeID string
	Limit    int
}

// maskIfPersonal masks a free-form identifier that is an email address or
// a phone number and returns any other as it is.
func maskIfPersonal(v string) string {
	if strings.Contains(v, "@") {
		return pii.MaskEmail(v)
	}
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' || r == '-' || r == '(' || r == ')' || r == '.' || unicode.IsSpace(r):
		default:
			return v // letters or other signs: an ordinary user ID
		}
	}
	if digits >= 7 {
		return pii.MaskPhone(v)
	}
	return v
}
