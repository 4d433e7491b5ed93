package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/auth"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/tenant"
	"github.com/switchboardhq/switchboard/internal/user"
)

// sessionCookie carries the session token for the web UI. It is HttpOnly;
// unsafe requests authenticated by it must be same-origin.
const sessionCookie = "sb_session"

type meJSON struct {
	ID          string                  `json:"id"`
	Email       string                  `json:"email"`
	Name        string                  `json:"name"`
	Role        permission.Role         `json:"role"`
	Status      user.Status             `json:"status"`
	TenantID    *string                 `json:"tenant_id"`
	Tenant      *tenant.Tenant          `json:"tenant"`
	Permissions []permission.Permission `json:"permissions"`
	TeamIDs     []string                `json:"team_ids"`
	Skills      []user.SkillLevel       `json:"skills"`
	CreatedAt   time.Time               `json:"created_at"`
	UpdatedAt   time.Time               `json:"updated_at"`
}

type sessionJSON struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      *meJSON   `json:"user"`
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request, _ *permission.Principal) error {
	var in struct{ Email, Password string }
	if err := decode(r, &in); err != nil {
		return err
	}
	s, err := h.d.Auth.Login(r.Context(), &auth.LoginParams{Email: in.Email, Password: in.Password, IP: h.clientIP(r)})
	if err != nil {
		return err
	}
	return h.writeSession(w, r, s)
}

func (h *Handler) acceptInvite(w http.ResponseWriter, r *http.Request, _ *permission.Principal) error {
	var in struct{ Token, Password, Name string }
	if err := decode(r, &in); err != nil {
		return err
	}
	s, err := h.d.Auth.AcceptInvite(r.Context(), &auth.AcceptInviteParams{Token: in.Token, Password: in.Password, Name: in.Name, IP: h.clientIP(r)})
	if err != nil {
		return err
	}
	return h.writeSession(w, r, s)
}

func (h *Handler) writeSession(w http.ResponseWriter, r *http.Request, s *auth.Session) error {
	me, err := h.meOf(r, s.User, s.User.Role.Grants())
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.Token, Path: "/", Expires: s.ExpiresAt,
		HttpOnly: true, Secure: strings.HasPrefix(h.d.BaseURL, "https://"), SameSite: http.SameSiteLaxMode})
	writeJSON(w, http.StatusOK, sessionJSON{Token: s.Token, ExpiresAt: s.ExpiresAt, User: me})
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	if err := h.d.Auth.Logout(r.Context(), p); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	u, err := h.d.Auth.Me(r.Context(), p)
	if err != nil {
		return err
	}
	me, err := h.meOf(r, u, p.Perms)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, me)
	return nil
}

func (h *Handler) meOf(r *http.Request, u *user.User, perms permission.Set) (*meJSON, error) {
	me := &meJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Status: u.Status,
		Permissions: perms.Sorted(), TeamIDs: u.TeamIDs, Skills: u.Skills, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	if u.TenantID != "" {
		t, err := h.d.Tenants.Get(r.Context(), u.TenantID)
		if err != nil {
			return nil, err
		}
		me.TenantID, me.Tenant = &u.TenantID, t
	}
	return me, nil
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := h.d.Auth.ChangePassword(r.Context(), p, in.Current, in.New); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
