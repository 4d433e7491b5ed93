package webhook_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/webhook"
)

var now = time.Date(2030, 1, 16, 10, 0, 0, 0, time.UTC)

func TestSignature(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":"e1"}`)
	h := webhook.Sign("whsec_k", now, body)
	require.Regexp(t, `^t=1894788000,v1=[0-9a-f]{64}$`, h)
	require.True(t, webhook.Verify("whsec_k", h, body, now.Add(time.Minute), 5*time.Minute))
	require.False(t, webhook.Verify("whsec_other", h, body, now, 5*time.Minute), "another secret")
	require.False(t, webhook.Verify("whsec_k", h, []byte(`{"id":"e2"}`), now, 5*time.Minute), "another body")
	require.False(t, webhook.Verify("whsec_k", h, body, now.Add(10*time.Minute), 5*time.Minute), "too old: a replay")
	require.False(t, webhook.Verify("whsec_k", strings.Replace(h, "t=1894788000", "t=1894788001", 1), body, now, time.Hour),
		"the time is signed too")
	require.False(t, webhook.Verify("whsec_k", "v1=abc", body, now, time.Hour))
}

// receiver captures deliveries and answers with status.
type receiver struct {
	mu     sync.Mutex
	status int
	bodies []string
	sigs   []string
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies = append(r.bodies, string(b))
	r.sigs = append(r.sigs, req.Header.Get(webhook.SignatureHeader))
	w.WriteHeader(r.status)
}

func TestDeliver(t *testing.T) {
	t.Parallel()
	rcv := &receiver{status: http.StatusInternalServerError}
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	var handle func(context.Context, []byte) error
	stopped := false
	d := webhook.New(webhook.Config{Durable: "d", Subject: "sb.x", Now: func() time.Time { return now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Consume: func(_ context.Context, durable, subject string, _ int, h func(context.Context, []byte) error) (func(), error) {
			require.Equal(t, "d", durable)
			require.Equal(t, "sb.x", subject)
			handle = h
			return func() { stopped = true }, nil
		},
		Target: func(_ context.Context, tenantID string) (webhook.Target, error) {
			if tenantID == "quiet" {
				return webhook.Target{}, nil
			}
			return webhook.Target{URL: srv.URL, Secret: "whsec_k"}, nil
		}})
	d.Stop()
	require.NoError(t, d.Start(context.Background()))
	ev := `{"id":"e1","subject":"sb.x","tenant_id":"t1","at":"2030-01-16T09:59:00Z","data":{"type":"ring"}}`
	err := handle(context.Background(), []byte(ev))
	require.Error(t, err, "a 500 is retried")
	rcv.mu.Lock()
	rcv.status = http.StatusNoContent
	rcv.mu.Unlock()
	require.NoError(t, handle(context.Background(), []byte(ev)))
	require.Equal(t, []string{ev, ev}, rcv.bodies, "the event is posted as it is")
	require.True(t, webhook.Verify("whsec_k", rcv.sigs[1], []byte(ev), now, time.Minute))

	require.NoError(t, handle(context.Background(), []byte(strings.Replace(ev, `"t1"`, `"quiet"`, 1))), "no URL, nothing to do")
	require.NoError(t, handle(context.Background(), []byte(`{"id":"e2","subject":"sb.x","at":"2030-01-16T09:59:00Z"}`)),
		"a platform event has no tenant to deliver to")
	old := strings.Replace(ev, "2030-01-16T09:59:00Z", "2030-01-14T09:59:00Z", 1)
	require.NoError(t, handle(context.Background(), []byte(old)), "retried for a day, then dropped")
	require.Len(t, rcv.bodies, 2)
	d.Stop()
	require.True(t, stopped)
	d.Stop()

	failing := webhook.New(webhook.Config{Consume: func(context.Context, string, string, int, func(context.Context, []byte) error) (func(), error) {
		return nil, errors.New("no bus")
	}})
	require.Error(t, failing.Start(context.Background()))
	failing.Stop()
}
