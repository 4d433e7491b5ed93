package httpapi

import (
	"net/http"
	"time"

	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/user"
)

// userJSON is a user as the API shows it; the invite link appears only in
// the response that created it.
type userJSON struct {
	*user.User
	InviteURL       string     `json:"invite_url,omitempty"`
	InviteExpiresAt *time.Time `json:"invite_expires_at,omitempty"`
}

func (h *Handler) withInvite(c *user.Created) userJSON {
	out := userJSON{User: c.User}
	if c.InviteToken != "" {
		out.InviteURL = h.d.BaseURL + "/invite#token=" + c.InviteToken
		out.InviteExpiresAt = &c.InviteUntil
	}
	return out
}

type userIn struct {
	Email    string             `json:"email"`
	Name     *string            `json:"name"`
	Role     *permission.Role   `json:"role"`
	Status   *user.Status       `json:"status"`
	Password *string            `json:"password"`
	TeamIDs  *[]string          `json:"team_ids"`
	Skills   *[]user.SkillLevel `json:"skills"`
	Capacity map[string]int     `json:"capacity"`
	// Extension is the phone extension ("" removes it); Level the
	// seniority the shield's rules read.
	Extension *string `json:"extension"`
	Level     *int    `json:"level"`
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in userIn
	if err := decode(r, &in); err != nil {
		return err
	}
	cp := &user.CreateParams{Email: in.Email, Name: deref(in.Name), Role: deref(in.Role), Password: deref(in.Password),
		TeamIDs: derefSlice(in.TeamIDs), Skills: derefSlice(in.Skills), Extension: deref(in.Extension), Level: deref(in.Level)}
	c, err := h.d.Users.Create(r.Context(), p, cp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, h.withInvite(c))
	return nil
}

func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	us, err := h.d.Users.List(r.Context(), p, user.ListParams{After: after, Limit: limit + 1,
		Role: permission.Role(q.Get("role")), Status: user.Status(q.Get("status")), TeamID: q.Get("team_id")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(us, limit, func(u *user.User) string { return u.ID }))
	return nil
}

func (h *Handler) getUser(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	u, err := h.d.Users.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (h *Handler) updateUser(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in userIn
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := h.d.Users.Update(r.Context(), p, r.PathValue("id"), &user.UpdateParams{Name: in.Name, Role: in.Role,
		Status: in.Status, Password: in.Password, TeamIDs: in.TeamIDs, Skills: in.Skills, Capacity: in.Capacity,
		Extension: in.Extension, Level: in.Level})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (h *Handler) deleteUser(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	if err := h.d.Users.Delete(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) reinviteUser(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	c, err := h.d.Users.Reinvite(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h.withInvite(c))
	return nil
}

func deref[T any](v *T) T {
	var zero T
	if v == nil {
		return zero
	}
	return *v
}

func derefSlice[T any](v *[]T) []T {
	if v == nil {
		return []T{}
	}
	return *v
}
