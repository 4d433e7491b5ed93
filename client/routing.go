package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Queue is a routing queue.
type Queue struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Strategy   string `json:"strategy"`
	AutoAccept bool   `json:"auto_accept"`
}

// QueueStats is a queue's live state.
type QueueStats struct {
	QueueID            string   `json:"queue_id"`
	Waiting            int      `json:"waiting"`
	Offered            int      `json:"offered"`
	LongestWaitSeconds int      `json:"longest_wait_seconds"`
	ServiceLevel       *float64 `json:"service_level"`
	AnsweredToday      int      `json:"answered_today"`
	AbandonedToday     int      `json:"abandoned_today"`
	Agents             struct {
		Available int `json:"available"`
		Away      int `json:"away"`
		Busy      int `json:"busy"`
		AfterWork int `json:"after_work"`
		Offline   int `json:"offline"`
	} `json:"agents"`
}

// AgentState is an agent's presence, load and capacity.
type AgentState struct {
	UserID   string         `json:"user_id"`
	Presence string         `json:"presence"`
	Reason   string         `json:"reason"`
	Since    time.Time      `json:"since"`
	Load     map[string]int `json:"load"`
	Capacity map[string]int `json:"capacity"`
	Offers   []WorkItem     `json:"offers"`
}

// WorkItem is routed work.
type WorkItem struct {
	ID      string `json:"id"`
	QueueID string `json:"queue_id"`
	Ref     string `json:"ref"`
	Status  string `json:"status"`
	AgentID string `json:"agent_id"`
	OfferID string `json:"offer_id"`
}

// AwayReason is a reason agents give for being away.
type AwayReason struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// CreateQueue creates a queue.
func (c *Client) CreateQueue(ctx context.Context, in map[string]any) (*Queue, error) {
	var q Queue
	return &q, c.Do(ctx, http.MethodPost, "/api/v1/queues", in, &q)
}

// UpdateQueue changes a queue's settings.
func (c *Client) UpdateQueue(ctx context.Context, id string, in map[string]any) (*Queue, error) {
	var q Queue
	return &q, c.Do(ctx, http.MethodPatch, "/api/v1/queues/"+url.PathEscape(id), in, &q)
}

// QueueStats returns a queue's live state.
func (c *Client) QueueStats(ctx context.Context, id string) (*QueueStats, error) {
	var s QueueStats
	return &s, c.Do(ctx, http.MethodGet, "/api/v1/queues/"+url.PathEscape(id)+"/stats", nil, &s)
}

// SetPresence sets an agent's presence (available, away, offline).
func (c *Client) SetPresence(ctx context.Context, userID, status, reason string) (*AgentState, error) {
	var a AgentState
	in := map[string]string{"status": status}
	if reason != "" {
		in["reason"] = reason
	}
	return &a, c.Do(ctx, http.MethodPut, "/api/v1/agents/"+url.PathEscape(userID)+"/presence", in, &a)
}

// AgentState returns an agent's presence and load.
func (c *Client) AgentState(ctx context.Context, userID string) (*AgentState, error) {
	var a AgentState
	return &a, c.Do(ctx, http.MethodGet, "/api/v1/agents/"+url.PathEscape(userID)+"/state", nil, &a)
}

// AcceptOffer takes an offer made to the caller.
func (c *Client) AcceptOffer(ctx context.Context, offerID string) (*WorkItem, error) {
	var it WorkItem
	return &it, c.Do(ctx, http.MethodPost, "/api/v1/offers/"+url.PathEscape(offerID)+"/accept", nil, &it)
}

// DeclineOffer refuses an offer made to the caller.
func (c *Client) DeclineOffer(ctx context.Context, offerID string) (*WorkItem, error) {
	var it WorkItem
	return &it, c.Do(ctx, http.MethodPost, "/api/v1/offers/"+url.PathEscape(offerID)+"/decline", nil, &it)
}

// CreateAwayReason adds an away reason.
func (c *Client) CreateAwayReason(ctx context.Context, name string) (*AwayReason, error) {
	var r AwayReason
	return &r, c.Do(ctx, http.MethodPost, "/api/v1/away-reasons", map[string]string{"name": name}, &r)
}
