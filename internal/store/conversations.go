package store

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

type conversationQueries struct {
	Insert          string `query:"ConversationInsert"`
	Get             string `query:"ConversationGet"`
	FindActive      string `query:"ConversationFindActive"`
	List            string `query:"ConversationList"`
	Bump            string `query:"ConversationBump"`
	SetStatus       string `query:"ConversationSetStatus"`
	SetAssignment   string `query:"ConversationSetAssignment"`
	UserExists      string `query:"ConversationUserExists"`
	TeamExists      string `query:"ConversationTeamExists"`
	MarkVisitorRead string `query:"ConversationMarkVisitorRead"`
	MarkAgentRead   string `query:"ConversationMarkAgentRead"`
	DueSnoozed      string `query:"ConversationDueSnoozed"`
	DueAutoResolve  string `query:"ConversationDueAutoResolve"`
	MessageInsert   string `query:"MessageInsert"`
	MessageByClient string `query:"MessageByClientID"`
	MessagesAfter   string `query:"MessagesAfter"`
	MessagesBefore  string `query:"MessagesBefore"`
	InboxesOfUser   string `query:"InboxesOfUser"`
	AttachmentBind  string `query:"AttachmentBind"`
}

// Conversations implements conversation.Store.
type Conversations struct {
	c conn
	q *conversationQueries
}

var _ conversation.Store = (*Conversations)(nil)

// Conversations returns the transaction's conversation store.
func (t *Tx) Conversations() conversation.Store { return t.s.Conversations }

// Create implements conversation.Store.
func (s *Conversations) Create(ctx context.Context, c *conversation.Conversation) error {
	_, err := s.c.write().Exec(ctx, s.q.Insert, c.ID, c.TenantID, c.InboxID, c.CustomerID, c.ContactID, string(c.Status),
		ms(c.CreatedAt), ms(c.UpdatedAt))
	return wrap("create conversation", err)
}

// Get implements conversation.Store.
func (s *Conversations) Get(ctx context.Context, tenantID, id string) (*conversation.Conversation, error) {
	c, err := scanConversation(s.c.read().QueryRow(ctx, s.q.Get, tenantID, id))
	return c, wrap("get conversation", notFound(err, conversation.ErrNotFound))
}

// FindActive implements conversation.Store.
func (s *Conversations) FindActive(ctx context.Context, tenantID, inboxID, customerID string) (*conversation.Conversation, error) {
	c, err := scanConversation(s.c.read().QueryRow(ctx, s.q.FindActive, tenantID, inboxID, customerID))
	return c, wrap("find active conversation", notFound(err, conversation.ErrNotFound))
}

// List implements conversation.Store.
func (s *Conversations) List(ctx context.Context, p *conversation.ListParams) ([]*conversation.Conversation, error) {
	unassigned := 0
	if p.Unassigned {
		unassigned = 1
	}
	rows, err := s.c.read().Query(ctx, s.q.List, p.TenantID, string(p.Status), p.InboxID, p.TeamID, p.Assignee,
		unassigned, p.VisibleTo, p.CustomerID, p.BeforeAt, p.BeforeID, limit(p.Limit))
	return collect(rows, err, scanConversation, "list conversations")
}

// MessageByClientID implements conversation.Store.
func (s *Conversations) MessageByClientID(ctx context.Context, tenantID, conversationID, clientID string) (*conversation.Message, error) {
	m, err := scanMessage(s.c.read().QueryRow(ctx, s.q.MessageByClient, tenantID, conversationID, clientID))
	return m, wrap("message by client id", notFound(err, conversation.ErrNotFound))
}

// Append implements conversation.Store: the conversation row's update
// takes the next seq under its write lock, then the message is inserted.
func (s *Conversations) Append(ctx context.Context, p *conversation.AppendParams) (*conversation.Conversation, error) {
	m := p.Message
	var c *conversation.Conversation
	err := s.c.atomic(ctx, func(q sqldb.Querier) error {
		var err error
		active := ""
		if p.IfActive {
			active = "y"
		}
		c, err = scanConversation(q.QueryRow(ctx, s.q.Bump, m.TenantID, m.ConversationID, ms(m.CreatedAt), string(p.SetStatus), active))
		if err != nil && p.IfActive {
			return notFound(err, conversation.ErrInactive)
		}
		if err != nil {
			return notFound(err, conversation.ErrNotFound)
		}
		m.Seq = c.LastSeq
		if err := s.bindAttachments(ctx, q, m, p.AttachmentIDs); err != nil {
			return err
		}
		event, attachments := "", ""
		if m.Event != nil {
			b, err := json.Marshal(m.Event)
			if err != nil {
				return err
			}
			event = string(b)
		}
		if len(m.Attachments) > 0 {
			b, err := json.Marshal(m.Attachments)
			if err != nil {
				return err
			}
			attachments = string(b)
		}
		_, err = q.Exec(ctx, s.q.MessageInsert, m.ID, m.TenantID, m.ConversationID, m.Seq, string(m.SenderType), m.SenderID,
			m.SenderName, m.Text, m.Private, nullIfEmpty(m.ClientID), event, attachments, ms(m.CreatedAt))
		if sqldb.IsUnique(err, "messages_conversation_id_client_id_key", "messages.conversation_id, messages.client_id") {
			return conversation.ErrDuplicateClientID
		}
		return err
	})
	return c, wrap("append message", err)
}

// bindAttachments binds the sender's uploads to m and records them on it.
func (s *Conversations) bindAttachments(ctx context.Context, q sqldb.Querier, m *conversation.Message, ids []string) error {
	for _, id := range ids {
		var ref conversation.AttachmentRef
		err := q.QueryRow(ctx, s.q.AttachmentBind, m.TenantID, id, m.ID, !m.Private, m.ConversationID,
			string(m.SenderType), m.SenderID).Scan(&ref.ID, &ref.Name, &ref.ContentType, &ref.Size)
		if err != nil {
			return notFound(err, conversation.ErrAttachment)
		}
		m.Attachments = append(m.Attachments, ref)
	}
	return nil
}

// Messages implements conversation.Store.
func (s *Conversations) Messages(ctx context.Context, p *conversation.MessagesParams) ([]*conversation.Message, error) {
	private := 0
	if p.IncludePrivate {
		private = 1
	}
	if p.BeforeSeq > 0 {
		rows, err := s.c.read().Query(ctx, s.q.MessagesBefore, p.TenantID, p.ConversationID, p.BeforeSeq, private, limit(p.Limit))
		ms, err := collect(rows, err, scanMessage, "list messages")
		slices.Reverse(ms)
		return ms, err
	}
	rows, err := s.c.read().Query(ctx, s.q.MessagesAfter, p.TenantID, p.ConversationID, p.AfterSeq, private, limit(p.Limit))
	return collect(rows, err, scanMessage, "list messages")
}

// SetStatus implements conversation.Store.
func (s *Conversations) SetStatus(ctx context.Context, p *conversation.SetStatusParams) error {
	n, err := s.c.write().Exec(ctx, s.q.SetStatus, p.TenantID, p.ID, string(p.Status), msPtr(p.SnoozedUntil), ms(p.At),
		string(p.From), p.IfLastSeq)
	if err == nil && n == 0 && (p.From != "" || p.IfLastSeq != 0) {
		return conversation.ErrStatusChanged
	}
	return wrap("set status", affected(n, err, conversation.ErrNotFound))
}

// SetAssignment implements conversation.Store.
func (s *Conversations) SetAssignment(ctx context.Context, p *conversation.SetAssignmentParams) error {
	return wrap("set assignment", s.c.atomic(ctx, func(q sqldb.Querier) error {
		if err := s.exists(ctx, q, s.q.UserExists, p.TenantID, p.AssigneeID, conversation.ErrUnknownUser); err != nil {
			return err
		}
		if err := s.exists(ctx, q, s.q.TeamExists, p.TenantID, p.TeamID, conversation.ErrUnknownTeam); err != nil {
			return err
		}
		n, err := q.Exec(ctx, s.q.SetAssignment, p.TenantID, p.ID, nullIfEmpty(p.AssigneeID), nullIfEmpty(p.TeamID), ms(p.At))
		return affected(n, err, conversation.ErrNotFound)
	}))
}

func (s *Conversations) exists(ctx context.Context, q sqldb.Querier, query, tenantID, id string, missing error) error {
	if id == "" {
		return nil
	}
	var n int64
	if err := q.QueryRow(ctx, query, tenantID, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return missing
	}
	return nil
}

// MarkRead implements conversation.Store. Moving backwards or past the
// last message changes nothing and is not an error.
func (s *Conversations) MarkRead(ctx context.Context, p *conversation.MarkReadParams) (bool, error) {
	query := s.q.MarkAgentRead
	if p.Reader == conversation.ReaderVisitor {
		query = s.q.MarkVisitorRead
	}
	n, err := s.c.write().Exec(ctx, query, p.TenantID, p.ID, p.Seq)
	return n > 0, wrap("mark read", err)
}

// DueSnoozed implements conversation.Store.
func (s *Conversations) DueSnoozed(ctx context.Context, now time.Time, n int) ([]*conversation.Conversation, error) {
	rows, err := s.c.read().Query(ctx, s.q.DueSnoozed, ms(now), limit(n))
	return collect(rows, err, scanConversation, "due snoozed")
}

// DueAutoResolve implements conversation.Store.
func (s *Conversations) DueAutoResolve(ctx context.Context, now time.Time, n int) ([]*conversation.Conversation, error) {
	rows, err := s.c.read().Query(ctx, s.q.DueAutoResolve, ms(now), limit(n))
	return collect(rows, err, scanConversation, "due auto-resolve")
}

// VisibleInboxes implements conversation.Store.
func (s *Conversations) VisibleInboxes(ctx context.Context, tenantID, userID string) ([]string, error) {
	rows, err := s.c.read().Query(ctx, s.q.InboxesOfUser, tenantID, userID)
	return collectIDs(rows, err, "visible inboxes")
}

func scanConversation(r sqldb.Row) (*conversation.Conversation, error) {
	var c conversation.Conversation
	var status string
	var lastAt int64
	var snoozed *int64
	var created, updated int64
	if err := r.Scan(&c.ID, &c.TenantID, &c.InboxID, &c.CustomerID, &c.ContactID, &status, &c.AssigneeID, &c.TeamID,
		&c.LastSeq, &lastAt, &snoozed, &c.VisitorReadSeq, &c.AgentReadSeq, &created, &updated); err != nil {
		return nil, err
	}
	c.Status = conversation.Status(status)
	if lastAt > 0 {
		t := fromMS(lastAt)
		c.LastMessageAt = &t
	}
	c.SnoozedUntil, c.CreatedAt, c.UpdatedAt = fromMSPtr(snoozed), fromMS(created), fromMS(updated)
	return &c, nil
}

func scanMessage(r sqldb.Row) (*conversation.Message, error) {
	var m conversation.Message
	var sender, event, attachments string
	var created int64
	if err := r.Scan(&m.ID, &m.TenantID, &m.ConversationID, &m.Seq, &sender, &m.SenderID, &m.SenderName, &m.Text,
		&m.Private, &m.ClientID, &event, &attachments, &created); err != nil {
		return nil, err
	}
	m.SenderType, m.CreatedAt = conversation.SenderType(sender), fromMS(created)
	if event != "" {
		m.Event = &conversation.SystemEvent{}
		if err := json.Unmarshal([]byte(event), m.Event); err != nil {
			return nil, err
		}
	}
	m.Attachments = []conversation.AttachmentRef{}
	if attachments != "" {
		if err := json.Unmarshal([]byte(attachments), &m.Attachments); err != nil {
			return nil, err
		}
	}
	return &m, nil
}
