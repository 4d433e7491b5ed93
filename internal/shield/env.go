package shield

import (
	"context"
	"strings"
	"time"
)

// Agent is what the shield knows of an agent.
type Agent struct {
	ID        string
	Extension string
	Level     int
	// Active is false for invited and disabled users: they may not call.
	Active  bool
	TeamIDs []string
	// Skills maps a skill ID to the agent's level in it.
	Skills map[string]int
	// Since is when the user was created, for tenure.
	Since time.Time
}

// Agents finds agents; the app reads them from the user store.
type Agents interface {
	// AgentByExtension returns the tenant's user with this extension.
	// ErrUnknownAgent.
	AgentByExtension(ctx context.Context, tenantID, extension string) (*Agent, error)
	// Agent returns a user of the tenant. ErrUnknownAgent.
	Agent(ctx context.Context, tenantID, id string) (*Agent, error)
}

// Customer is what the shield knows of a customer.
type Customer struct {
	ID string
	// Phones are E.164 numbers, the one to call first.
	Phones     []string
	Tier       string
	Tags       []string
	Attributes map[string]any
	// Consent holds the flags the customer gave (true) or refused.
	Consent      map[string]bool
	DoNotContact bool
}

// Customers finds customers; the app reads them from the customer store.
type Customers interface {
	// Customer returns a customer of the tenant. ErrUnknownCustomer.
	Customer(ctx context.Context, tenantID, id string) (*Customer, error)
	// CustomerByPhone returns the ID of the customer with this E.164
	// number, or "" when there is none.
	CustomerByPhone(ctx context.Context, tenantID, e164 string) (string, error)
}

// Assignments tells what an agent is working on; the app reads it from
// the conversations.
type Assignments interface {
	// CurrentCustomer returns the customer of the agent's current work
	// item — the open conversation assigned to them that was active
	// last — or "" when they have none.
	CurrentCustomer(ctx context.Context, tenantID, agentID string) (string, error)
}

// Env is what a rule's condition may use:
//
//	customer.tier == "vip" && agent.level < 2
//	number.type == "mobile" && time.hour >= 21
type Env struct {
	Agent    AgentEnv    `expr:"agent"`
	Customer CustomerEnv `expr:"customer"`
	Number   NumberEnv   `expr:"number"`
	Time     TimeEnv     `expr:"time"`
}

// AgentEnv is the calling agent.
type AgentEnv struct {
	ID         string         `expr:"id"`
	Level      int            `expr:"level"`
	Teams      []string       `expr:"teams"`  // team IDs
	Skills     map[string]int `expr:"skills"` // skill ID → level
	TenureDays int            `expr:"tenure_days"`
	Extension  string         `expr:"extension"`
}

// CustomerEnv is the customer called; all empty when the number belongs to
// no known customer.
type CustomerEnv struct {
	ID           string          `expr:"id"`
	Tier         string          `expr:"tier"`
	Tags         []string        `expr:"tags"`
	Attributes   map[string]any  `expr:"attributes"`
	Consent      map[string]bool `expr:"consent"`
	DoNotContact bool            `expr:"do_not_contact"`
}

// NumberEnv is the number dialed.
type NumberEnv struct {
	Country string `expr:"country"`
	Area    string `expr:"area"`
	Type    string `expr:"type"`
}

// TimeEnv is the time of the call in the tenant's zone.
type TimeEnv struct {
	Hour    int    `expr:"hour"`    // 0–23
	Weekday string `expr:"weekday"` // mon … sun
	Date    string `expr:"date"`    // YYYY-MM-DD
}

// newEnv fills the env of one call.
func newEnv(a *Agent, c *Customer, n *NumberInfo, at time.Time, loc *time.Location) *Env {
	e := &Env{}
	if a != nil {
		e.Agent = AgentEnv{ID: a.ID, Level: a.Level, Teams: a.TeamIDs, Skills: a.Skills, Extension: a.Extension}
		if !a.Since.IsZero() && at.After(a.Since) {
			e.Agent.TenureDays = int(at.Sub(a.Since) / (24 * time.Hour))
		}
	}
	if e.Agent.Teams == nil {
		e.Agent.Teams = []string{}
	}
	if c != nil {
		e.Customer = CustomerEnv{ID: c.ID, Tier: c.Tier, Tags: c.Tags, Attributes: c.Attributes, Consent: c.Consent,
			DoNotContact: c.DoNotContact}
	}
	if e.Customer.Tags == nil {
		e.Customer.Tags = []string{}
	}
	if n != nil {
		e.Number = NumberEnv{Country: n.Country, Area: n.Area, Type: n.Type}
	}
	local := at.In(loc)
	e.Time = TimeEnv{Hour: local.Hour(), Weekday: strings.ToLower(local.Weekday().String()[:3]),
		Date: local.Format(time.DateOnly)}
	return e
}
