package app

import (
	"context"
	"encoding/json"

	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/store"
)

// cacheSync keeps the node's read caches — identified tokens and the
// shield's customers — true to the database (ADR 0021). This node's
// commits reach it synchronously (committed, from the store), so a
// request that disabled a user or changed a customer (say, made them VIP)
// returns only once this node forgot the old value; other nodes' changes
// reach it over the bus a moment later.
type cacheSync struct {
	a    *App
	subs stoppers
}

// cacheSubjects are the events that change what the caches hold.
var cacheSubjects = []string{event.UserUpdated, event.UserDeleted, event.CredentialsRevoked, event.TenantUpdated,
	customer.EventUpdated, customer.EventMerged}

func (c *cacheSync) Start(context.Context) error {
	return c.subs.subscribe(c.a.Bus, c.handle, cacheSubjects...)
}

func (c *cacheSync) Stop() { c.subs.stop() }

// committed is the store's hook: events this node just committed.
func (c *cacheSync) committed(evs []store.Committed) {
	for _, ev := range evs {
		c.handle(ev.Subject, ev.Payload)
	}
}

func (c *cacheSync) handle(subject string, data []byte) {
	switch subject {
	case event.UserUpdated, event.UserDeleted, event.CredentialsRevoked, event.TenantUpdated:
		if c.a.Auth != nil {
			c.a.Auth.ForgetIdentities()
		}
	case customer.EventUpdated, customer.EventMerged:
		// Both carry the customer's id; a merge also the source's.
		var env envelope[customer.MergeEvent]
		if json.Unmarshal(data, &env) != nil || env.TenantID == "" || c.a.Shield == nil {
			return
		}
		c.a.Shield.ForgetCustomer(env.TenantID, env.Data.ID)
		if env.Data.SourceID != "" {
			c.a.Shield.ForgetCustomer(env.TenantID, env.Data.SourceID)
		}
	}
}
