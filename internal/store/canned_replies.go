package store

import (
	"context"
	"strings"

	"github.com/switchboardhq/switchboard/internal/cannedreply"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

type cannedReplyQueries struct {
	Insert      string `query:"CannedReplyInsert"`
	Get         string `query:"CannedReplyGet"`
	List        string `query:"CannedReplyList"`
	Update      string `query:"CannedReplyUpdate"`
	Delete      string `query:"CannedReplyDelete"`
	MemberTeams string `query:"CannedReplyMemberTeams"`
}

// CannedReplies implements cannedreply.Store.
type CannedReplies struct {
	c conn
	q *cannedReplyQueries
}

var _ cannedreply.Store = (*CannedReplies)(nil)

// CannedReplies returns the transaction's canned reply store.
func (t *Tx) CannedReplies() cannedreply.Store { return t.s.CannedReplies }

// Create implements cannedreply.Store.
func (s *CannedReplies) Create(ctx context.Context, r *cannedreply.Reply) error {
	_, err := s.c.write().Exec(ctx, s.q.Insert, r.ID, r.TenantID, r.Shortcut, r.Title, r.Body, nullIfEmpty(r.TeamID),
		r.CreatedBy, ms(r.CreatedAt), ms(r.UpdatedAt))
	return wrap("create canned reply", replyConstraint(err))
}

// Get implements cannedreply.Store.
func (s *CannedReplies) Get(ctx context.Context, tenantID, id string) (*cannedreply.Reply, error) {
	r, err := scanCannedReply(s.c.read().QueryRow(ctx, s.q.Get, tenantID, id))
	return r, wrap("get canned reply", notFound(err, cannedreply.ErrNotFound))
}

// List implements cannedreply.Store.
func (s *CannedReplies) List(ctx context.Context, p *cannedreply.ListParams) ([]*cannedreply.Reply, error) {
	rows, err := s.c.read().Query(ctx, s.q.List, p.TenantID, p.After, p.VisibleTo, likeEscape(strings.ToLower(p.Query)),
		limit(p.Limit))
	return collect(rows, err, scanCannedReply, "list canned replies")
}

// Update implements cannedreply.Store.
func (s *CannedReplies) Update(ctx context.Context, r *cannedreply.Reply) error {
	n, err := s.c.write().Exec(ctx, s.q.Update, r.TenantID, r.ID, r.Shortcut, r.Title, r.Body, nullIfEmpty(r.TeamID),
		ms(r.UpdatedAt))
	return wrap("update canned reply", affected(n, replyConstraint(err), cannedreply.ErrNotFound))
}

// Delete implements cannedreply.Store.
func (s *CannedReplies) Delete(ctx context.Context, tenantID, id string) error {
	n, err := s.c.write().Exec(ctx, s.q.Delete, tenantID, id)
	return wrap("delete canned reply", affected(n, err, cannedreply.ErrNotFound))
}

// MemberTeams implements cannedreply.Store.
func (s *CannedReplies) MemberTeams(ctx context.Context, tenantID, userID string) ([]string, error) {
	rows, err := s.c.read().Query(ctx, s.q.MemberTeams, tenantID, userID)
	return collectIDs(rows, err, "canned reply member teams")
}

// replyConstraint maps the shortcut's unique index and the team reference,
// which is (tenant_id, team_id), so another tenant's team fails it too.
func replyConstraint(err error) error {
	switch {
	case sqldb.IsUnique(err):
		return cannedreply.ErrShortcutTaken
	case sqldb.IsForeignKey(err):
		return cannedreply.ErrUnknownTeam
	}
	return err
}

// likeEscape makes s match itself literally in a LIKE pattern with
// ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func scanCannedReply(r sqldb.Row) (*cannedreply.Reply, error) {
	var c cannedreply.Reply
	var created, updated int64
	if err := r.Scan(&c.ID, &c.TenantID, &c.Shortcut, &c.Title, &c.Body, &c.TeamID, &c.CreatedBy, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return &c, nil
}
