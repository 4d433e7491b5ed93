package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/internal/routing"
)

// disconnectEvery is how often the disconnect watch looks.
const disconnectEvery = 5 * time.Second

// disconnectWatch sets agents offline who have had no agent socket on any
// node for their tenant's grace period (reason "disconnected"), so work is
// not offered to someone who closed the app. Every node runs it; setting
// offline twice changes nothing.
type disconnectWatch struct {
	tenants func(ctx context.Context) ([]string, error)
	online  func(tenantID string) map[string]bool
	routing *routing.Service
	now     func() time.Time
	log     *slog.Logger

	gone map[string]time.Time // tenant/user → first seen without a socket
	stop context.CancelFunc
	done chan struct{}
	mu   sync.Mutex
}

// Start begins watching. Safe twice.
func (w *disconnectWatch) Start(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stop != nil {
		return nil
	}
	ctx, w.stop = context.WithCancel(context.WithoutCancel(ctx))
	w.done, w.gone = make(chan struct{}), map[string]time.Time{}
	go w.run(ctx)
	return nil
}

// Stop ends watching. Safe before Start and twice.
func (w *disconnectWatch) Stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stop == nil {
		return
	}
	w.stop()
	<-w.done
	w.stop = nil
}

func (w *disconnectWatch) run(ctx context.Context) {
	defer close(w.done)
	t := time.NewTicker(disconnectEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ids, err := w.tenants(ctx)
		if err != nil {
			w.log.Warn("disconnect watch: list tenants", "err", err)
			continue
		}
		for _, id := range ids {
			if err := w.check(ctx, id); err != nil && ctx.Err() == nil {
				w.log.Warn("disconnect watch", "tenant_id", id, "err", err)
			}
		}
	}
}

// check sets offline the tenant's agents who have been without a socket for
// the grace period.
func (w *disconnectWatch) check(ctx context.Context, tenantID string) error {
	set, err := w.routing.TenantSettings(ctx, tenantID)
	if err != nil || set.DisconnectGraceSeconds == 0 {
		return err
	}
	agents, err := w.routing.AgentsOf(ctx, tenantID)
	if err != nil {
		return err
	}
	online, now := w.online(tenantID), w.now()
	grace := time.Duration(set.DisconnectGraceSeconds) * time.Second
	for _, a := range agents {
		key := tenantID + "/" + a.UserID
		if a.Presence == routing.Offline || online[a.UserID] {
			delete(w.gone, key)
			continue
		}
		since, seen := w.gone[key]
		if !seen {
			// Gone since at least now, or since the agent last changed state,
			// whichever is later: a presence set over the API without a socket
			// also gets the whole grace period.
			w.gone[key] = later(now, a.Since)
			continue
		}
		if now.Sub(since) >= grace {
			if err := w.routing.SetOffline(ctx, tenantID, a.UserID, routing.ReasonDisconnected); err != nil {
				return err
			}
			delete(w.gone, key)
		}
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
