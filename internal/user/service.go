package user

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/secret"
)

// Service applies the rules for managing users.
type Service struct {
	cfg Config
}

// Config wires a Service.
type Config struct {
	// Users serves reads outside transactions.
	Users Store
	// InTx runs fn in one database transaction.
	InTx func(ctx context.Context, fn func(Tx) error) error
	// Rand supplies invite tokens.
	Rand io.Reader
	// Hasher hashes passwords.
	Hasher secret.Hasher
	// Now is the clock.
	Now func() time.Time
	// NewID returns a new time-ordered unique ID.
	NewID func() string
	// InviteTTL is how long invite links stay valid.
	InviteTTL time.Duration
}

// NewService returns a Service.
func NewService(cfg Config) *Service { return &Service{cfg: cfg} }

// CreateParams describes a new tenant user. Without a password the user is
// invited: Create returns a one-time invite token.
type CreateParams struct {
	Email    string
	Name     string
	Role     permission.Role
	Password string
	TeamIDs  []string
	Skills   []SkillLevel
	// Extension is the phone extension, "" for none; Level is 1 when 0.
	Extension string
	Level     int
}

// Created is the result of Create.
type Created struct {
	User *User
	// InviteToken is set when the user was invited; it is shown once.
	InviteToken string
	InviteUntil time.Time
}

// Create adds a user to the caller's tenant.
func (s *Service) Create(ctx context.Context, by *permission.Principal, p *CreateParams) (*Created, error) {
	email, err := NormalizeEmail(p.Email)
	if err != nil {
		return nil, err
	}
	if !p.Role.TenantRole() {
		return nil, errcode.Errorf(errcode.UnknownRole, "role %q is not one of admin, supervisor, agent", p.Role)
	}
	if err := checkSkills(p.Skills); err != nil {
		return nil, err
	}
	if p.Level == 0 {
		p.Level = 1
	}
	if err := checkPhone(p.Extension, p.Level); err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	u := &User{
		ID: s.cfg.NewID(), TenantID: by.TenantID, Email: email, Name: strings.TrimSpace(p.Name),
		Role: p.Role, Status: StatusInvited, TeamIDs: dedupe(p.TeamIDs), Skills: sortSkills(p.Skills),
		Capacity: DefaultCapacity(), Extension: p.Extension, Level: p.Level, CreatedAt: now, UpdatedAt: now,
	}
	if p.Password != "" {
		if u.PasswordHash, err = s.hash(p.Password); err != nil {
			return nil, err
		}
		u.Status = StatusActive
	}
	out := &Created{User: u}
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.Users().Create(ctx, u); err != nil {
			return err
		}
		action := audit.ActionUserCreated
		if u.Status == StatusInvited {
			tok, until, err := s.invite(ctx, tx, u)
			if err != nil {
				return err
			}
			out.InviteToken, out.InviteUntil = tok, until
			action = audit.ActionUserInvited
		}
		return record(ctx, tx, by, action, u.ID, now, map[string]any{"role": u.Role},
			event.Event{Subject: event.UserCreated, Data: event.Change{ID: u.ID}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Reinvite replaces any pending invite of an invited user with a new one.
func (s *Service) Reinvite(ctx context.Context, by *permission.Principal, id string) (*Created, error) {
	now := s.cfg.Now()
	out := &Created{}
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		u, err := tx.Users().Get(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		if u.Status != StatusInvited {
			return errcode.New(errcode.Conflict, "only invited users can be re-invited")
		}
		if out.InviteToken, out.InviteUntil, err = s.invite(ctx, tx, u); err != nil {
			return err
		}
		out.User = u
		return record(ctx, tx, by, audit.ActionUserInvited, u.ID, now, nil)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) invite(ctx context.Context, tx Tx, u *User) (string, time.Time, error) {
	tok, err := secret.NewToken(s.cfg.Rand, "sbi")
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.cfg.Now()
	inv := &Invite{Digest: tok.Digest, TenantID: u.TenantID, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.cfg.InviteTTL)}
	if err := tx.Users().DeleteInvites(ctx, u.TenantID, u.ID); err != nil {
		return "", time.Time{}, err
	}
	if err := tx.Users().CreateInvite(ctx, inv); err != nil {
		return "", time.Time{}, err
	}
	return tok.Plain, inv.ExpiresAt, nil
}

// Get returns one user of the caller's tenant.
func (s *Service) Get(ctx context.Context, by *permission.Principal, id string) (*User, error) {
	return s.cfg.Users.Get(ctx, by.TenantID, id)
}

// List returns a page of the caller's tenant's users.
func (s *Service) List(ctx context.Context, by *permission.Principal, p ListParams) ([]*User, error) {
	p.TenantID = by.TenantID
	return s.cfg.Users.List(ctx, &p)
}

// UpdateParams is a partial update; nil fields stay as they are.
type UpdateParams struct {
	Name     *string
	Role     *permission.Role
	Status   *Status // active or disabled
	Password *string // an admin's reset
	TeamIDs  *[]string
	Skills   *[]SkillLevel
	// Capacity sets the channels given; the others keep their value.
	Capacity map[string]int
	// Extension sets the phone extension; "" removes it.
	Extension *string
	Level     *int
}

// Update changes a user of the caller's tenant.
func (s *Service) Update(ctx context.Context, by *permission.Principal, id string, p *UpdateParams) (*User, error) {
	if err := s.checkUpdate(by, id, p); err != nil {
		return nil, err
	}
	var hash string
	if p.Password != nil {
		var err error
		if hash, err = s.hash(*p.Password); err != nil {
			return nil, err
		}
	}
	now := s.cfg.Now()
	var out *User
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		u, err := tx.Users().Get(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		wasAdmin := u.Role == permission.RoleAdmin && u.Status == StatusActive
		fields, details := apply(u, p)
		if hash != "" {
			// A reset activates an invited user (the invite is withdrawn)
			// and signs the user out everywhere.
			if u.Status == StatusInvited {
				u.Status = StatusActive
				fields = append(fields, "status")
			}
			fields = append(fields, "password")
			err := tx.Users().SetPassword(ctx, &SetPasswordParams{TenantID: u.TenantID, ID: u.ID, Hash: hash,
				Status: u.Status, At: now, SignOut: true})
			if err != nil {
				return err
			}
		}
		if len(fields) == 0 {
			out = u
			return nil
		}
		u.UpdatedAt = now
		if err := tx.Users().Update(ctx, u); err != nil {
			return err
		}
		if wasAdmin && (u.Role != permission.RoleAdmin || u.Status != StatusActive) {
			if err := ensureAdminLeft(ctx, tx, u.TenantID); err != nil {
				return err
			}
		}
		out = u
		details["fields"] = fields
		return record(ctx, tx, by, audit.ActionUserUpdated, u.ID, now, details,
			event.Event{Subject: event.UserUpdated, Data: event.Change{ID: u.ID, Fields: fields}})
	})
	return out, err
}

func (s *Service) checkUpdate(by *permission.Principal, id string, p *UpdateParams) error {
	if p.Role != nil && !p.Role.TenantRole() {
		return errcode.Errorf(errcode.UnknownRole, "role %q is not one of admin, supervisor, agent", *p.Role)
	}
	if p.Status != nil && *p.Status != StatusActive && *p.Status != StatusDisabled {
		return errcode.New(errcode.ValidationFailed, "status must be active or disabled")
	}
	if p.Skills != nil {
		if err := checkSkills(*p.Skills); err != nil {
			return err
		}
	}
	if p.Extension != nil || p.Level != nil {
		ext, level := "", 1
		if p.Extension != nil {
			ext = *p.Extension
		}
		if p.Level != nil {
			level = *p.Level
		}
		if err := checkPhone(ext, level); err != nil {
			return err
		}
	}
	for ch, n := range p.Capacity {
		if !slices.Contains(CapacityChannels(), ch) {
			return errcode.Errorf(errcode.ValidationFailed, "capacity: %q is not one of chat, voice, email, task", ch)
		}
		if n < 0 || n > maxCapacity {
			return errcode.Errorf(errcode.ValidationFailed, "capacity: %s must be 0 to %d", ch, maxCapacity)
		}
	}
	if id == by.UserID {
		demote := p.Role != nil && *p.Role != by.Role
		disable := p.Status != nil && *p.Status != StatusActive
		if demote || disable {
			return ErrSelfChange
		}
	}
	return nil
}

// apply copies the set fields of p onto u and lists what changed.
func apply(u *User, p *UpdateParams) ([]string, map[string]any) {
	var fields []string
	details := map[string]any{}
	if p.Name != nil && strings.TrimSpace(*p.Name) != u.Name {
		u.Name = strings.TrimSpace(*p.Name)
		fields = append(fields, "name")
	}
	if p.Role != nil && *p.Role != u.Role {
		details["role_from"], details["role_to"] = u.Role, *p.Role
		u.Role = *p.Role
		fields = append(fields, "role")
	}
	if p.Status != nil && *p.Status != u.Status && u.Status != StatusInvited {
		details["status_from"], details["status_to"] = u.Status, *p.Status
		u.Status = *p.Status
		fields = append(fields, "status")
	}
	if p.TeamIDs != nil && !sameSet(*p.TeamIDs, u.TeamIDs) {
		u.TeamIDs = dedupe(*p.TeamIDs)
		fields = append(fields, "team_ids")
	}
	if p.Skills != nil && !slices.Equal(sortSkills(*p.Skills), u.Skills) {
		u.Skills = sortSkills(*p.Skills)
		fields = append(fields, "skills")
	}
	if p.Extension != nil && *p.Extension != u.Extension {
		u.Extension = *p.Extension
		fields = append(fields, "extension")
	}
	if p.Level != nil && *p.Level != u.Level {
		details["level_from"], details["level_to"] = u.Level, *p.Level
		u.Level = *p.Level
		fields = append(fields, "level")
	}
	if len(p.Capacity) > 0 {
		c := maps.Clone(u.Capacity)
		if c == nil {
			c = DefaultCapacity()
		}
		maps.Copy(c, p.Capacity)
		if !maps.Equal(c, u.Capacity) {
			u.Capacity = c
			fields = append(fields, "capacity")
		}
	}
	return fields, details
}

// Delete removes a user of the caller's tenant and revokes their sessions.
func (s *Service) Delete(ctx context.Context, by *permission.Principal, id string) error {
	if id == by.UserID {
		return ErrSelfChange
	}
	now := s.cfg.Now()
	return s.cfg.InTx(ctx, func(tx Tx) error {
		u, err := tx.Users().Get(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		if err := tx.Users().Delete(ctx, by.TenantID, id, now); err != nil {
			return err
		}
		if u.Role == permission.RoleAdmin && u.Status == StatusActive {
			if err := ensureAdminLeft(ctx, tx, by.TenantID); err != nil {
				return err
			}
		}
		return record(ctx, tx, by, audit.ActionUserDeleted, id, now, map[string]any{"role": u.Role},
			event.Event{Subject: event.UserDeleted, Data: event.Change{ID: id}})
	})
}

func ensureAdminLeft(ctx context.Context, tx Tx, tenantID string) error {
	n, err := tx.Users().CountActiveAdmins(ctx, tenantID)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrLastAdmin
	}
	return nil
}

func (s *Service) hash(pw string) (string, error) {
	if why := secret.CheckPasswordPolicy(pw); why != "" {
		return "", errcode.New(errcode.PasswordTooWeak, why)
	}
	h, err := s.cfg.Hasher.HashPassword(pw)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// record writes an audit entry about user target, and events, in the
// current transaction.
func record(ctx context.Context, tx Tx, by *permission.Principal, action, target string, at time.Time, details map[string]any, evs ...event.Event) error {
	return audit.Record(ctx, tx, audit.By(by, action, "user", target, at).With(details), evs...)
}

// NormalizeEmail validates an address and returns it lower-cased, which is
// the form used for uniqueness and login.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !validDomain(s[strings.LastIndexByte(s, '@')+1:]) {
		return "", errcode.New(errcode.ValidationFailed, "email is not a valid address").
			WithDetails(errcode.Detail{Field: "email", Message: "must be an address like name@example.com"})
	}
	return strings.ToLower(s), nil
}

// validDomain accepts host names of two or more labels made of letters
// (including non-Latin ones), digits and inner hyphens, with a top-level
// label that is not numeric; it refuses IP literals.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(d) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return strings.IndexFunc(labels[len(labels)-1], func(r rune) bool { return !unicode.IsDigit(r) }) >= 0
}

// maxLevel bounds a user's level.
const maxLevel = 100

// checkPhone validates an extension ("" for none) and a level.
func checkPhone(ext string, level int) error {
	if ext != "" && (len(ext) < 2 || len(ext) > 8 || strings.Trim(ext, "0123456789") != "") {
		return errcode.New(errcode.ValidationFailed, "extension must be 2 to 8 digits").
			WithDetails(errcode.Detail{Field: "extension", Message: "must be 2 to 8 digits, or empty for none"})
	}
	if level < 1 || level > maxLevel {
		return errcode.New(errcode.ValidationFailed, "level must be 1 to 100").
			WithDetails(errcode.Detail{Field: "level", Message: "must be 1 to 100"})
	}
	return nil
}

func checkSkills(skills []SkillLevel) error {
	seen := map[string]bool{}
	for _, sk := range skills {
		if sk.Level < 1 || sk.Level > 5 {
			return errcode.Errorf(errcode.SkillLevelRange, "skill %s: level %d is not between 1 and 5", sk.SkillID, sk.Level)
		}
		if seen[sk.SkillID] {
			return errcode.Errorf(errcode.ValidationFailed, "skill %s is listed twice", sk.SkillID)
		}
		seen[sk.SkillID] = true
	}
	return nil
}

func dedupe(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func sameSet(a, b []string) bool { return slices.Equal(dedupe(a), dedupe(b)) }

// sortSkills orders levels by skill ID, the order the store returns them in,
// so a created or updated user reads back equal.
func sortSkills(s []SkillLevel) []SkillLevel {
	out := slices.Clone(s)
	if out == nil {
		out = []SkillLevel{}
	}
	slices.SortFunc(out, func(a, b SkillLevel) int { return strings.Compare(a.SkillID, b.SkillID) })
	return out
}
