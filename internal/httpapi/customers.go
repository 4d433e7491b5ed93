package httpapi

import (
	"net/http"
	"strings"

	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Every customer answer is a customer.View, masked for every caller; the
// only unmasked one is the reveal's (ADR 0019).

type customerIn struct {
	Name         *string              `json:"name"`
	Tier         *string              `json:"tier"`
	Phones       *[]string            `json:"phones"`
	Emails       *[]string            `json:"emails"`
	Tags         *[]string            `json:"tags"`
	Attributes   *map[string]any      `json:"attributes"`
	Consent      *map[string]bool     `json:"consent"`
	DoNotContact *bool                `json:"do_not_contact"`
	OwnerID      *string              `json:"owner_id"`
	Identities   *[]customer.Identity `json:"identities"`
}

func (in *customerIn) params() *customer.Params {
	return &customer.Params{Name: in.Name, Tier: in.Tier, Phones: in.Phones, Emails: in.Emails, Tags: in.Tags,
		Attributes: in.Attributes, Consent: in.Consent, DoNotContact: in.DoNotContact, OwnerID: in.OwnerID,
		Identities: in.Identities}
}

// attrPrefix marks attribute filters: ?attr.plan=gold.
const attrPrefix = "attr."

// listCustomers pages in ID order, so the cursor is an ID.
func (h *Handler) listCustomers(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	q := customer.Query{Q: v.Get("q"), Tag: v.Get("tag"), Tier: v.Get("tier"), OwnerID: v.Get("owner_id"),
		Phone: v.Get("phone"), Email: v.Get("email"), After: after, Limit: limit + 1}
	for k := range v {
		if name, ok := strings.CutPrefix(k, attrPrefix); ok {
			if q.Attributes == nil {
				q.Attributes = map[string]string{}
			}
			q.Attributes[name] = v.Get(k)
		}
	}
	cs, err := h.d.Customers.List(r.Context(), p, q)
	return respond(w, http.StatusOK, newPage(cs, limit, func(c *customer.View) string { return c.ID }), err)
}

func (h *Handler) createCustomer(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in customerIn
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := h.d.Customers.Create(r.Context(), p, in.params())
	return respond(w, http.StatusCreated, c, err)
}

func (h *Handler) getCustomer(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	c, err := h.d.Customers.Get(r.Context(), p, r.PathValue("id"))
	return respond(w, http.StatusOK, c, err)
}

func (h *Handler) updateCustomer(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in customerIn
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := h.d.Customers.Update(r.Context(), p, r.PathValue("id"), in.params())
	return respond(w, http.StatusOK, c, err)
}

func (h *Handler) revealCustomer(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := h.d.Customers.Reveal(r.Context(), p, r.PathValue("id"), in.Reason)
	return respond(w, http.StatusOK, c, err)
}

func (h *Handler) mergeCustomers(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		TargetID string `json:"target_id"`
		SourceID string `json:"source_id"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := h.d.Customers.Merge(r.Context(), p, in.TargetID, in.SourceID)
	return respond(w, http.StatusOK, c, err)
}

func (h *Handler) customerTimeline(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return err
	}
	tp := customer.TimelineParams{CustomerID: r.PathValue("id"), Limit: limit + 1}
	if cursor != "" {
		if tp.BeforeAt, tp.BeforeID, err = parseTimeKey(cursor); err != nil {
			return err
		}
	}
	es, err := h.d.Customers.Timeline(r.Context(), p, tp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(es, limit, func(e *customer.TimelineEntry) string { return timeKey(e.StartedAt, e.ID) }))
	return nil
}

type tierIn struct {
	Name     string  `json:"name"`
	Label    *string `json:"label"`
	Position *int    `json:"position"`
}

// listCustomerTiers returns every tier (a tenant has at most 50) as one
// page.
func (h *Handler) listCustomerTiers(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	ts, err := h.d.Customers.Tiers(r.Context(), p)
	return respond(w, http.StatusOK, newPage(ts, len(ts), func(*customer.Tier) string { return "" }), err)
}

func (h *Handler) createCustomerTier(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in tierIn
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := h.d.Customers.CreateTier(r.Context(), p, &customer.TierParams{Name: in.Name, Label: in.Label, Position: in.Position})
	return respond(w, http.StatusCreated, t, err)
}

func (h *Handler) updateCustomerTier(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in tierIn
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := h.d.Customers.UpdateTier(r.Context(), p, &customer.TierParams{Name: r.PathValue("name"), Label: in.Label,
		Position: in.Position})
	return respond(w, http.StatusOK, t, err)
}

func (h *Handler) deleteCustomerTier(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	return respondEmpty(w, h.d.Customers.DeleteTier(r.Context(), p, r.PathValue("name")))
}
