package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// TenantSettings are what a tenant's own administrator changes.
type TenantSettings struct {
	Name                  string `json:"name"`
	DefaultLocale         string `json:"default_locale"`
	AutoResolveAfterHours int    `json:"auto_resolve_after_hours"`
	// DefaultRegion is where a customer's phone number written without
	// "+" is read (ISO 3166-1 alpha-2).
	DefaultRegion string `json:"default_region"`
}

// HourCounts count one local hour's routed work by when it entered its
// queue.
type HourCounts struct {
	Start            time.Time `json:"start"`
	Entered          int       `json:"entered"`
	Answered         int       `json:"answered"`
	AnsweredInTarget int       `json:"answered_in_target"`
	Abandoned        int       `json:"abandoned"`
}

// HourlyStats are a day's volume and service level by local hour: the
// tenant's totals and each queue's.
type HourlyStats struct {
	Date     string       `json:"date"`
	Timezone string       `json:"timezone"`
	Hours    []HourCounts `json:"hours"`
	Queues   []struct {
		QueueID string       `json:"queue_id"`
		Hours   []HourCounts `json:"hours"`
	} `json:"queues"`
}

// Settings returns the caller's tenant's settings.
func (c *Client) Settings(ctx context.Context) (*TenantSettings, error) {
	var s TenantSettings
	return &s, c.Do(ctx, http.MethodGet, "/api/v1/settings", nil, &s)
}

// UpdateSettings changes the fields in "in" (name, default_locale,
// auto_resolve_after_hours).
func (c *Client) UpdateSettings(ctx context.Context, in map[string]any) (*TenantSettings, error) {
	var s TenantSettings
	return &s, c.Do(ctx, http.MethodPatch, "/api/v1/settings", in, &s)
}

// HourlyStats returns a day's routed work by local hour: date is
// YYYY-MM-DD ("" is today in the routing time zone), queueID "" all queues.
func (c *Client) HourlyStats(ctx context.Context, date, queueID string) (*HourlyStats, error) {
	q := url.Values{}
	if date != "" {
		q.Set("date", date)
	}
	if queueID != "" {
		q.Set("queue_id", queueID)
	}
	path := "/api/v1/queues/stats/hourly"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var s HourlyStats
	return &s, c.Do(ctx, http.MethodGet, path, nil, &s)
}
