// Package channel is the contract between the conversation core and the
// channels customers write on (web chat now; SMS, email, WeChat and voice
// next). A channel brings customers' messages in through a Receiver and
// takes agents' messages out through its Adapter, which the Router calls at
// least once per message. channeltest is the conformance suite every channel
// passes.
package channel

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/inbox"
)

// Inbound is a customer's message as a channel received it.
type Inbound struct {
	TenantID string
	InboxID  string
	// Channel is the inbox's channel, recorded on the customer's timeline.
	Channel inbox.Channel
	// From is how the channel knows the customer (a phone number, an email
	// address, an OpenID …).
	From customer.Identity
	// ExternalID is the channel's own ID of the message. A repeated one is
	// stored once, so a provider's retried webhook never duplicates.
	ExternalID string
	Text       string
	// Profile fills the customer's name, email and phone where known.
	Profile customer.Customer
	At      time.Time
}

// Received is the outcome of Receive.
type Received struct {
	ConversationID string
	Message        *conversation.Message
	Duplicate      bool
}

// Receiver takes inbound messages into conversations. The conversation core
// implements it (Ingest); channels call it.
type Receiver interface {
	Receive(ctx context.Context, in *Inbound) (*Received, error)
}

// Outbound is an agent's (or bot's) message for the customer.
type Outbound struct {
	TenantID       string
	Inbox          *inbox.Inbox
	ConversationID string
	CustomerID     string
	Message        *conversation.Message
}

// Receipt is what a channel reports about a delivery.
type Receipt struct {
	// ProviderID is the channel's ID of the sent message, if any.
	ProviderID string
	// Status is delivered, sent (handed to the provider) or realtime (the
	// customer's open sockets already received it).
	Status string
}

// Adapter takes agents' messages out to customers on one channel.
type Adapter interface {
	// Channel names the inbox channel the adapter serves.
	Channel() inbox.Channel
	// Deliver sends a message to its customer. The Router calls it at least
	// once per message, so it must be idempotent on Message.ID.
	Deliver(ctx context.Context, out *Outbound) (Receipt, error)
}
