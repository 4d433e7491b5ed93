package httpapi

import (
	"net/http"
	"time"

	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/shield"
)

// resolveCall answers a PBX: always 200 with dial or reject, unless the
// request itself is malformed or unauthorised.
func (h *Handler) resolveCall(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		Caller string `json:"caller"`
		Dialed string `json:"dialed"`
		CallID string `json:"call_id"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := h.d.Shield.Resolve(r.Context(), p, &shield.ResolveParams{Caller: in.Caller, Dialed: in.Dialed, CallID: in.CallID})
	return respond(w, http.StatusOK, a, err)
}

func (h *Handler) issueDialCode(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		CustomerID string `json:"customer_id"`
		Reusable   bool   `json:"reusable"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := h.d.Shield.IssueCode(r.Context(), p, &shield.CodeParams{CustomerID: in.CustomerID, Reusable: in.Reusable})
	return respond(w, http.StatusCreated, c, err)
}

func (h *Handler) createShieldNumber(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		Number  string         `json:"number"`
		Purpose shield.Purpose `json:"purpose"`
		Area    string         `json:"area"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	n, err := h.d.Shield.CreateNumber(r.Context(), p, &shield.NumberParams{Number: in.Number, Purpose: in.Purpose, Area: in.Area})
	return respond(w, http.StatusCreated, n, err)
}

func (h *Handler) listShieldNumbers(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	ns, err := h.d.Shield.Numbers(r.Context(), p)
	return respond(w, http.StatusOK, list(ns), err)
}

func (h *Handler) deleteShieldNumber(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	return respondEmpty(w, h.d.Shield.DeleteNumber(r.Context(), p, r.PathValue("id")))
}

type shieldRuleIn struct {
	Name      *string         `json:"name"`
	Condition *string         `json:"condition"`
	Outcome   *shield.Outcome `json:"outcome"`
	Reason    *string         `json:"reason"`
	CallerID  *string         `json:"caller_id"`
	Record    *bool           `json:"record"`
	Notify    *string         `json:"notify"`
	Position  *int            `json:"position"`
}

func (in *shieldRuleIn) params() *shield.RuleParams {
	return &shield.RuleParams{Name: in.Name, Condition: in.Condition, Outcome: in.Outcome, Reason: in.Reason,
		CallerID: in.CallerID, Record: in.Record, Notify: in.Notify, Position: in.Position}
}

func (h *Handler) createShieldRule(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in shieldRuleIn
	if err := decode(r, &in); err != nil {
		return err
	}
	rl, err := h.d.Shield.CreateRule(r.Context(), p, in.params())
	return respond(w, http.StatusCreated, rl, err)
}

func (h *Handler) listShieldRules(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	rs, err := h.d.Shield.Rules(r.Context(), p)
	return respond(w, http.StatusOK, list(rs), err)
}

func (h *Handler) updateShieldRule(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in shieldRuleIn
	if err := decode(r, &in); err != nil {
		return err
	}
	rl, err := h.d.Shield.UpdateRule(r.Context(), p, r.PathValue("id"), in.params())
	return respond(w, http.StatusOK, rl, err)
}

func (h *Handler) deleteShieldRule(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	return respondEmpty(w, h.d.Shield.DeleteRule(r.Context(), p, r.PathValue("id")))
}

func (h *Handler) testShieldRules(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		AgentID    string     `json:"agent_id"`
		Extension  string     `json:"extension"`
		CustomerID string     `json:"customer_id"`
		Number     string     `json:"number"`
		At         *time.Time `json:"at"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := h.d.Shield.TestRules(r.Context(), p, &shield.TestParams{AgentID: in.AgentID, Extension: in.Extension,
		CustomerID: in.CustomerID, Number: in.Number, At: in.At})
	return respond(w, http.StatusOK, res, err)
}

// listEntries serves GET /api/v1/shield/lists/{block|allow}, paged in
// number order.
func (h *Handler) listEntries(list shield.List) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
		limit, after, err := pageParams(r)
		if err != nil {
			return err
		}
		es, err := h.d.Shield.Entries(r.Context(), p, list, after, limit+1)
		return respond(w, http.StatusOK, newPage(es, limit, func(e *shield.ListEntry) string { return e.Number }), err)
	}
}

func (h *Handler) addEntry(list shield.List) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
		var in struct {
			Number string `json:"number"`
		}
		if err := decode(r, &in); err != nil {
			return err
		}
		e, err := h.d.Shield.AddEntry(r.Context(), p, list, in.Number)
		return respond(w, http.StatusCreated, e, err)
	}
}

func (h *Handler) deleteEntry(list shield.List) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
		return respondEmpty(w, h.d.Shield.DeleteEntry(r.Context(), p, list, r.PathValue("id")))
	}
}

// shieldSettingsJSON shows whether a webhook secret is set, and the secret
// itself only in the answer that drew it.
type shieldSettingsJSON struct {
	*shield.Settings
	WebhookSecretSet bool   `json:"webhook_secret_set"`
	WebhookSecret    string `json:"webhook_secret,omitempty"`
}

func settingsView(s *shield.Settings, secret string) shieldSettingsJSON {
	return shieldSettingsJSON{Settings: s, WebhookSecretSet: s.WebhookSecret != "", WebhookSecret: secret}
}

func (h *Handler) shieldSettings(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	s, err := h.d.Shield.Settings(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsView(s, ""))
	return nil
}

func (h *Handler) updateShieldSettings(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		CodePrefix          *string `json:"code_prefix"`
		CodeLength          *int    `json:"code_length"`
		CodeTTLSeconds      *int    `json:"code_ttl_seconds"`
		FixedCode           *string `json:"fixed_code"`
		WebhookURL          *string `json:"webhook_url"`
		Timezone            *string `json:"timezone"`
		RotateWebhookSecret bool    `json:"rotate_webhook_secret"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	s, secret, err := h.d.Shield.UpdateSettings(r.Context(), p, &shield.SettingsParams{CodePrefix: in.CodePrefix,
		CodeLength: in.CodeLength, CodeTTLSeconds: in.CodeTTLSeconds, FixedCode: in.FixedCode, WebhookURL: in.WebhookURL,
		Timezone: in.Timezone, RotateWebhookSecret: in.RotateWebhookSecret})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsView(s, secret))
	return nil
}

// listShieldDecisions pages decisions newest first, optionally one
// customer's; the cursor is the last one's time and ID.
func (h *Handler) listShieldDecisions(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	q := shield.DecisionListParams{CustomerID: r.URL.Query().Get("customer_id"), Limit: limit + 1}
	if after != "" {
		if q.BeforeAt, q.BeforeID, err = parseTimeKey(after); err != nil {
			return err
		}
	}
	ds, err := h.d.Shield.Decisions(r.Context(), p, q)
	return respond(w, http.StatusOK, newPage(ds, limit, func(d *shield.Decision) string { return timeKey(d.At, d.ID) }), err)
}
