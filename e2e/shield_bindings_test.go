package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/webhook"
)

const (
	partyA   = "+8615011112222"
	partyB   = "+8615033334444"
	seller   = "+8615088889999"
	scanner  = "+8618600001111"
	outsider = "+8618600002222"
	visitor  = "+8618600003333"
)

// hookSink is a tenant's webhook receiver that fails its first delivery.
type hookSink struct {
	mu       sync.Mutex
	attempts int
	got      []map[string]any
	bad      []string
	secret   string
	srv      *httptest.Server
}

func newHookSink(t *testing.T) *hookSink {
	h := &hookSink{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.attempts++
		if h.attempts == 1 {
			w.WriteHeader(http.StatusInternalServerError) // the bus must try again
			return
		}
		if !webhook.Verify(h.secret, r.Header.Get(webhook.SignatureHeader), body, time.Now(), time.Minute) {
			h.bad = append(h.bad, string(body))
		}
		var ev map[string]any
		_ = json.Unmarshal(body, &ev)
		h.got = append(h.got, ev)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// hookSink points the tenant's shield webhook at a new sink, which learns
// the secret drawn for it.
func (s *shieldTenant) hookSink(t *testing.T) *hookSink {
	t.Helper()
	sink := newHookSink(t)
	var set map[string]any
	require.NoError(t, s.Admin.Do(context.Background(), http.MethodPut, "/api/v1/shield/settings",
		map[string]any{"webhook_url": sink.srv.URL}, &set))
	sink.mu.Lock()
	defer sink.mu.Unlock()
	sink.secret, _ = set["webhook_secret"].(string)
	require.True(t, strings.HasPrefix(sink.secret, "whsec_"), "the secret is shown when drawn: %v", set)
	return sink
}

// types lists the call event types received, in order.
func (h *hookSink) types() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, ev := range h.got {
		if d, ok := ev["data"].(map[string]any); ok {
			out = append(out, d["type"].(string))
		}
	}
	return out
}

// TestShieldBindings connects AXB parties both ways through X, refuses an
// expired binding, lets anyone who scanned a QR code reach its owner and
// the owner call back, and delivers the binding's call events to the
// tenant's webhook, signed and retried after a failure.
func TestShieldBindings(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		s := newShieldTenant(t, n, "Bindings")
		sink := s.hookSink(t)

		b, err := s.Admin.CreateBinding(ctx, map[string]any{"type": "axb", "a": partyA, "b": "15033334444", "external_id": "order-1",
			"expires_in": 3600, "record": true})
		require.NoError(t, err)
		require.Equal(t, shieldX1, b.X)
		require.Equal(t, partyB, b.B, "numbers are stored in E.164")
		ans, err := s.PBX.Resolve(ctx, partyA, shieldX1, "call-ab")
		require.NoError(t, err)
		dial(t, ans, partyB, shieldX1)
		require.True(t, *ans.Record)
		require.Equal(t, b.ID, ans.BindingID)
		ans, err = s.PBX.Resolve(ctx, partyB, shieldX1, "call-ba")
		require.NoError(t, err)
		dial(t, ans, partyA, shieldX1)
		for _, typ := range []string{"ring", "answer", "end"} {
			require.NoError(t, s.PBX.Do(ctx, http.MethodPost, "/api/v1/shield/bindings/"+b.ID+"/events",
				map[string]any{"type": typ, "call_id": "call-ba", "cause": map[bool]string{true: "normal"}[typ == "end"]}, nil))
		}
		require.Eventually(t, func() bool { return len(sink.types()) == 5 }, 20*time.Second, 50*time.Millisecond,
			"two attempts and three events, after one failed delivery: %v", sink.types())
		require.ElementsMatch(t, []string{"attempt", "attempt", "ring", "answer", "end"}, sink.types())
		sink.mu.Lock()
		require.Empty(t, sink.bad, "every delivery is signed with the tenant's secret")
		require.Equal(t, 6, sink.attempts, "the failed delivery was tried again")
		for _, ev := range sink.got {
			raw, _ := json.Marshal(ev)
			require.NotContains(t, string(raw), "15011112222", "webhooks name the binding, not the parties")
			require.Contains(t, string(raw), "order-1")
		}
		sink.mu.Unlock()

		bindingRules(t, s)
		scanToCall(t, n, s)
	})
}

// bindingRules: X is chosen so that a party is on one binding per X;
// expired and deleted bindings refuse calls.
func bindingRules(t *testing.T, s *shieldTenant) {
	t.Helper()
	ctx := context.Background()
	second, err := s.Admin.CreateBinding(ctx, map[string]any{"type": "axb", "a": partyA, "b": outsider})
	require.NoError(t, err)
	require.Equal(t, shieldX2, second.X, "A is bound on X1 already")
	_, err = s.Admin.CreateBinding(ctx, map[string]any{"type": "axb", "a": partyA, "b": scanner})
	apiError(t, err, 409, "no_binding_number")
	_, err = s.Admin.CreateBinding(ctx, map[string]any{"type": "axb", "a": partyB, "b": scanner, "x": shieldX1})
	apiError(t, err, 409, "party_bound")
	_, err = s.Admin.CreateBinding(ctx, map[string]any{"type": "axb", "a": scanner, "b": scanner})
	apiError(t, err, 422, "validation_failed")
	_, err = s.Admin.CreateBinding(ctx, map[string]any{"type": "axb", "a": "12", "b": scanner})
	apiError(t, err, 422, "invalid_phone")

	require.NoError(t, s.Admin.Do(ctx, http.MethodDelete, "/api/v1/shield/bindings/"+second.ID, nil, nil))
	ans, err := s.PBX.Resolve(ctx, outsider, shieldX2, "")
	require.NoError(t, err)
	reject(t, ans, 404, "no binding")

	short, err := s.Admin.CreateBinding(ctx, map[string]any{"type": "axb", "a": scanner, "b": outsider, "expires_in": 1})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		ans, err := s.PBX.Resolve(ctx, scanner, short.X, "")
		require.NoError(t, err)
		return ans.Action == "reject" && ans.Code == 404 && strings.Contains(ans.Reason, "expired")
	}, 5*time.Second, 100*time.Millisecond, "an expired binding refuses calls")
	var up map[string]any
	require.NoError(t, s.Admin.Do(ctx, http.MethodPatch, "/api/v1/shield/bindings/"+short.ID, map[string]any{"expires_in": 600}, &up))
	ans, err = s.PBX.Resolve(ctx, outsider, short.X, "")
	require.NoError(t, err)
	dial(t, ans, scanner, short.X)
}

// scanToCall: a QR binding is an AXN open to all; A calls back the last
// caller. The QR code is served as PNG and SVG.
func scanToCall(t *testing.T, n *node, s *shieldTenant) {
	t.Helper()
	ctx := context.Background()
	status, hdr, png := n.raw(http.MethodPost, "/api/v1/shield/bindings/qr?format=png", s.Admin.Token,
		`{"a":"`+seller+`","expires_in":900}`, map[string]string{"Content-Type": "application/json"})
	require.Equal(t, 201, status, string(png))
	require.Equal(t, "image/png", hdr.Get("Content-Type"))
	require.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
	id := strings.TrimPrefix(hdr.Get("Location"), "/api/v1/shield/bindings/")
	var qr struct{ X, Type string }
	require.NoError(t, s.Admin.Do(ctx, http.MethodGet, "/api/v1/shield/bindings/"+id, nil, &qr))
	require.Equal(t, "axn", qr.Type)
	status, hdr, svg := n.raw(http.MethodGet, "/api/v1/shield/bindings/"+id+"/qr?format=svg", s.Admin.Token, "", nil)
	require.Equal(t, 200, status)
	require.Equal(t, "image/svg+xml", hdr.Get("Content-Type"))
	require.True(t, strings.HasPrefix(string(svg), "<svg"))

	ans, err := s.PBX.Resolve(ctx, seller, qr.X, "")
	require.NoError(t, err)
	reject(t, ans, 480, "nobody has called")
	ans, err = s.PBX.Resolve(ctx, visitor, qr.X, "")
	require.NoError(t, err)
	dial(t, ans, seller, qr.X)
	require.Eventually(t, func() bool {
		ans, err := s.PBX.Resolve(ctx, seller, qr.X, "")
		require.NoError(t, err)
		return ans.Action == "dial" && ans.Destination == visitor
	}, 5*time.Second, 50*time.Millisecond, "A calling X reaches the last party that called")

	var agentView map[string]any
	require.NoError(t, s.Admin.Do(ctx, http.MethodGet, "/api/v1/shield/bindings/"+id, nil, &agentView))
	require.Equal(t, seller, agentView["a"], "an admin with pii.reveal sees the parties")
}
