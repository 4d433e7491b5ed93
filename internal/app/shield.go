package app

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/shield"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/user"
	"github.com/switchboardhq/switchboard/internal/webhook"
)

// shieldParts are the number shield's background components: the decision
// log, the webhook deliverer and the subscription that brings other nodes'
// changes into this node's snapshots (ADR 0020).
type shieldParts struct {
	log      *shield.DecisionLog
	webhooks *webhook.Deliverer
	sync     *shieldSync
}

// wireShield builds the shield service and its components.
func (a *App) wireShield() {
	st, o := a.Stores, a.opts
	inTx := store.InTxAs(st, func(tx *store.Tx) shield.Tx { return tx })
	p := &shieldParts{log: shield.NewDecisionLog(shield.DecisionLogConfig{InTx: inTx, Logger: a.log})}
	a.Shield = shield.NewService(shield.Config{Store: st.Shield, InTx: inTx,
		Agents: shieldAgents{st.Users}, Customers: shieldCustomers{st.Customers}, Assignments: shieldAssignments{st.Conversations},
		Region: a.tenantRegion, Log: p.log, Now: o.Now, NewID: o.NewID, Rand: o.Rand, Logger: a.log})
	p.webhooks = webhook.New(webhook.Config{Consume: a.Bus.ConsumeParallel, Durable: "sb_shield_webhooks",
		Subject: shield.EventCall, Now: o.Now, Logger: a.log,
		Target: func(ctx context.Context, tenantID string) (webhook.Target, error) {
			s, err := st.Shield.Settings(ctx, tenantID)
			if err != nil {
				return webhook.Target{}, err
			}
			return webhook.Target{URL: s.WebhookURL, Secret: s.WebhookSecret}, nil
		}})
	p.sync = &shieldSync{a: a}
	a.shield = p
}

// tenantRegion is the tenant's region for numbers written without "+".
func (a *App) tenantRegion(ctx context.Context, tenantID string) (string, error) {
	s, err := a.Stores.Tenants.Settings(ctx, tenantID)
	if err != nil {
		return "", err
	}
	return s.DefaultRegion, nil
}

func (p *shieldParts) start(ctx context.Context) error {
	if err := p.log.Start(ctx); err != nil {
		return err
	}
	if err := p.sync.Start(ctx); err != nil {
		return err
	}
	return p.webhooks.Start(ctx)
}

// stop stops in reverse order; safe before start.
func (p *shieldParts) stop() {
	if p == nil {
		return
	}
	p.webhooks.Stop()
	p.sync.Stop()
	p.log.Stop()
}

// shieldSync applies other nodes' shield changes: every node hears every
// event (a plain subscription, not a shared consumer), marks the tenant's
// snapshot stale or its binding changed, and the next resolve catches up.
// A missed message is healed by the snapshot's maximum age.
type shieldSync struct {
	a    *App
	subs stoppers
}

func (s *shieldSync) Start(context.Context) error {
	// A user's, team's or skill's change can change an agent's level,
	// extension, status, teams or skills, which snapshots cache.
	return s.subs.subscribe(s.a.Bus, s.handle, "sb.shield.>", event.TenantUpdated, "sb.user.>", "sb.team.>", "sb.skill.>")
}

func (s *shieldSync) Stop() { s.subs.stop() }

func (s *shieldSync) handle(subject string, data []byte) {
	var env envelope[event.Change]
	if err := json.Unmarshal(data, &env); err != nil || env.TenantID == "" {
		return
	}
	c := s.a.Shield.Cache()
	switch subject {
	case shield.EventBindingSaved, shield.EventBindingGone:
		c.Touch(env.TenantID, env.Data.ID)
	case shield.EventCall:
	default:
		c.Invalidate(env.TenantID)
	}
}

// shieldAgents reads agents from the user store.
type shieldAgents struct{ users *store.Users }

func (s shieldAgents) AgentByExtension(ctx context.Context, tenantID, ext string) (*shield.Agent, error) {
	return agentOf(s.users.GetByExtension(ctx, tenantID, ext))
}

func (s shieldAgents) Agent(ctx context.Context, tenantID, id string) (*shield.Agent, error) {
	return agentOf(s.users.Get(ctx, tenantID, id))
}

func agentOf(u *user.User, err error) (*shield.Agent, error) {
	if errors.Is(err, user.ErrNotFound) {
		return nil, shield.ErrUnknownAgent
	}
	if err != nil {
		return nil, err
	}
	a := &shield.Agent{ID: u.ID, Extension: u.Extension, Level: u.Level, Active: u.Status == user.StatusActive,
		TeamIDs: u.TeamIDs, Skills: make(map[string]int, len(u.Skills)), Since: u.CreatedAt}
	for _, sk := range u.Skills {
		a.Skills[sk.SkillID] = sk.Level
	}
	return a, nil
}

// shieldCustomers reads customers from the customer store.
type shieldCustomers struct{ customers *store.Customers }

func (s shieldCustomers) Customer(ctx context.Context, tenantID, id string) (*shield.Customer, error) {
	c, err := s.customers.Get(ctx, tenantID, id)
	if err == nil && c.MergedInto != "" {
		// A merged customer's phones moved to the one it became.
		c, err = s.customers.Get(ctx, tenantID, c.MergedInto)
	}
	if errors.Is(err, customer.ErrNotFound) {
		return nil, shield.ErrUnknownCustomer
	}
	if err != nil {
		return nil, err
	}
	// Only the phone identities: what a visitor typed into the pre-chat
	// form becomes one when it is valid and nobody else's, and calling an
	// unverified number that belongs to another customer must not happen.
	return &shield.Customer{ID: c.ID, Phones: c.Phones, Tier: c.Tier, Tags: c.Tags, Attributes: c.Attributes,
		Consent: c.Consent, DoNotContact: c.DoNotContact}, nil
}

func (s shieldCustomers) CustomerByPhone(ctx context.Context, tenantID, e164 string) (string, error) {
	c, err := s.customers.FindByIdentity(ctx, tenantID, customer.Identity{Kind: customer.IdentityPhone, Value: e164})
	if errors.Is(err, customer.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return c.ID, nil
}

// shieldAssignments finds an agent's current work item among the
// conversations: the open one assigned to them that was active last.
type shieldAssignments struct{ conversations *store.Conversations }

func (s shieldAssignments) CurrentCustomer(ctx context.Context, tenantID, agentID string) (string, error) {
	cs, err := s.conversations.List(ctx, &conversation.ListParams{TenantID: tenantID, Status: conversation.StatusOpen,
		Assignee: agentID, Limit: 1})
	if err != nil || len(cs) == 0 {
		return "", err
	}
	return cs[0].CustomerID, nil
}
