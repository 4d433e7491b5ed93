// Package user manages the people who sign in to Switchboard: tenant users
// (admins, supervisors, agents) with their team memberships and skills, the
// platform administrator, and invitations for users who set their own password.
package user

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Status is a user's account state.
type Status string

// The account states. Invited users have not set a password yet; disabled
// users cannot sign in but keep their history.
const (
	StatusActive   Status = "active"
	StatusInvited  Status = "invited"
	StatusDisabled Status = "disabled"
)

// User is a person who signs in. A login email is unique across the platform,
// so a user belongs to exactly one tenant (the platform administrator to none).
type User struct {
	ID       string          `json:"id"`
	TenantID string          `json:"tenant_id,omitempty"`
	Email    string          `json:"email"`
	Name     string          `json:"name"`
	Role     permission.Role `json:"role"`
	Status   Status          `json:"status"`
	TeamIDs  []string        `json:"team_ids"`
	Skills   []SkillLevel    `json:"skills"`
	// Capacity is how much work of each channel (chat, voice, email,
	// task) routing may give the user at once.
	Capacity map[string]int `json:"capacity"`
	// Extension is the user's phone extension (digits, unique in the
	// tenant), "" for none: the number shield knows a calling agent by it.
	Extension string `json:"extension"`
	// Level is the user's seniority, 1 and up, for the shield's rules.
	Level     int       `json:"level"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// PasswordHash is the argon2id PHC string; empty until a password is set.
	PasswordHash string `json:"-"`
}

// SkillLevel is a user's proficiency in one skill, 1 (novice) to 5 (expert).
type SkillLevel struct {
	SkillID string `json:"skill_id"`
	Level   int    `json:"level"`
}

// CapacityChannels are the channels a capacity names; they match
// routing's channels.
func CapacityChannels() []string { return []string{"chat", "voice", "email", "task"} }

// DefaultCapacity is a user's capacity until an admin sets one.
func DefaultCapacity() map[string]int {
	return map[string]int{"chat": 3, "voice": 1, "email": 5, "task": 5}
}

// maxCapacity bounds one channel's capacity.
const maxCapacity = 50

// Invite is a pending invitation; only the digest of its token is stored.
type Invite struct {
	Digest    string
	TenantID  string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Store persists users. Every method but the platform-scoped ones named below
// is confined to one tenant: a user ID from another tenant is ErrNotFound.
type Store interface {
	// Create inserts u with its teams and skills. ErrEmailTaken,
	// ErrExtensionTaken, ErrUnknownTeam, ErrUnknownSkill.
	Create(ctx context.Context, u *User) error
	Get(ctx context.Context, tenantID, id string) (*User, error)
	List(ctx context.Context, p *ListParams) ([]*User, error)
	// Update writes name, role, status, capacity, extension, level, teams,
	// skills and updated_at. ErrExtensionTaken.
	Update(ctx context.Context, u *User) error
	SetPassword(ctx context.Context, p *SetPasswordParams) error
	// Delete removes the user from view and frees the email; history that
	// names the user ID keeps it.
	Delete(ctx context.Context, tenantID, id string, at time.Time) error
	// CountActiveAdmins counts active admins of a tenant.
	CountActiveAdmins(ctx context.Context, tenantID string) (int, error)

	CreateInvite(ctx context.Context, inv *Invite) error
	DeleteInvites(ctx context.Context, tenantID, userID string) error

	// Platform-scoped: login, invite acceptance and bootstrap look users up
	// without knowing the tenant.
	GetByEmail(ctx context.Context, email string) (*User, error)
	GetInvite(ctx context.Context, digest string) (*Invite, error)
	CountPlatformAdmins(ctx context.Context) (int, error)
}

// ListParams selects a page of a tenant's users in creation order.
type ListParams struct {
	TenantID string
	Role     permission.Role // optional filter
	TeamID   string          // optional filter
	Status   Status          // optional filter
	After    string          // cursor: ID of the last user of the previous page
	Limit    int
}

// SetPasswordParams sets a password hash and the status.
type SetPasswordParams struct {
	TenantID string // empty for the platform administrator
	ID       string
	Hash     string
	Status   Status
	At       time.Time
	// SignOut also revokes every session and API token of the user and any
	// pending invite: an administrator's reset locks out whoever held the
	// old credentials.
	SignOut bool
}

// Tx is the transactional view the service writes through.
type Tx interface {
	audit.Recorder
	Users() Store
}

// Errors returned by the store and service.
var (
	ErrNotFound       = errcode.New(errcode.NotFound, "user not found")
	ErrEmailTaken     = errcode.New(errcode.EmailTaken, "a user with this email already exists")
	ErrExtensionTaken = errcode.New(errcode.ExtensionTaken, "another user of the tenant has this extension")
	ErrUnknownTeam    = errcode.New(errcode.UnknownTeam, "a team in team_ids does not exist")
	ErrUnknownSkill   = errcode.New(errcode.UnknownSkill, "a skill in skills does not exist")
	ErrLastAdmin      = errcode.New(errcode.LastAdmin, "the tenant must keep at least one active admin")
	ErrSelfChange     = errcode.New(errcode.SelfChange, "you cannot delete, disable or demote yourself")
	ErrInviteNone     = errcode.New(errcode.InviteInvalid, "the invite link is unknown, used or expired")
)
