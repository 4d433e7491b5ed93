package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Events published through the outbox.
const (
	EventCreated        = "sb.conversation.created"
	EventMessageCreated = "sb.message.created"
	EventStatusChanged  = "sb.conversation.status_changed"
	EventAssigned       = "sb.conversation.assigned"
)

// Meta is the part of a conversation that every event carries, enough for
// a subscriber to decide who may see it without reading the database.
type Meta struct {
	ID         string `json:"id"`
	InboxID    string `json:"inbox_id"`
	CustomerID string `json:"customer_id"`
	AssigneeID string `json:"assignee_id,omitempty"`
	TeamID     string `json:"team_id,omitempty"`
	Status     Status `json:"status"`
	LastSeq    int64  `json:"last_seq"`
}

// MetaOf returns c's event metadata.
func MetaOf(c *Conversation) Meta {
	return Meta{ID: c.ID, InboxID: c.InboxID, CustomerID: c.CustomerID, AssigneeID: c.AssigneeID,
		TeamID: c.TeamID, Status: c.Status, LastSeq: c.LastSeq}
}

// MessageCreated is the body of sb.message.created.
type MessageCreated struct {
	Conversation Meta     `json:"conversation"`
	Message      *Message `json:"message"`
}

// Changed is the body of conversation events.
type Changed struct {
	Conversation *Conversation `json:"conversation"`
	From         string        `json:"from,omitempty"`
	To           string        `json:"to,omitempty"`
	ActorID      string        `json:"actor_id,omitempty"`
	// Reason says why the system changed the status (ReasonAutoResolved).
	Reason string `json:"reason,omitempty"`
	// QueueID is the queue an assignment transferred the conversation to;
	// routing, which owns queues, takes it from sb.conversation.assigned.
	QueueID string `json:"queue_id,omitempty"`
}

// Service applies the conversation rules.
type Service struct {
	cfg Config
}

// Config wires a Service.
type Config struct {
	// Conversations serves reads outside transactions.
	Conversations Store
	// InTx runs fn in one transaction.
	InTx func(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a transaction that may be shared with other
	// concurrent writes (group commit); it returns once fn's changes are
	// durable. Defaults to InTx.
	Write func(ctx context.Context, fn func(Tx) error) error
	Now   func() time.Time
	NewID func() string
}

// NewService returns a Service.
func NewService(cfg Config) *Service {
	if cfg.Write == nil {
		cfg.Write = cfg.InTx
	}
	return &Service{cfg: cfg}
}

// StartParams open a conversation for a customer.
type StartParams struct {
	TenantID, InboxID, CustomerID string
	Channel                       string
}

// StartIn opens a conversation and the contact row of the customer's
// timeline, inside the caller's transaction (a channel opens it together
// with the customer it may have to create).
func (s *Service) StartIn(ctx context.Context, tx Tx, p *StartParams) (*Conversation, error) {
	now := s.cfg.Now()
	c := &Conversation{ID: s.cfg.NewID(), TenantID: p.TenantID, InboxID: p.InboxID, CustomerID: p.CustomerID,
		ContactID: s.cfg.NewID(), Status: StatusOpen, CreatedAt: now, UpdatedAt: now}
	ct := &customer.Contact{ID: c.ContactID, TenantID: c.TenantID, CustomerID: c.CustomerID, Channel: p.Channel,
		InboxID: c.InboxID, ConversationID: c.ID, StartedAt: now}
	if err := tx.Customers().CreateContact(ctx, ct); err != nil {
		return nil, err
	}
	// sb.conversation.created is announced with the first message: a widget
	// opened without writing leaves no trace in agents' views.
	if err := tx.Conversations().Create(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Sender is who writes a message.
type Sender struct {
	Type SenderType
	ID   string
	Name string
}

// SendParams are a message to send.
type SendParams struct {
	TenantID       string
	ConversationID string
	Sender         Sender
	ClientID       string
	Text           string
	Private        bool
	// AttachmentIDs name files the sender uploaded to the conversation.
	AttachmentIDs []string
	// MaxChars limits the text (the inbox's setting).
	MaxChars int
	// By, for an agent, must be able to see the conversation (checked in
	// the same transaction as the write).
	By *permission.Principal
}

// Sent is the outcome of Send.
type Sent struct {
	Message *Message
	// Duplicate is true when the client ID had already produced Message.
	Duplicate bool
}

// Send stores a message and returns once it is durable. A repeated client ID
// returns the original message. A visitor writing to a resolved or snoozed
// conversation reopens it.
func (s *Service) Send(ctx context.Context, p *SendParams) (*Sent, error) {
	if err := checkSend(p); err != nil {
		return nil, err
	}
	// The fast path does not look for an earlier message with this client
	// ID: the unique index refuses a duplicate, and only then is the write
	// repeated with the lookup (a resend is rare; every message pays for a
	// lookup otherwise).
	out := &Sent{}
	lookup := false
	write := func(tx Tx) error {
		out.Message, out.Duplicate = nil, false
		store := tx.Conversations()
		if lookup {
			dup, err := store.MessageByClientID(ctx, p.TenantID, p.ConversationID, p.ClientID)
			if err == nil {
				out.Message, out.Duplicate = dup, true
				return nil
			}
			if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		now := s.cfg.Now()
		m := &Message{ID: s.cfg.NewID(), TenantID: p.TenantID, ConversationID: p.ConversationID,
			SenderType: p.Sender.Type, SenderID: p.Sender.ID, SenderName: p.Sender.Name, Text: p.Text,
			Private: p.Private, ClientID: p.ClientID, Attachments: []AttachmentRef{}, CreatedAt: now}
		// A visitor's message goes to an open or pending conversation in
		// one statement; only a resolved or snoozed one is read and
		// reopened first.
		ap := &AppendParams{Message: m, AttachmentIDs: p.AttachmentIDs, IfActive: p.Sender.Type == SenderVisitor}
		c, err := store.Append(ctx, ap)
		if errors.Is(err, ErrInactive) {
			if err = s.reopen(ctx, tx, p.TenantID, p.ConversationID, now); err != nil {
				return err
			}
			ap.IfActive = false
			c, err = store.Append(ctx, ap)
		}
		if err != nil {
			return err
		}
		if p.By != nil {
			ok, err := s.CanSee(ctx, p.By, MetaOf(c))
			if err != nil {
				return err
			}
			if !ok {
				return ErrNotFound // undoes the append
			}
		}
		out.Message = m
		evs := []event.Event{{Subject: EventMessageCreated, TenantID: p.TenantID, At: now,
			Data: MessageCreated{Conversation: MetaOf(c), Message: m}}}
		if c.LastSeq == 1 {
			evs = append(evs, event.Event{Subject: EventCreated, TenantID: p.TenantID, At: now, Data: Changed{Conversation: c}})
		}
		return tx.Outbox().Append(ctx, evs...)
	}
	err := s.cfg.Write(ctx, write)
	if errors.Is(err, ErrDuplicateClientID) {
		lookup = true
		err = s.cfg.Write(ctx, write)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// reopen opens a resolved or snoozed conversation for a visitor's message,
// recording the change as a system message before it.
func (s *Service) reopen(ctx context.Context, tx Tx, tenantID, id string, now time.Time) error {
	c, err := tx.Conversations().Get(ctx, tenantID, id)
	if err != nil {
		return err
	}
	if c.Status == StatusResolved || c.Status == StatusSnoozed {
		_, err = s.changeStatus(ctx, tx, c, &statusChange{to: StatusOpen, at: now})
	}
	return err
}

func checkSend(p *SendParams) error {
	if n := len(p.ClientID); n < 8 || n > 64 {
		return ErrClientID
	}
	if strings.TrimSpace(p.Text) == "" && len(p.AttachmentIDs) == 0 {
		return ErrEmpty
	}
	if !utf8.ValidString(p.Text) {
		return errcode.New(errcode.ValidationFailed, "text must be valid UTF-8")
	}
	maxChars := p.MaxChars
	if maxChars <= 0 {
		maxChars = 10000
	}
	if n := utf8.RuneCountInString(p.Text); n > maxChars {
		return errcode.Errorf(errcode.MessageTooLong, "the message has %d characters; the limit is %d", n, maxChars)
	}
	if p.Private && p.Sender.Type != SenderAgent {
		return ErrPrivateByUser
	}
	if len(p.AttachmentIDs) > 10 {
		return errcode.New(errcode.ValidationFailed, "a message carries at most 10 attachments")
	}
	return nil
}

// statusChange is one status change to record.
type statusChange struct {
	to    Status
	until *time.Time // snoozed until
	actor string     // the user; "" for the visitor's message or the system
	// reason says why the system changed it; "" otherwise.
	reason string
	at     time.Time
}

// changeStatus appends a system message recording a status change and
// applies it, in tx.
func (s *Service) changeStatus(ctx context.Context, tx Tx, c *Conversation, ch *statusChange) (*Conversation, error) {
	from, to, now := c.Status, ch.to, ch.at
	m := &Message{ID: s.cfg.NewID(), TenantID: c.TenantID, ConversationID: c.ID, SenderType: SenderSystem,
		Text: "status: " + string(from) + " → " + string(to), Attachments: []AttachmentRef{}, CreatedAt: now,
		Event: &SystemEvent{Kind: "status_changed", From: string(from), To: string(to), ActorID: ch.actor, Reason: ch.reason}}
	next, err := tx.Conversations().Append(ctx, &AppendParams{Message: m, SetStatus: to})
	if err != nil {
		return nil, err
	}
	if to == StatusSnoozed {
		err := tx.Conversations().SetStatus(ctx, &SetStatusParams{TenantID: c.TenantID, ID: c.ID, Status: to, SnoozedUntil: ch.until, At: now})
		if err != nil {
			return nil, err
		}
		next.SnoozedUntil = ch.until
	}
	err = tx.Outbox().Append(ctx,
		event.Event{Subject: EventMessageCreated, TenantID: c.TenantID, At: now, Data: MessageCreated{Conversation: MetaOf(next), Message: m}},
		event.Event{Subject: EventStatusChanged, TenantID: c.TenantID, At: now,
			Data: Changed{Conversation: next, From: string(from), To: string(to), ActorID: ch.actor, Reason: ch.reason}})
	return next, err
}

// SetStatus changes a conversation's status on behalf of an agent.
func (s *Service) SetStatus(ctx context.Context, by *permission.Principal, id string, to Status, until *time.Time) (*Conversation, error) {
	if !to.Valid() {
		return nil, errcode.Errorf(errcode.ValidationFailed, "status %q is not one of open, pending, resolved, snoozed", to)
	}
	now := s.cfg.Now()
	if to == StatusSnoozed && (until == nil || !until.After(now)) {
		return nil, ErrSnoozeUntil
	}
	if to != StatusSnoozed {
		until = nil
	} else {
		t := until.UTC().Truncate(time.Millisecond) // the stored precision
		until = &t
	}
	var out *Conversation
	err := s.cfg.Write(ctx, func(tx Tx) error {
		c, err := s.visibleIn(ctx, tx.Conversations(), by, id)
		if err != nil {
			return err
		}
		out = c
		if c.Status == to && (to != StatusSnoozed || sameTime(c.SnoozedUntil, until)) {
			return nil
		}
		if out, err = s.changeStatus(ctx, tx, c, &statusChange{to: to, until: until, actor: by.UserID, at: now}); err != nil {
			return err
		}
		return tx.Audit().Append(ctx, audit.By(by, ActionStatusChanged, "conversation", id, now).
			With(map[string]any{"from": c.Status, "to": to}))
	})
	return out, err
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// AssignParams change a conversation's assignee and team: nil keeps the
// current value, an empty string clears it.
type AssignParams struct {
	AssigneeID, TeamID *string
	// QueueID transfers the conversation to a routing queue: the assignee
	// is cleared and the queue is named on the event, for routing. It is
	// stored nowhere here; the caller checks that the queue exists.
	QueueID string
}

// Validate refuses a transfer to a queue that also names an assignee.
func (p *AssignParams) Validate() error {
	if p.QueueID != "" && p.AssigneeID != nil && *p.AssigneeID != "" {
		return ErrQueueWithAssignee
	}
	return nil
}

// Assign sets a conversation's assignee and team. Fields left nil keep the
// value they have when the change is written, so concurrent changes of
// different fields both hold. A transfer to a queue is written even when
// nothing else changes: the event is what routes the conversation there.
func (s *Service) Assign(ctx context.Context, by *permission.Principal, id string, p AssignParams) (*Conversation, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	var out *Conversation
	err := s.cfg.Write(ctx, func(tx Tx) error {
		c, err := s.visibleIn(ctx, tx.Conversations(), by, id)
		if err != nil {
			return err
		}
		out = c
		if p.QueueID != "" && (c.Status == StatusResolved || c.Status == StatusSnoozed) {
			return ErrNotRoutable
		}
		assigneeID, teamID := c.AssigneeID, c.TeamID
		if p.AssigneeID != nil {
			assigneeID = *p.AssigneeID
		}
		if p.QueueID != "" {
			assigneeID = ""
		}
		if p.TeamID != nil {
			teamID = *p.TeamID
		}
		if c.AssigneeID == assigneeID && c.TeamID == teamID && p.QueueID == "" {
			return nil
		}
		store := tx.Conversations()
		err = store.SetAssignment(ctx, &SetAssignmentParams{TenantID: c.TenantID, ID: id, AssigneeID: assigneeID, TeamID: teamID, At: now})
		if err != nil {
			return err
		}
		// Internal: visitors are not told who handles them by user ID.
		m := &Message{ID: s.cfg.NewID(), TenantID: c.TenantID, ConversationID: id, SenderType: SenderSystem,
			Text: "assigned", Private: true, Attachments: []AttachmentRef{}, CreatedAt: now,
			Event: &SystemEvent{Kind: "assigned", From: c.AssigneeID, To: assigneeID, ActorID: by.UserID, QueueID: p.QueueID}}
		next, err := store.Append(ctx, &AppendParams{Message: m})
		if err != nil {
			return err
		}
		out = next
		err = tx.Outbox().Append(ctx,
			event.Event{Subject: EventMessageCreated, TenantID: c.TenantID, At: now, Data: MessageCreated{Conversation: MetaOf(next), Message: m}},
			event.Event{Subject: EventAssigned, TenantID: c.TenantID, At: now, Data: Changed{Conversation: next, From: c.AssigneeID, To: assigneeID, ActorID: by.UserID, QueueID: p.QueueID}})
		if err != nil {
			return err
		}
		return tx.Audit().Append(ctx, audit.By(by, "conversation.assigned", "conversation", id, now).
			With(assignedAudit(c.AssigneeID, assigneeID, teamID, p.QueueID)))
	})
	return out, err
}

// assignedAudit is the audit detail of an assignment; queue_id only for
// a transfer to a queue.
func assignedAudit(from, to, teamID, queueID string) map[string]any {
	d := map[string]any{"from": from, "to": to, "team_id": teamID}
	if queueID != "" {
		d["queue_id"] = queueID
	}
	return d
}

// MarkRead moves a reader's position forward and reports whether it moved:
// a repeated or stale read is not news to anyone.
func (s *Service) MarkRead(ctx context.Context, tenantID, id string, reader Reader, seq int64) (bool, error) {
	if seq < 0 {
		return false, errcode.New(errcode.ValidationFailed, "seq must not be negative")
	}
	return s.cfg.Conversations.MarkRead(ctx, &MarkReadParams{TenantID: tenantID, ID: id, Reader: reader, Seq: seq})
}

// Get returns a conversation the principal may see.
func (s *Service) Get(ctx context.Context, by *permission.Principal, id string) (*Conversation, error) {
	return s.visibleIn(ctx, s.cfg.Conversations, by, id)
}

// GetForCustomer returns a conversation of a customer (the visitor's view).
func (s *Service) GetForCustomer(ctx context.Context, tenantID, customerID, id string) (*Conversation, error) {
	c, err := s.cfg.Conversations.Get(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if c.CustomerID != customerID {
		return nil, ErrNotFound
	}
	return c, nil
}

// List returns conversations the principal may see.
func (s *Service) List(ctx context.Context, by *permission.Principal, p ListParams) ([]*Conversation, error) {
	p.TenantID = by.TenantID
	if !by.Can(permission.ConversationsReadAll) {
		p.VisibleTo = by.UserID
	}
	return s.cfg.Conversations.List(ctx, &p)
}

// Messages returns messages of a conversation the principal may see.
func (s *Service) Messages(ctx context.Context, by *permission.Principal, p MessagesParams) ([]*Message, error) {
	if _, err := s.Get(ctx, by, p.ConversationID); err != nil {
		return nil, err
	}
	p.TenantID, p.IncludePrivate = by.TenantID, true
	return s.cfg.Conversations.Messages(ctx, &p)
}

// visibleIn returns conversation id if by may see it: admins and
// supervisors see all of their tenant's; agents those assigned to them and
// unassigned ones in inboxes they serve. Others get ErrNotFound.
func (s *Service) visibleIn(ctx context.Context, store Store, by *permission.Principal, id string) (*Conversation, error) {
	c, err := store.Get(ctx, by.TenantID, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.CanSee(ctx, by, MetaOf(c))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNotFound
	}
	return c, nil
}

// CanSee applies the visibility rule to a conversation's metadata, reading
// the principal's inboxes only when the rule needs them.
func (s *Service) CanSee(ctx context.Context, by *permission.Principal, m Meta) (bool, error) {
	var err error
	ok := Visible(by, m, func(inboxID string) bool {
		inboxes, ierr := s.cfg.Conversations.VisibleInboxes(ctx, by.TenantID, by.UserID)
		err = ierr
		return slices.Contains(inboxes, inboxID)
	})
	if err != nil {
		return false, fmt.Errorf("visible inboxes: %w", err)
	}
	return ok, nil
}

// Visible is the visibility rule: admins and supervisors (read_all) see all
// of their tenant's conversations; agents see those assigned to them and
// unassigned ones in inboxes they serve.
func Visible(by *permission.Principal, m Meta, serves func(inboxID string) bool) bool {
	switch {
	case by.Can(permission.ConversationsReadAll) || m.AssigneeID == by.UserID:
		return true
	case m.AssigneeID != "":
		return false
	}
	return serves(m.InboxID)
}

// ReplyParams are an agent's message.
type ReplyParams struct {
	ClientID      string
	Text          string
	Private       bool
	AttachmentIDs []string
	SenderName    string
}

// Reply sends an agent's message (or private note) to a conversation the
// agent may see.
func (s *Service) Reply(ctx context.Context, by *permission.Principal, id string, p *ReplyParams) (*Sent, error) {
	return s.Send(ctx, &SendParams{TenantID: by.TenantID, ConversationID: id, ClientID: p.ClientID, Text: p.Text,
		Private: p.Private, AttachmentIDs: p.AttachmentIDs, By: by,
		Sender: Sender{Type: SenderAgent, ID: by.UserID, Name: p.SenderName}})
}
