package store

import (
	"context"

	"github.com/switchboardhq/switchboard/internal/skill"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

type skillQueries struct {
	Insert string `query:"SkillInsert"`
	Get    string `query:"SkillGet"`
	List   string `query:"SkillList"`
	Update string `query:"SkillUpdate"`
	Delete string `query:"SkillDelete"`
}

// Skills implements skill.Store.
type Skills struct {
	c conn
	q *skillQueries
}

var _ skill.Store = (*Skills)(nil)

// Skills returns the transaction's skill store.
func (t *Tx) Skills() skill.Store { return t.s.Skills }

// Create implements skill.Store.
func (s *Skills) Create(ctx context.Context, sk *skill.Skill) error {
	_, err := s.c.write().Exec(ctx, s.q.Insert, sk.ID, sk.TenantID, sk.Name, sk.Description, ms(sk.CreatedAt), ms(sk.UpdatedAt))
	if sqldb.IsUnique(err) {
		return skill.ErrNameTaken
	}
	return wrap("create skill", err)
}

// Get implements skill.Store.
func (s *Skills) Get(ctx context.Context, tenantID, id string) (*skill.Skill, error) {
	sk, err := scanSkill(s.c.read().QueryRow(ctx, s.q.Get, tenantID, id))
	return sk, wrap("get skill", notFound(err, skill.ErrNotFound))
}

// List implements skill.Store.
func (s *Skills) List(ctx context.Context, p *skill.ListParams) ([]*skill.Skill, error) {
	rows, err := s.c.read().Query(ctx, s.q.List, p.TenantID, p.After, limit(p.Limit))
	return collect(rows, err, scanSkill, "list skills")
}

// Update implements skill.Store.
func (s *Skills) Update(ctx context.Context, sk *skill.Skill) error {
	n, err := s.c.write().Exec(ctx, s.q.Update, sk.TenantID, sk.ID, sk.Name, sk.Description, ms(sk.UpdatedAt))
	if sqldb.IsUnique(err) {
		return skill.ErrNameTaken
	}
	return wrap("update skill", affected(n, err, skill.ErrNotFound))
}

// Delete implements skill.Store; users' levels in it cascade.
func (s *Skills) Delete(ctx context.Context, tenantID, id string) error {
	n, err := s.c.write().Exec(ctx, s.q.Delete, tenantID, id)
	return wrap("delete skill", affected(n, err, skill.ErrNotFound))
}

func scanSkill(r sqldb.Row) (*skill.Skill, error) {
	var sk skill.Skill
	var created, updated int64
	if err := r.Scan(&sk.ID, &sk.TenantID, &sk.Name, &sk.Description, &created, &updated); err != nil {
		return nil, err
	}
	sk.CreatedAt, sk.UpdatedAt = fromMS(created), fromMS(updated)
	return &sk, nil
}
