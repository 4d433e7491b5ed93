package httpapi

import (
	"net/http"

	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/tenant"
)

// getSettings answers any signed-in user of a tenant: the app needs the
// tenant's default language before anything else.
func (h *Handler) getSettings(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	s, err := h.d.Tenants.Settings(r.Context(), p)
	return respond(w, http.StatusOK, s, err)
}

func (h *Handler) updateSettings(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		Name                  *string `json:"name"`
		DefaultLocale         *string `json:"default_locale"`
		AutoResolveAfterHours *int    `json:"auto_resolve_after_hours"`
		DefaultRegion         *string `json:"default_region"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	s, err := h.d.Tenants.UpdateSettings(r.Context(), p, &tenant.SettingsParams{Name: in.Name,
		DefaultLocale: in.DefaultLocale, AutoResolveAfterHours: in.AutoResolveAfterHours, DefaultRegion: in.DefaultRegion})
	return respond(w, http.StatusOK, s, err)
}
