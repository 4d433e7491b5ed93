package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// CannedReply is a saved answer agents insert into the composer.
type CannedReply struct {
	ID        string    `json:"id"`
	TenantID  string    `json:"tenant_id"`
	Shortcut  string    `json:"shortcut"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	TeamID    string    `json:"team_id"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CreateCannedReply creates a canned reply from a body such as
// {"shortcut","title","body","team_id"?}.
func (c *Client) CreateCannedReply(ctx context.Context, in map[string]any) (*CannedReply, error) {
	var r CannedReply
	return &r, c.Do(ctx, http.MethodPost, "/api/v1/canned-replies", in, &r)
}

// UpdateCannedReply applies a partial update.
func (c *Client) UpdateCannedReply(ctx context.Context, id string, in map[string]any) (*CannedReply, error) {
	var r CannedReply
	return &r, c.Do(ctx, http.MethodPatch, "/api/v1/canned-replies/"+url.PathEscape(id), in, &r)
}

// GetCannedReply returns a canned reply the caller may see.
func (c *Client) GetCannedReply(ctx context.Context, id string) (*CannedReply, error) {
	var r CannedReply
	return &r, c.Do(ctx, http.MethodGet, "/api/v1/canned-replies/"+url.PathEscape(id), nil, &r)
}

// ListCannedReplies returns a page of the canned replies the caller may
// see; the filter q searches shortcuts, titles and bodies.
func (c *Client) ListCannedReplies(ctx context.Context, o *ListOptions) (*Page[CannedReply], error) {
	var p Page[CannedReply]
	return &p, c.Do(ctx, http.MethodGet, "/api/v1/canned-replies"+o.query(), nil, &p)
}

// DeleteCannedReply deletes a canned reply.
func (c *Client) DeleteCannedReply(ctx context.Context, id string) error {
	return c.Do(ctx, http.MethodDelete, "/api/v1/canned-replies/"+url.PathEscape(id), nil, nil)
}
