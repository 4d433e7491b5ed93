// Package webhook delivers domain events to a tenant's own HTTP endpoint,
// signed so the receiver can tell they come from Switchboard. It hangs off
// the event flow: events are appended to the outbox in their change's
// transaction, the relay publishes them to the bus, and a Deliverer
// consumes them with a durable consumer and POSTs each one. A failed
// delivery (an error, a timeout, a status other than 2xx) is retried by
// the bus with a growing delay, up to MaxAge after the event; a later
// event may arrive first.
//
// Each request carries
//
//	X-Switchboard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
//
// where the HMAC, keyed with the tenant's secret, covers "<t>.<body>" —
// the timestamp and the exact body — so a captured request cannot be
// replayed later with a new time. Verify checks one.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Headers of a delivery.
const (
	SignatureHeader = "X-Switchboard-Signature"
	EventIDHeader   = "X-Switchboard-Event-Id"
)

// Sign returns the signature header value for body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header signs body with secret, at most tolerance
// away from now.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) bool {
	var ts, sig string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return false
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(mac(secret, ts, body)))
}

// Target is where a tenant's webhooks go; an empty URL sends nothing.
type Target struct {
	URL, Secret string
}

// Consumer runs handle for the events on subject through a durable
// consumer, as bus.ConsumeParallel does; an error has the event retried.
type Consumer func(ctx context.Context, durable, subject string, workers int,
	handle func(ctx context.Context, data []byte) error) (func(), error)

// Config wires a Deliverer.
type Config struct {
	Consume Consumer
	// Durable names the consumer, shared by every node; Subject selects
	// the events delivered.
	Durable, Subject string
	// Target reads a tenant's webhook URL and secret.
	Target func(ctx context.Context, tenantID string) (Target, error)
	HTTP   *http.Client
	Now    func() time.Time
	// MaxAge is how long after its event a delivery is retried; then it
	// is dropped and logged. Defaults to 24 hours.
	MaxAge time.Duration
	// Workers bounds the deliveries in flight. Defaults to 16.
	Workers int
	Logger  *slog.Logger
}

// Deliverer posts events to tenants' webhooks.
type Deliverer struct {
	cfg  Config
	mu   sync.Mutex
	stop func()
}

// New returns a stopped Deliverer.
func New(cfg Config) *Deliverer {
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 24 * time.Hour
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	return &Deliverer{cfg: cfg}
}

// Start begins delivering. Safe to call twice.
func (d *Deliverer) Start(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stop != nil {
		return nil
	}
	stop, err := d.cfg.Consume(ctx, d.cfg.Durable, d.cfg.Subject, d.cfg.Workers, d.deliver)
	if err != nil {
		return err
	}
	d.stop = stop
	return nil
}

// Stop waits for deliveries in flight and stops. Safe before Start and
// twice; what is not delivered is delivered after the next start.
func (d *Deliverer) Stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stop != nil {
		d.stop()
		d.stop = nil
	}
}

// envelope is the part of an outbox event the deliverer reads.
type envelope struct {
	ID       string    `json:"id"`
	TenantID string    `json:"tenant_id"`
	At       time.Time `json:"at"`
}

// errStatus is a receiver's refusal; the event is retried.
var errStatus = errors.New("webhook: the receiver answered with an error status")

// deliver posts one event; an error has the bus retry it.
func (d *Deliverer) deliver(ctx context.Context, data []byte) error {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil || env.TenantID == "" {
		return nil // not a tenant's event: nothing to deliver
	}
	if age := d.cfg.Now().Sub(env.At); age > d.cfg.MaxAge {
		d.cfg.Logger.WarnContext(ctx, "webhook: delivery abandoned after retrying", "tenant_id", env.TenantID,
			"event_id", env.ID, "age", age.Round(time.Second))
		return nil
	}
	t, err := d.cfg.Target(ctx, env.TenantID)
	if err != nil || t.URL == "" {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(data))
	if err != nil {
		d.cfg.Logger.WarnContext(ctx, "webhook: bad URL; event dropped", "tenant_id", env.TenantID, "err", err)
		return nil
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Switchboard-Webhooks/1")
	req.Header.Set(EventIDHeader, env.ID)
	req.Header.Set(SignatureHeader, Sign(t.Secret, d.cfg.Now(), data))
	res, err := d.cfg.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: post to tenant %s: %w", env.TenantID, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("%w: tenant %s, status %d", errStatus, env.TenantID, res.StatusCode)
	}
	return nil
}
