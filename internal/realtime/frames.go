// Package realtime delivers conversation events to WebSocket clients — agents'
// applications and web chat visitors — on every node of a cluster. A Hub
// subscribes to the bus once per node and fans events out to its sockets;
// each socket (Client) delivers a conversation's messages in seq order with
// no gaps, filling any gap from the database, through a bounded queue, so a
// slow client is disconnected instead of slowing others. The wire protocol is
// docs/protocol/webchat.md.
package realtime

import (
	"encoding/json"

	"github.com/switchboardhq/switchboard/internal/conversation"
)

// Frame is any frame a client sends (docs/protocol/webchat.md §4).
type Frame struct {
	Type           string   `json:"type"`
	ClientID       string   `json:"client_id"`
	ConversationID string   `json:"conversation_id"`
	Text           string   `json:"text"`
	AttachmentIDs  []string `json:"attachment_ids"`
	Private        bool     `json:"private"`
	AfterSeq       int64    `json:"after_seq"`
	Seq            int64    `json:"seq"`
	Typing         bool     `json:"typing"`
	OfferID        string   `json:"offer_id"`
}

// Ack is the acknowledgement of a stored message.
func Ack(clientID string, m *conversation.Message) any {
	return ackFrame{Type: "ack", ClientID: clientID, MessageID: m.ID, Seq: m.Seq, ConversationID: m.ConversationID}
}

type ackFrame struct {
	Type           string `json:"type"`
	ClientID       string `json:"client_id"`
	MessageID      string `json:"message_id"`
	Seq            int64  `json:"seq"`
	ConversationID string `json:"conversation_id"`
}

type messageFrame struct {
	Type           string                `json:"type"`
	ConversationID string                `json:"conversation_id"`
	Seq            int64                 `json:"seq"`
	Message        *conversation.Message `json:"message"`
}

type resumedFrame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	LastSeq        int64  `json:"last_seq"`
}

// ErrorFrame is a refusal.
type ErrorFrame struct {
	Type         string `json:"type"`
	ClientID     string `json:"client_id,omitempty"`
	Code         string `json:"code"`
	Message      string `json:"message"`
	RetryAfterMS int64  `json:"retry_after_ms,omitempty"`
}

// Notice is an ephemeral frame relayed between clients through the bus
// (typing, read), never stored.
type Notice struct {
	Type           string `json:"type"` // typing, read
	TenantID       string `json:"tenant_id"`
	ConversationID string `json:"conversation_id"`
	CustomerID     string `json:"customer_id"`
	InboxID        string `json:"inbox_id"`
	AssigneeID     string `json:"assignee_id,omitempty"`
	SenderType     string `json:"sender_type,omitempty"` // typing: who types
	Reader         string `json:"reader,omitempty"`      // read: visitor or agent
	Name           string `json:"name,omitempty"`
	Typing         bool   `json:"typing"`
	Seq            int64  `json:"seq,omitempty"`
	// From is the socket that caused it, so it is not echoed back.
	From string `json:"from,omitempty"`
}

// Ephemeral subjects. They are outside sb.> so the event stream does not
// keep them.
const (
	SubjectTyping = "sbx.typing"
	SubjectRead   = "sbx.read"
)

// conversationFrame tells agents about a conversation change.
type conversationFrame struct {
	Type         string                     `json:"type"`
	Event        string                     `json:"event"`
	Conversation *conversation.Conversation `json:"conversation"`
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // frames are plain structs; failing to encode one is a bug
	}
	return b
}
