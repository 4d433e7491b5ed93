package channel

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Ingest is the Receiver: it finds (or creates) the customer behind an
// inbound identity, continues their open conversation in the inbox (or opens
// one) and stores the message with the external ID as its client ID.
type Ingest struct {
	Write         func(ctx context.Context, fn func(conversation.Tx) error) error
	Conversations *conversation.Service
	Now           func() time.Time
	NewID         func() string
}

var _ Receiver = (*Ingest)(nil)

// Receive implements Receiver.
func (g *Ingest) Receive(ctx context.Context, in *Inbound) (*Received, error) {
	if in.ExternalID == "" || in.From.Value == "" {
		return nil, errcode.New(errcode.ValidationFailed, "an inbound message needs a sender identity and an external ID")
	}
	var conv string
	err := g.Write(ctx, func(tx conversation.Tx) error {
		cu, err := tx.Customers().FindByIdentity(ctx, in.TenantID, in.From)
		if errors.Is(err, customer.ErrNotFound) {
			now := g.Now()
			p := in.Profile
			cu = &customer.Customer{ID: g.NewID(), TenantID: in.TenantID, Name: p.Name, Email: p.Email, Phone: p.Phone,
				CreatedAt: now, UpdatedAt: now}
			err = tx.Customers().Create(ctx, cu, in.From)
		}
		if err != nil {
			return err
		}
		c, err := tx.Conversations().FindActive(ctx, in.TenantID, in.InboxID, cu.ID)
		if errors.Is(err, conversation.ErrNotFound) {
			c, err = g.Conversations.StartIn(ctx, tx, &conversation.StartParams{TenantID: in.TenantID, InboxID: in.InboxID,
				CustomerID: cu.ID, Channel: string(in.Channel)})
		}
		if err != nil {
			return err
		}
		conv = c.ID
		in.Profile.ID = cu.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	sent, err := g.Conversations.Send(ctx, &conversation.SendParams{TenantID: in.TenantID, ConversationID: conv,
		ClientID: clientID(in.ExternalID), Text: in.Text,
		Sender: conversation.Sender{Type: conversation.SenderVisitor, ID: in.Profile.ID, Name: in.Profile.Name}})
	if err != nil {
		return nil, err
	}
	return &Received{ConversationID: conv, Message: sent.Message, Duplicate: sent.Duplicate}, nil
}

// clientID maps a provider's message ID into the client-ID space (8–64
// characters), so retried webhooks are idempotent. Long IDs are hashed, not
// cut, so two IDs that share a prefix stay distinct.
func clientID(external string) string {
	id := "ext:" + external
	if len(id) > 64 {
		sum := sha256.Sum256([]byte(external))
		return "exh:" + hex.EncodeToString(sum[:])[:60]
	}
	for len(id) < 8 {
		id += "_"
	}
	return id
}
