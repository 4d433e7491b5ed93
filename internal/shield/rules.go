package shield

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/internal/permission"
)

// RuleParams are a rule's writable fields; nil fields are left unchanged
// on update and empty on create (outcome defaults to allow).
type RuleParams struct {
	Name      *string
	Condition *string
	Outcome   *Outcome
	Reason    *string
	CallerID  *string
	Record    *bool
	Notify    *string
	// Position is 1-based; the rules after it move down. Nil appends.
	Position *int
}

// Limits of a rule's texts, in characters.
const (
	maxRuleName   = 120
	maxRuleReason = 200
	maxRuleNotify = 300
)

// CreateRule adds a rule to the caller's tenant.
func (s *Service) CreateRule(ctx context.Context, by *permission.Principal, p *RuleParams) (*Rule, error) {
	now := s.cfg.Now()
	r := &Rule{ID: s.cfg.NewID(), TenantID: by.TenantID, Outcome: OutcomeAllow, CreatedAt: now, UpdatedAt: now}
	applyRule(r, p)
	err := s.changed(ctx, by.TenantID, func(tx Tx) error {
		if err := s.checkRule(ctx, tx, r); err != nil {
			return err
		}
		rules, err := tx.Shield().Rules(ctx, by.TenantID)
		if err != nil {
			return err
		}
		pos := len(rules) + 1
		if p.Position != nil {
			pos = *p.Position
		}
		if err := tx.Shield().CreateRule(ctx, place(r, rules, pos)); err != nil {
			return err
		}
		if err := renumber(ctx, tx, rules, r); err != nil {
			return err
		}
		return configChange(ctx, tx, by, ActionRuleCreated, "shield_rule", r.ID, now, map[string]any{"name": r.Name})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Rules lists the caller's tenant's rules in order.
func (s *Service) Rules(ctx context.Context, by *permission.Principal) ([]*Rule, error) {
	return s.cfg.Store.Rules(ctx, by.TenantID)
}

// UpdateRule changes a rule; a new position moves it among the others.
func (s *Service) UpdateRule(ctx context.Context, by *permission.Principal, id string, p *RuleParams) (*Rule, error) {
	now := s.cfg.Now()
	var out *Rule
	err := s.changed(ctx, by.TenantID, func(tx Tx) error {
		rules, err := tx.Shield().Rules(ctx, by.TenantID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(rules, func(r *Rule) bool { return r.ID == id })
		if i < 0 {
			return ErrRuleNotFound
		}
		r := rules[i]
		others := slices.Delete(slices.Clone(rules), i, i+1)
		applyRule(r, p)
		if err := s.checkRule(ctx, tx, r); err != nil {
			return err
		}
		pos := i + 1
		if p.Position != nil {
			pos = *p.Position
		}
		r.UpdatedAt, out = now, place(r, others, pos)
		if err := tx.Shield().UpdateRule(ctx, r); err != nil {
			return err
		}
		if err := renumber(ctx, tx, others, r); err != nil {
			return err
		}
		return configChange(ctx, tx, by, ActionRuleUpdated, "shield_rule", r.ID, now, map[string]any{"name": r.Name})
	})
	return out, err
}

// DeleteRule removes a rule; those after it move up.
func (s *Service) DeleteRule(ctx context.Context, by *permission.Principal, id string) error {
	now := s.cfg.Now()
	return s.changed(ctx, by.TenantID, func(tx Tx) error {
		r, err := tx.Shield().GetRule(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		if err := tx.Shield().DeleteRule(ctx, by.TenantID, id); err != nil {
			return err
		}
		rules, err := tx.Shield().Rules(ctx, by.TenantID)
		if err != nil {
			return err
		}
		if err := renumber(ctx, tx, rules, nil); err != nil {
			return err
		}
		return configChange(ctx, tx, by, ActionRuleDeleted, "shield_rule", id, now, map[string]any{"name": r.Name})
	})
}

// place sets r's position to pos, bounded to the end of others, and
// returns r.
func place(r *Rule, others []*Rule, pos int) *Rule {
	r.Position = min(max(pos, 1), len(others)+1)
	return r
}

// renumber gives others the positions 1, 2, … around r (nil for none), in
// their order, and writes those that changed.
func renumber(ctx context.Context, tx Tx, others []*Rule, r *Rule) error {
	pos := 1
	for _, o := range others {
		if r != nil && pos == r.Position {
			pos++
		}
		if o.Position != pos {
			o.Position = pos
			if err := tx.Shield().UpdateRule(ctx, o); err != nil {
				return err
			}
		}
		pos++
	}
	return nil
}

// applyRule copies the given fields onto r, trimmed.
func applyRule(r *Rule, p *RuleParams) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&r.Name, p.Name)
	set(&r.Reason, p.Reason)
	set(&r.CallerID, p.CallerID)
	set(&r.Notify, p.Notify)
	if p.Condition != nil {
		r.Condition = *p.Condition
	}
	if p.Outcome != nil {
		r.Outcome = *p.Outcome
	}
	if p.Record != nil {
		r.Record = *p.Record
	}
}

// checkRule validates r; a broken condition is refused with its line and
// column, and a caller ID must name a number of the pool.
func (s *Service) checkRule(ctx context.Context, tx Tx, r *Rule) error {
	switch {
	case r.Name == "" || utf8.RuneCountInString(r.Name) > maxRuleName:
		return invalid("name", "must be 1 to 120 characters")
	case r.Outcome != OutcomeAllow && r.Outcome != OutcomeDeny:
		return invalid("outcome", "must be allow or deny")
	case utf8.RuneCountInString(r.Reason) > maxRuleReason:
		return invalid("reason", "must be at most 200 characters")
	case utf8.RuneCountInString(r.Notify) > maxRuleNotify:
		return invalid("notify", "must be at most 300 characters")
	}
	if err := compileRule(r.Condition); err != nil {
		return err
	}
	switch r.CallerID {
	case "", CallerIDHotline, CallerIDLocal:
		return nil
	}
	region, err := s.region(ctx, r.TenantID)
	if err != nil {
		return err
	}
	info, ok := ParseNumber(r.CallerID, region)
	if !ok {
		return ErrUnknownCallerID
	}
	numbers, err := tx.Shield().Numbers(ctx, r.TenantID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(numbers, func(n *Number) bool { return n.Number == info.E164 }) {
		return ErrUnknownCallerID
	}
	r.CallerID = info.E164
	return nil
}
