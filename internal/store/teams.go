package store

import (
	"context"

	"github.com/switchboardhq/switchboard/internal/store/sqldb"
	"github.com/switchboardhq/switchboard/internal/team"
)

type teamQueries struct {
	Insert       string `query:"TeamInsert"`
	MemberAdd    string `query:"TeamMemberAdd"`
	MembersClear string `query:"TeamMembersClear"`
	Get          string `query:"TeamGet"`
	List         string `query:"TeamList"`
	Update       string `query:"TeamUpdate"`
	Delete       string `query:"TeamDelete"`
}

// Teams implements team.Store.
type Teams struct {
	c conn
	q *teamQueries
}

var _ team.Store = (*Teams)(nil)

// Teams returns the transaction's team store.
func (t *Tx) Teams() team.Store { return t.s.Teams }

// Create implements team.Store.
func (s *Teams) Create(ctx context.Context, t *team.Team) error {
	return wrap("create team", s.c.atomic(ctx, func(q sqldb.Querier) error {
		_, err := q.Exec(ctx, s.q.Insert, t.ID, t.TenantID, t.Name, t.Description, ms(t.CreatedAt), ms(t.UpdatedAt))
		if sqldb.IsUnique(err) {
			return team.ErrNameTaken
		}
		if err != nil {
			return err
		}
		return s.addMembers(ctx, q, t)
	}))
}

func (s *Teams) addMembers(ctx context.Context, q sqldb.Querier, t *team.Team) error {
	for _, uid := range t.MemberIDs {
		n, err := q.Exec(ctx, s.q.MemberAdd, t.TenantID, t.ID, uid)
		if err := affected(n, err, team.ErrUnknownUser); err != nil {
			return err
		}
	}
	return nil
}

// Get implements team.Store.
func (s *Teams) Get(ctx context.Context, tenantID, id string) (*team.Team, error) {
	t, err := scanTeam(s.c.read().QueryRow(ctx, s.q.Get, tenantID, id))
	return t, wrap("get team", notFound(err, team.ErrNotFound))
}

// List implements team.Store.
func (s *Teams) List(ctx context.Context, p *team.ListParams) ([]*team.Team, error) {
	rows, err := s.c.read().Query(ctx, s.q.List, p.TenantID, p.After, limit(p.Limit))
	return collect(rows, err, scanTeam, "list teams")
}

// Update implements team.Store.
func (s *Teams) Update(ctx context.Context, t *team.Team) error {
	return wrap("update team", s.c.atomic(ctx, func(q sqldb.Querier) error {
		n, err := q.Exec(ctx, s.q.Update, t.TenantID, t.ID, t.Name, t.Description, ms(t.UpdatedAt))
		if sqldb.IsUnique(err) {
			return team.ErrNameTaken
		}
		if err := affected(n, err, team.ErrNotFound); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, s.q.MembersClear, t.TenantID, t.ID); err != nil {
			return err
		}
		return s.addMembers(ctx, q, t)
	}))
}

// Delete implements team.Store; memberships cascade.
func (s *Teams) Delete(ctx context.Context, tenantID, id string) error {
	n, err := s.c.write().Exec(ctx, s.q.Delete, tenantID, id)
	return wrap("delete team", affected(n, err, team.ErrNotFound))
}

func scanTeam(r sqldb.Row) (*team.Team, error) {
	var t team.Team
	var created, updated int64
	var members string
	if err := r.Scan(&t.ID, &t.TenantID, &t.Name, &t.Description, &created, &updated, &members); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt, t.MemberIDs = fromMS(created), fromMS(updated), splitList(members)
	return &t, nil
}

// collect scans every row with scan.
func collect[T any](rows sqldb.Rows, err error, scan func(sqldb.Row) (*T, error), op string) ([]*T, error) {
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	out := []*T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, v)
	}
	return out, wrap(op, rows.Err())
}
