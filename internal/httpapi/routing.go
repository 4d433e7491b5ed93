package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/routing"
)

// list wraps a complete (unpaged) list in the page envelope.
func list[T any](items []T) page[T] {
	if items == nil {
		items = []T{}
	}
	return page[T]{Data: items}
}

func (h *Handler) createQueue(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in routing.QueueParams
	if err := decode(r, &in); err != nil {
		return err
	}
	q, err := h.d.Routing.CreateQueue(r.Context(), p, &in)
	return respond(w, http.StatusCreated, q, err)
}

func (h *Handler) listQueues(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	qs, err := h.d.Routing.ListQueues(r.Context(), p)
	return respond(w, http.StatusOK, list(qs), err)
}

func (h *Handler) getQueue(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	q, err := h.d.Routing.GetQueue(r.Context(), p, r.PathValue("id"))
	return respond(w, http.StatusOK, q, err)
}

// updateQueue changes the fields present; "hours": null makes the queue
// always open.
func (h *Handler) updateQueue(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var raw map[string]json.RawMessage
	if err := decode(r, &raw); err != nil {
		return err
	}
	var in routing.QueueParams
	if err := remarshal(raw, &in); err != nil {
		return err
	}
	if v, ok := raw["hours"]; ok && string(v) == "null" {
		in.ClearHours = true
	}
	q, err := h.d.Routing.UpdateQueue(r.Context(), p, r.PathValue("id"), &in)
	return respond(w, http.StatusOK, q, err)
}

func (h *Handler) deleteQueue(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	return respondEmpty(w, h.d.Routing.DeleteQueue(r.Context(), p, r.PathValue("id")))
}

func (h *Handler) queueStats(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	if _, err := h.d.Routing.GetQueue(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	st, err := h.d.Routing.Stats(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, st[0], nil)
}

func (h *Handler) allQueueStats(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	st, err := h.d.Routing.Stats(r.Context(), p, "")
	return respond(w, http.StatusOK, list(st), err)
}

// hourlyStats counts a day's routed work by local hour; an unknown
// queue_id is 404, like the queue's own stats.
func (h *Handler) hourlyStats(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	q := r.URL.Query()
	st, err := h.d.Routing.HourlyStats(r.Context(), p, &routing.HourlyParams{Date: q.Get("date"), QueueID: q.Get("queue_id")})
	return respond(w, http.StatusOK, st, err)
}

type presenceIn struct {
	Status routing.Presence `json:"status"`
	Reason string           `json:"reason"`
}

func (h *Handler) setPresence(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in presenceIn
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := h.d.Routing.SetPresence(r.Context(), p, r.PathValue("id"), in.Status, in.Reason)
	return respond(w, http.StatusOK, a, err)
}

func (h *Handler) listAgents(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	as, err := h.d.Routing.Agents(r.Context(), p)
	return respond(w, http.StatusOK, list(as), err)
}

func (h *Handler) agentState(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	a, err := h.d.Routing.AgentState(r.Context(), p, r.PathValue("id"))
	return respond(w, http.StatusOK, a, err)
}

func (h *Handler) acceptOffer(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	it, err := h.d.Routing.Accept(r.Context(), p, r.PathValue("id"))
	return respond(w, http.StatusOK, it, err)
}

func (h *Handler) declineOffer(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	it, err := h.d.Routing.Decline(r.Context(), p, r.PathValue("id"))
	return respond(w, http.StatusOK, it, err)
}

func (h *Handler) listRules(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	rs, err := h.d.Routing.Rules(r.Context(), p)
	return respond(w, http.StatusOK, list(rs), err)
}

type rulesIn struct {
	Rules []*routing.Rule `json:"rules"`
}

func (h *Handler) replaceRules(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in rulesIn
	if err := decode(r, &in); err != nil {
		return err
	}
	rs, err := h.d.Routing.ReplaceRules(r.Context(), p, in.Rules)
	return respond(w, http.StatusOK, list(rs), err)
}

func (h *Handler) routingSettings(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	s, err := h.d.Routing.Settings(r.Context(), p)
	return respond(w, http.StatusOK, s, err)
}

func (h *Handler) setRoutingSettings(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	in := routing.DefaultSettings() // fields left out keep their defaults
	if err := decode(r, in); err != nil {
		return err
	}
	s, err := h.d.Routing.SetSettings(r.Context(), p, in)
	return respond(w, http.StatusOK, s, err)
}

func (h *Handler) listAwayReasons(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	rs, err := h.d.Routing.AwayReasons(r.Context(), p)
	return respond(w, http.StatusOK, list(rs), err)
}

type awayReasonIn struct {
	Name string `json:"name"`
}

func (h *Handler) createAwayReason(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in awayReasonIn
	if err := decode(r, &in); err != nil {
		return err
	}
	rs, err := h.d.Routing.CreateAwayReason(r.Context(), p, in.Name)
	return respond(w, http.StatusCreated, rs, err)
}

func (h *Handler) deleteAwayReason(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	return respondEmpty(w, h.d.Routing.DeleteAwayReason(r.Context(), p, r.PathValue("id")))
}

// remarshal decodes an already parsed object into v.
func remarshal(raw map[string]json.RawMessage, v any) error {
	b, err := json.Marshal(raw)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return errcode.Wrap(errcode.InvalidJSON, "the request body does not fit the schema", err)
	}
	return nil
}
