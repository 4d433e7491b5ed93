package store

import (
	"context"
	"encoding/json"

	"github.com/switchboardhq/switchboard/internal/inbox"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

type inboxQueries struct {
	Insert           string `query:"InboxInsert"`
	MemberAdd        string `query:"InboxMemberAdd"`
	MembersClear     string `query:"InboxMembersClear"`
	Get              string `query:"InboxGet"`
	GetByKey         string `query:"InboxGetByKey"`
	List             string `query:"InboxList"`
	Update           string `query:"InboxUpdate"`
	HasConversations string `query:"InboxHasConversations"`
	EmptyContacts    string `query:"InboxEmptyContactsDelete"`
	EmptyConvs       string `query:"InboxEmptyConversationsDelete"`
	Delete           string `query:"InboxDelete"`
	OfUser           string `query:"InboxesOfUser"`
}

// Inboxes implements inbox.Store.
type Inboxes struct {
	c conn
	q *inboxQueries
}

var _ inbox.Store = (*Inboxes)(nil)

// Inboxes returns the transaction's inbox store.
func (t *Tx) Inboxes() inbox.Store { return t.s.Inboxes }

// Create implements inbox.Store.
func (s *Inboxes) Create(ctx context.Context, in *inbox.Inbox) error {
	settings, err := json.Marshal(in.Settings)
	if err != nil {
		return wrap("create inbox", err)
	}
	return wrap("create inbox", s.c.atomic(ctx, func(q sqldb.Querier) error {
		_, err := q.Exec(ctx, s.q.Insert, in.ID, in.TenantID, string(in.Channel), in.Name, in.Key, in.IdentitySecret,
			string(settings), ms(in.CreatedAt), ms(in.UpdatedAt), in.DefaultQueueID)
		if err != nil {
			return err
		}
		return s.addMembers(ctx, q, in)
	}))
}

func (s *Inboxes) addMembers(ctx context.Context, q sqldb.Querier, in *inbox.Inbox) error {
	for _, uid := range in.MemberIDs {
		n, err := q.Exec(ctx, s.q.MemberAdd, in.TenantID, in.ID, uid)
		if err := affected(n, err, inbox.ErrUnknownUser); err != nil {
			return err
		}
	}
	return nil
}

// Get implements inbox.Store.
func (s *Inboxes) Get(ctx context.Context, tenantID, id string) (*inbox.Inbox, error) {
	in, err := scanInbox(s.c.read().QueryRow(ctx, s.q.Get, tenantID, id))
	return in, wrap("get inbox", notFound(err, inbox.ErrNotFound))
}

// GetByKey implements inbox.Store.
func (s *Inboxes) GetByKey(ctx context.Context, key string) (*inbox.Inbox, error) {
	in, err := scanInbox(s.c.read().QueryRow(ctx, s.q.GetByKey, key))
	return in, wrap("get inbox by key", notFound(err, inbox.ErrNotFound))
}

// List implements inbox.Store.
func (s *Inboxes) List(ctx context.Context, p *inbox.ListParams) ([]*inbox.Inbox, error) {
	rows, err := s.c.read().Query(ctx, s.q.List, p.TenantID, p.After, p.MemberID, limit(p.Limit))
	return collect(rows, err, scanInbox, "list inboxes")
}

// Update implements inbox.Store.
func (s *Inboxes) Update(ctx context.Context, in *inbox.Inbox) error {
	settings, err := json.Marshal(in.Settings)
	if err != nil {
		return wrap("update inbox", err)
	}
	return wrap("update inbox", s.c.atomic(ctx, func(q sqldb.Querier) error {
		n, err := q.Exec(ctx, s.q.Update, in.TenantID, in.ID, in.Name, in.IdentitySecret, string(settings), ms(in.UpdatedAt),
			in.DefaultQueueID)
		if err := affected(n, err, inbox.ErrNotFound); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, s.q.MembersClear, in.TenantID, in.ID); err != nil {
			return err
		}
		return s.addMembers(ctx, q, in)
	}))
}

// Delete implements inbox.Store: only an inbox without conversations goes.
func (s *Inboxes) Delete(ctx context.Context, tenantID, id string) error {
	return wrap("delete inbox", s.c.atomic(ctx, func(q sqldb.Querier) error {
		var n int64
		if err := q.QueryRow(ctx, s.q.HasConversations, tenantID, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return inbox.ErrInUse
		}
		for _, stmt := range []string{s.q.EmptyContacts, s.q.EmptyConvs} {
			if _, err := q.Exec(ctx, stmt, tenantID, id); err != nil {
				return err
			}
		}
		k, err := q.Exec(ctx, s.q.Delete, tenantID, id)
		return affected(k, err, inbox.ErrNotFound)
	}))
}

// OfUser lists the inboxes a user serves.
func (s *Inboxes) OfUser(ctx context.Context, tenantID, userID string) ([]string, error) {
	rows, err := s.c.read().Query(ctx, s.q.OfUser, tenantID, userID)
	return collectIDs(rows, err, "inboxes of user")
}

// collectIDs scans a one-column result of IDs.
func collectIDs(rows sqldb.Rows, err error, op string) ([]string, error) {
	ids, err := collect(rows, err, func(r sqldb.Row) (*string, error) {
		var id string
		return &id, r.Scan(&id)
	}, op)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = *id
	}
	return out, err
}

func scanInbox(r sqldb.Row) (*inbox.Inbox, error) {
	var in inbox.Inbox
	var channel, settings, members string
	var created, updated int64
	if err := r.Scan(&in.ID, &in.TenantID, &channel, &in.Name, &in.Key, &in.IdentitySecret, &settings,
		&created, &updated, &members, &in.DefaultQueueID); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(settings), &in.Settings); err != nil {
		return nil, err
	}
	in.Settings.Defaults()
	in.Channel, in.CreatedAt, in.UpdatedAt, in.MemberIDs = inbox.Channel(channel), fromMS(created), fromMS(updated), splitList(members)
	return &in, nil
}
