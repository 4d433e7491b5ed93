package shield_test

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/shield"
)

// directory is every look-up a decision makes, in memory.
type directory struct {
	agents    map[string]*shield.Agent    // by extension
	customers map[string]*shield.Customer // by ID
	current   map[string]string           // agent → customer of their work item
	codes     map[string]*shield.DialCode // agent|code
	last      map[string]string           // binding → last caller
}

func newDirectory() *directory {
	return &directory{agents: map[string]*shield.Agent{}, customers: map[string]*shield.Customer{},
		current: map[string]string{}, codes: map[string]*shield.DialCode{}, last: map[string]string{}}
}

func (d *directory) AgentByExtension(_ context.Context, _, ext string) (*shield.Agent, error) {
	if a, ok := d.agents[ext]; ok {
		return a, nil
	}
	return nil, shield.ErrUnknownAgent
}

func (d *directory) Agent(_ context.Context, _, id string) (*shield.Agent, error) {
	for _, a := range d.agents {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, shield.ErrUnknownAgent
}

func (d *directory) Customer(_ context.Context, _, id string) (*shield.Customer, error) {
	if c, ok := d.customers[id]; ok {
		return c, nil
	}
	return nil, shield.ErrUnknownCustomer
}

func (d *directory) CustomerByPhone(_ context.Context, _, e164 string) (string, error) {
	for _, c := range d.customers {
		for _, p := range c.Phones {
			if p == e164 {
				return c.ID, nil
			}
		}
	}
	return "", nil
}

func (d *directory) CurrentCustomer(_ context.Context, _, agentID string) (string, error) {
	return d.current[agentID], nil
}

func (d *directory) Code(_ context.Context, _, agentID, code string) (*shield.DialCode, error) {
	if c, ok := d.codes[agentID+"|"+code]; ok {
		return c, nil
	}
	return nil, shield.ErrCodeUnknown
}

func (d *directory) LastCaller(_ context.Context, _, bindingID string) (string, error) {
	return d.last[bindingID], nil
}

func (d *directory) sources() *shield.Sources {
	return &shield.Sources{Agents: d, Customers: d, Assignments: d, Codes: d, LastCallers: d}
}

func (d *directory) addCode(agentID, code, customerID string, expires time.Time, reusable bool) *shield.DialCode {
	c := &shield.DialCode{TenantID: "t1", Code: code, AgentID: agentID, CustomerID: customerID, Reusable: reusable,
		ExpiresAt: expires}
	d.codes[agentID+"|"+code] = c
	return c
}

func ptr[T any](v T) *T { return &v }
