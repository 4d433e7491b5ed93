package httpapi

import (
	"net/http"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/auth"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/tenant"
)

type tenantCreatedJSON struct {
	*tenant.Tenant
	AdminID string `json:"admin_id"`
}

func (h *Handler) createTenant(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		Name          string `json:"name"`
		AdminEmail    string `json:"admin_email"`
		AdminPassword string `json:"admin_password"`
		AdminName     string `json:"admin_name"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := h.d.Tenants.Create(r.Context(), p, &tenant.CreateParams{Name: in.Name, AdminEmail: in.AdminEmail,
		AdminPassword: in.AdminPassword, AdminName: in.AdminName})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tenantCreatedJSON{Tenant: c.Tenant, AdminID: c.Admin.ID})
	return nil
}

func (h *Handler) listTenants(w http.ResponseWriter, r *http.Request, _ *permission.Principal) error {
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	ts, err := h.d.Tenants.List(r.Context(), tenant.ListParams{After: after, Limit: limit + 1})
	return respond(w, http.StatusOK, newPage(ts, limit, func(t *tenant.Tenant) string { return t.ID }), err)
}

func (h *Handler) getTenant(w http.ResponseWriter, r *http.Request, _ *permission.Principal) error {
	t, err := h.d.Tenants.Get(r.Context(), r.PathValue("id"))
	return respond(w, http.StatusOK, t, err)
}

func (h *Handler) updateTenant(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		Name   *string        `json:"name"`
		Status *tenant.Status `json:"status"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := h.d.Tenants.Update(r.Context(), p, r.PathValue("id"), &tenant.UpdateParams{Name: in.Name, Status: in.Status})
	return respond(w, http.StatusOK, t, err)
}

type tokenCreatedJSON struct {
	*auth.Token
	Secret string `json:"token"`
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		Name      string                  `json:"name"`
		Scopes    []permission.Permission `json:"scopes"`
		ExpiresAt *time.Time              `json:"expires_at"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := h.d.Auth.CreateToken(r.Context(), p, &auth.CreateTokenParams{Name: in.Name, Scopes: in.Scopes, ExpiresAt: in.ExpiresAt})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tokenCreatedJSON{Token: c.Token, Secret: c.Plain})
	return nil
}

func (h *Handler) listTokens(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	ts, err := h.d.Auth.ListTokens(r.Context(), p)
	return respond(w, http.StatusOK, page[*auth.Token]{Data: ts}, err)
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	return respondEmpty(w, h.d.Auth.RevokeToken(r.Context(), p, r.PathValue("id")))
}

func (h *Handler) listAudit(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	limit, before, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	es, err := h.d.Audit.List(r.Context(), &audit.ListParams{TenantID: p.TenantID, Action: q.Get("action"),
		ActorID: q.Get("actor_id"), TargetID: q.Get("target_id"), Before: before, Limit: limit + 1})
	return respond(w, http.StatusOK, newPage(es, limit, func(e *audit.Entry) string { return e.ID }), err)
}
