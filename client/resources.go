package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Tenant is an organisation.
type Tenant struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Status    string    `json:"status"`
	AdminID   string    `json:"admin_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SkillLevel is a user's level in a skill.
type SkillLevel struct {
	SkillID string `json:"skill_id"`
	Level   int    `json:"level"`
}

// User is a person who signs in.
type User struct {
	ID              string       `json:"id"`
	TenantID        string       `json:"tenant_id"`
	Email           string       `json:"email"`
	Name            string       `json:"name"`
	Role            string       `json:"role"`
	Status          string       `json:"status"`
	TeamIDs         []string     `json:"team_ids"`
	Skills          []SkillLevel `json:"skills"`
	Extension       string       `json:"extension"`
	Level           int          `json:"level"`
	InviteURL       string       `json:"invite_url,omitempty"`
	InviteExpiresAt *time.Time   `json:"invite_expires_at,omitempty"`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
}

// Me is the signed-in user.
type Me struct {
	User
	TenantID    *string  `json:"tenant_id"`
	Tenant      *Tenant  `json:"tenant"`
	Permissions []string `json:"permissions"`
}

// Session is the result of a login.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      Me        `json:"user"`
}

// Team is a group of users.
type Team struct {
	ID          string    `json:"id"`
	TenantID    string    `json:"tenant_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	MemberIDs   []string  `json:"member_ids"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Skill is an ability agents hold at a level.
type Skill struct {
	ID          string    `json:"id"`
	TenantID    string    `json:"tenant_id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Token is an API token; Secret is set only when it was just created.
type Token struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Kind       string     `json:"kind"`
	Scopes     []string   `json:"scopes"`
	Secret     string     `json:"token,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// AuditEntry is one audit-log record.
type AuditEntry struct {
	ID         string         `json:"id"`
	TenantID   string         `json:"tenant_id"`
	ActorID    string         `json:"actor_id"`
	Action     string         `json:"action"`
	TargetType string         `json:"target_type"`
	TargetID   string         `json:"target_id"`
	IP         string         `json:"ip"`
	Details    map[string]any `json:"details"`
	At         time.Time      `json:"at"`
}

// Login signs in and returns a session; set c.Token to its Token to use it.
func (c *Client) Login(ctx context.Context, email, password string) (*Session, error) {
	var s Session
	err := c.Do(ctx, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": email, "password": password}, &s)
	return &s, err
}

// Logout revokes the client's token.
func (c *Client) Logout(ctx context.Context) error {
	return c.Do(ctx, http.MethodPost, "/api/v1/auth/logout", nil, nil)
}

// Me returns the signed-in user.
func (c *Client) Me(ctx context.Context) (*Me, error) {
	var m Me
	return &m, c.Do(ctx, http.MethodGet, "/api/v1/me", nil, &m)
}

// CreateTenant creates a tenant with its first admin.
func (c *Client) CreateTenant(ctx context.Context, name, adminEmail, adminPassword string) (*Tenant, error) {
	var t Tenant
	in := map[string]string{"name": name, "admin_email": adminEmail, "admin_password": adminPassword}
	return &t, c.Do(ctx, http.MethodPost, "/api/v1/tenants", in, &t)
}

// CreateUser creates a user from a body such as
// {"email","name","role","password"?,"team_ids"?,"skills"?}.
func (c *Client) CreateUser(ctx context.Context, in map[string]any) (*User, error) {
	var u User
	return &u, c.Do(ctx, http.MethodPost, "/api/v1/users", in, &u)
}

// UpdateUser applies a partial update.
func (c *Client) UpdateUser(ctx context.Context, id string, in map[string]any) (*User, error) {
	var u User
	return &u, c.Do(ctx, http.MethodPatch, "/api/v1/users/"+url.PathEscape(id), in, &u)
}

// GetUser returns a user.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	var u User
	return &u, c.Do(ctx, http.MethodGet, "/api/v1/users/"+url.PathEscape(id), nil, &u)
}

// ListUsers returns a page of users.
func (c *Client) ListUsers(ctx context.Context, o *ListOptions) (*Page[User], error) {
	var p Page[User]
	return &p, c.Do(ctx, http.MethodGet, "/api/v1/users"+o.query(), nil, &p)
}

// CreateTeam creates a team.
func (c *Client) CreateTeam(ctx context.Context, in map[string]any) (*Team, error) {
	var t Team
	return &t, c.Do(ctx, http.MethodPost, "/api/v1/teams", in, &t)
}

// CreateSkill creates a skill.
func (c *Client) CreateSkill(ctx context.Context, name string) (*Skill, error) {
	var s Skill
	return &s, c.Do(ctx, http.MethodPost, "/api/v1/skills", map[string]string{"name": name}, &s)
}

// CreateToken creates an API token acting as the caller.
func (c *Client) CreateToken(ctx context.Context, name string, scopes []string) (*Token, error) {
	var t Token
	in := map[string]any{"name": name}
	if scopes != nil {
		in["scopes"] = scopes
	}
	return &t, c.Do(ctx, http.MethodPost, "/api/v1/tokens", in, &t)
}

// ListAudit returns a page of the audit log.
func (c *Client) ListAudit(ctx context.Context, o *ListOptions) (*Page[AuditEntry], error) {
	var p Page[AuditEntry]
	return &p, c.Do(ctx, http.MethodGet, "/api/v1/audit"+o.query(), nil, &p)
}
