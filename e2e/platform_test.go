package e2e_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/app"
	"github.com/switchboardhq/switchboard/internal/bus"
	"github.com/switchboardhq/switchboard/internal/config"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
)

func TestHealthReadyMetrics(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	status, _, body := n.raw("GET", "/healthz", "", "", nil)
	require.Equal(t, 200, status)
	require.JSONEq(t, `{"status":"ok"}`, string(body))
	status, _, _ = n.raw("GET", "/readyz", "", "", nil)
	require.Equal(t, 200, status)

	n.root()
	status, hdr, body := n.raw("GET", "/metrics", "", "", nil)
	require.Equal(t, 200, status)
	require.Contains(t, hdr.Get("Content-Type"), "text/plain")
	m := string(body)
	require.Contains(t, m, "go_goroutines ")
	require.Contains(t, m, "process_resident_memory_bytes ")
	require.Contains(t, m, `switchboard_http_requests_total{code="200",method="POST",route="POST /api/v1/auth/login"} 1`)
	require.Contains(t, m, `switchboard_http_request_duration_seconds_bucket{method="POST",route="POST /api/v1/auth/login",le="`)
}

func TestReadyzBeforeStart(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.DataDir, cfg.Addr = t.TempDir(), "127.0.0.1:0"
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler), app.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, a.Stop(context.Background())) })
	srv := httptest.NewServer(a.API)
	defer srv.Close()
	get := func(path string) int {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, res.Body.Close())
		return res.StatusCode
	}
	require.Equal(t, 503, get("/readyz"), "not ready until Start")
	require.Equal(t, 200, get("/healthz"), "alive even while starting")
}

// TestSpecMatchesRoutes keeps the served document and the route table equal:
// no undocumented route, no documented route that does not exist.
func TestSpecMatchesRoutes(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	status, _, body := n.raw("GET", "/api/openapi.json", "", "", nil)
	require.Equal(t, 200, status)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(body, &doc))
	require.True(t, strings.HasPrefix(doc.OpenAPI, "3."))
	var documented, served []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
	}
	for _, r := range n.app.API.Routes() {
		served = append(served, r.Method+" "+r.Path)
	}
	sort.Strings(documented)
	sort.Strings(served)
	require.Equal(t, served, documented)
}

// TestEventsReachTheBus checks the outbox end to end: a change commits with
// its event, and the relay publishes it to the stream and to subscribers.
func TestEventsReachTheBus(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		got := make(chan *nats.Msg, 16)
		sub, err := n.app.Bus.Conn().ChanSubscribe("sb.skill.created", got)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, sub.Unsubscribe()) })

		f := n.tenant("Events")
		sk, err := f.Admin.CreateSkill(context.Background(), "Evented")
		require.NoError(t, err)
		select {
		case msg := <-got:
			var ev struct {
				ID       string `json:"id"`
				TenantID string `json:"tenant_id"`
				Data     struct {
					ID string `json:"id"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal(msg.Data, &ev))
			require.Equal(t, sk.ID, ev.Data.ID)
			require.Equal(t, f.ID, ev.TenantID)
			require.Equal(t, ev.ID, msg.Header.Get(jetstream.MsgIDHeader))
		case <-time.After(5 * time.Second):
			t.Fatal("sb.skill.created was not published within 5s")
		}
		stream, err := n.app.Bus.JetStream().Stream(context.Background(), bus.StreamName)
		require.NoError(t, err)
		info, err := stream.Info(context.Background())
		require.NoError(t, err)
		require.Positive(t, info.State.Msgs, "events are kept in the stream")
		require.Eventually(t, func() bool {
			pending, err := n.app.Stores.Outbox.Count(context.Background())
			return err == nil && pending == 0
		}, 5*time.Second, 10*time.Millisecond, "the outbox is drained")
	})
}

// TestShutdownLosesNothing stops a node right after a change and checks
// that the change and its event survive into the next start.
func TestShutdownLosesNothing(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		cfg := config.Defaults()
		cfg.Addr, cfg.DataDir, cfg.DBURL = "127.0.0.1:0", t.TempDir(), dbURL(t, engine)
		cfg.AdminEmail, cfg.AdminPassword = rootEmail, rootPassword
		first := startCfg(t, cfg)
		f := first.tenant("Durable")
		sk, err := f.Admin.CreateSkill(context.Background(), "Kept")
		require.NoError(t, err)
		require.NoError(t, first.app.Stop(context.Background()))

		second := startCfg(t, cfg)
		admin := second.login(f.Emails["admin"], testPassword)
		var got struct{ Name string }
		require.NoError(t, admin.Do(context.Background(), http.MethodGet, "/api/v1/skills/"+sk.ID, nil, &got))
		require.Equal(t, "Kept", got.Name)
		if engine == "sqlite" { // the embedded JetStream store lives in the data directory
			stream, err := second.app.Bus.JetStream().Stream(context.Background(), bus.StreamName)
			require.NoError(t, err)
			msg, err := stream.GetLastMsgForSubject(context.Background(), "sb.skill.created")
			require.NoError(t, err)
			require.Contains(t, string(msg.Data), sk.ID)
		}
	})
}

// TestClusterMode runs two nodes on one PostgreSQL database and the
// external NATS server: what one node writes the other serves, and events
// reach the shared bus once.
func TestClusterMode(t *testing.T) {
	t.Parallel()
	natsURL := os.Getenv("SWITCHBOARD_TEST_NATS_URL")
	if natsURL == "" {
		natsURL = "nats://127.0.0.1:4222"
	}
	nc, err := nats.Connect(natsURL, nats.Timeout(2*time.Second))
	if err != nil {
		storetest.SkipOrFail(t, "NATS is not reachable at "+natsURL+": "+err.Error())
	}
	t.Cleanup(nc.Close)
	url := storetest.NewSchemaURL(t)
	mk := func() *node {
		cfg := config.Defaults()
		cfg.Addr, cfg.DataDir, cfg.DBURL, cfg.NATSURL = "127.0.0.1:0", t.TempDir(), url, natsURL
		cfg.AdminEmail, cfg.AdminPassword = rootEmail, rootPassword
		return startCfg(t, cfg)
	}
	one, two := mk(), mk()

	got := make(chan *nats.Msg, 64)
	sub, err := nc.ChanSubscribe("sb.tenant.created", got)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, sub.Unsubscribe()) })
	f := one.tenant("Clustered")
	admin := two.login(f.Emails["admin"], testPassword) // the other node serves the same data
	me, err := admin.Me(context.Background())
	require.NoError(t, err)
	require.Equal(t, f.ID, *me.TenantID)

	deadline := time.After(5 * time.Second)
	for {
		select {
		case msg := <-got:
			if strings.Contains(string(msg.Data), f.ID) {
				return
			}
		case <-deadline:
			t.Fatal("the tenant.created event did not reach the external NATS server")
		}
	}
}

// TestEmbeddedNATSListen checks the embedded server opens no TCP port by
// default and serves external subscribers when asked to.
func TestEmbeddedNATSListen(t *testing.T) {
	t.Parallel()
	quiet := start(t, "sqlite")
	require.Empty(t, quiet.app.Bus.ClientURL(), "no TCP port unless configured")

	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	n := start(t, "sqlite", func(c *config.Config) { c.NATSListen = addr })
	require.Equal(t, "nats://"+addr, n.app.Bus.ClientURL())
	nc, err := nats.Connect("nats://" + addr)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	got := make(chan *nats.Msg, 8)
	sub, err := nc.ChanSubscribe("sb.team.created", got)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, sub.Unsubscribe()) })
	require.NoError(t, nc.Flush())
	f := n.tenant("Listen")
	tm, err := f.Admin.CreateTeam(context.Background(), map[string]any{"name": "Heard"})
	require.NoError(t, err)
	select {
	case msg := <-got:
		require.Contains(t, string(msg.Data), tm.ID)
	case <-time.After(5 * time.Second):
		t.Fatal("an external subscriber did not receive sb.team.created")
	}
}
