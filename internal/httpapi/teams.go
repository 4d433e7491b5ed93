package httpapi

import (
	"net/http"

	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/skill"
	"github.com/switchboardhq/switchboard/internal/team"
)

type teamIn struct {
	Name        *string   `json:"name"`
	Description *string   `json:"description"`
	MemberIDs   *[]string `json:"member_ids"`
}

func (in *teamIn) params() *team.Params {
	return &team.Params{Name: in.Name, Description: in.Description, MemberIDs: in.MemberIDs}
}

func (h *Handler) createTeam(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in teamIn
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := h.d.Teams.Create(r.Context(), p, in.params())
	return respond(w, http.StatusCreated, t, err)
}

func (h *Handler) listTeams(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	ts, err := h.d.Teams.List(r.Context(), p, team.ListParams{After: after, Limit: limit + 1})
	return respond(w, http.StatusOK, newPage(ts, limit, func(t *team.Team) string { return t.ID }), err)
}

func (h *Handler) getTeam(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	t, err := h.d.Teams.Get(r.Context(), p, r.PathValue("id"))
	return respond(w, http.StatusOK, t, err)
}

func (h *Handler) updateTeam(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in teamIn
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := h.d.Teams.Update(r.Context(), p, r.PathValue("id"), in.params())
	return respond(w, http.StatusOK, t, err)
}

func (h *Handler) deleteTeam(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	return respondEmpty(w, h.d.Teams.Delete(r.Context(), p, r.PathValue("id")))
}

type skillIn struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

func (h *Handler) createSkill(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in skillIn
	if err := decode(r, &in); err != nil {
		return err
	}
	s, err := h.d.Skills.Create(r.Context(), p, &skill.Params{Name: in.Name, Description: in.Description})
	return respond(w, http.StatusCreated, s, err)
}

func (h *Handler) listSkills(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	ss, err := h.d.Skills.List(r.Context(), p, skill.ListParams{After: after, Limit: limit + 1})
	return respond(w, http.StatusOK, newPage(ss, limit, func(s *skill.Skill) string { return s.ID }), err)
}

func (h *Handler) getSkill(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	s, err := h.d.Skills.Get(r.Context(), p, r.PathValue("id"))
	return respond(w, http.StatusOK, s, err)
}

func (h *Handler) updateSkill(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in skillIn
	if err := decode(r, &in); err != nil {
		return err
	}
	s, err := h.d.Skills.Update(r.Context(), p, r.PathValue("id"), &skill.Params{Name: in.Name, Description: in.Description})
	return respond(w, http.StatusOK, s, err)
}

func (h *Handler) deleteSkill(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	return respondEmpty(w, h.d.Skills.Delete(r.Context(), p, r.PathValue("id")))
}

// respond writes v with status unless err is set.
func respond(w http.ResponseWriter, status int, v any, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, v)
	return nil
}

// respondEmpty writes 204 unless err is set.
func respondEmpty(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
