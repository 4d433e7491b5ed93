package shield

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/pii"
)

// TestParams describe a call to try against the rules: an agent (by ID
// or extension), a customer (by ID) or a number, and when.
type TestParams struct {
	AgentID, Extension string
	CustomerID, Number string
	At                 *time.Time
}

// TestResult is what the rules would decide, and the rule that decided
// (nil when none matched).
type TestResult struct {
	Decision Answer `json:"decision"`
	Rule     *Rule  `json:"rule"`
}

// TestRules decides a call as Resolve would after finding the
// destination — lists, rules, caller ID — without dialing, recording or
// using a code. The destination is masked: the tester shows rules, not
// numbers.
func (s *Service) TestRules(ctx context.Context, by *permission.Principal, p *TestParams) (*TestResult, error) {
	snap, err := s.cache.Get(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	a, err := s.testAgent(ctx, by.TenantID, p)
	if err != nil {
		return nil, err
	}
	at := s.cfg.Now()
	if p.At != nil {
		at = *p.At
	}
	r := &Result{Decision: Decision{TenantID: by.TenantID, AgentID: a.ID, At: at}}
	c, dest, err := s.testCustomer(ctx, snap, by.TenantID, p)
	switch {
	case err != nil:
		return nil, err
	case dest == nil:
		r.reject(404, "the customer has no phone number")
	case !a.Active:
		r.reject(403, "the agent's account is not active")
	default:
		if c != nil {
			r.Decision.CustomerID = c.ID
		}
		if reason, _ := snap.listed(dest.E164); reason != "" {
			r.reject(403, reason)
		} else {
			snap.decide(a, c, dest, at, r)
		}
	}
	out := &TestResult{Decision: r.Answer}
	out.Decision.Destination = pii.MaskPhone(out.Decision.Destination)
	for _, cr := range snap.rules {
		if cr.ID == r.Decision.RuleID {
			out.Rule = cr.Rule
		}
	}
	return out, nil
}

func (s *Service) testAgent(ctx context.Context, tenantID string, p *TestParams) (*Agent, error) {
	switch {
	case p.AgentID != "":
		return s.cfg.Agents.Agent(ctx, tenantID, p.AgentID)
	case p.Extension != "":
		return s.cfg.Agents.AgentByExtension(ctx, tenantID, p.Extension)
	}
	return nil, invalid("agent_id", "give agent_id or extension")
}

// testCustomer returns the customer (nil for a number no customer has)
// and the number called (nil when the customer has none).
func (s *Service) testCustomer(ctx context.Context, snap *Snapshot, tenantID string, p *TestParams) (*Customer, *NumberInfo, error) {
	region := snap.Region
	if p.CustomerID != "" {
		c, err := s.cfg.Customers.Customer(ctx, tenantID, p.CustomerID)
		if err != nil {
			return nil, nil, err
		}
		for _, ph := range c.Phones {
			if info, ok := ParseNumber(ph, region); ok {
				return c, info, nil
			}
		}
		return c, nil, nil
	}
	if p.Number == "" {
		return nil, nil, invalid("customer_id", "give customer_id or number")
	}
	info, err := normalize(p.Number, region, "number")
	if err != nil {
		return nil, nil, err
	}
	id, err := s.cfg.Customers.CustomerByPhone(ctx, tenantID, info.E164)
	if err != nil || id == "" {
		return nil, info, err
	}
	c, err := s.cfg.Customers.Customer(ctx, tenantID, id)
	if err != nil {
		return nil, nil, err
	}
	return c, info, nil
}
