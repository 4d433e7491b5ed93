// Package e2e_test starts whole Switchboard nodes in-process — real SQLite or
// PostgreSQL, a real embedded NATS server, a real HTTP listener — and drives
// them through the public Go client, as an integrator would. Every 2xx
// response is validated against the OpenAPI document.
package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/api"
	"github.com/switchboardhq/switchboard/client"
	"github.com/switchboardhq/switchboard/internal/app"
	"github.com/switchboardhq/switchboard/internal/config"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
)

const (
	rootEmail    = "root@example.com"
	rootPassword = "root-password-1"
	testPassword = "a-long-test-password"
)

// node is one running Switchboard.
type node struct {
	t    testing.TB
	app  *app.App
	cfg  config.Config
	base string
}

// engines runs fn once per storage engine, in parallel.
func engines(t *testing.T, fn func(t *testing.T, engine string)) {
	for _, e := range []string{"sqlite", "postgres"} {
		t.Run(e, func(t *testing.T) {
			t.Parallel()
			fn(t, e)
		})
	}
}

// dbURL returns a fresh database for engine: "" (SQLite in the data
// directory) or a PostgreSQL URL with a schema of its own.
func dbURL(t testing.TB, engine string) string {
	if engine == "postgres" {
		return storetest.NewSchemaURL(t)
	}
	return ""
}

// start runs a node on engine with a bootstrapped platform administrator.
func start(t testing.TB, engine string, mutate ...func(*config.Config)) *node {
	t.Helper()
	return startCfg(t, nodeConfig(t, engine, mutate...))
}

// nodeConfig is start's configuration of a node on engine.
func nodeConfig(t testing.TB, engine string, mutate ...func(*config.Config)) config.Config {
	t.Helper()
	cfg := config.Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	cfg.DBURL = dbURL(t, engine)
	cfg.AdminEmail, cfg.AdminPassword = rootEmail, rootPassword
	for _, m := range mutate {
		m(&cfg)
	}
	return cfg
}

func startCfg(t testing.TB, cfg config.Config) *node {
	t.Helper()
	return startOpts(t, cfg, app.Options{})
}

// startOpts runs a node with what tests replace: the clock, intervals.
func startOpts(t testing.TB, cfg config.Config, opts app.Options) *node {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	a, err := app.New(ctx, cfg, log, opts)
	require.NoError(t, err)
	require.NoError(t, a.Start(ctx))
	n := &node{t: t, app: a, cfg: cfg, base: "http://" + a.Addr()}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, a.Stop(ctx))
	})
	return n
}

// client returns an API client with token that validates every response.
func (n *node) client(token string) *client.Client {
	c := client.New(n.base, token)
	c.HTTP = &http.Client{Timeout: 30 * time.Second, Transport: &validator{t: n.t, next: http.DefaultTransport, router: specRouter(n.t)}}
	return c
}

// login signs in and returns a client using the session token.
func (n *node) login(email, password string) *client.Client {
	n.t.Helper()
	c := n.client("")
	s, err := c.Login(context.Background(), email, password)
	require.NoError(n.t, err)
	c.Token = s.Token
	return c
}

func (n *node) root() *client.Client { return n.login(rootEmail, rootPassword) }

// tenantFixture is a tenant with one user of each role.
type tenantFixture struct {
	ID                       string
	Admin, Supervisor, Agent *client.Client
	AdminID, SupID, AgentID  string
	Emails                   map[string]string
}

// tenant creates a tenant through the platform administrator, then a
// supervisor and an agent through its admin.
func (n *node) tenant(name string) *tenantFixture {
	n.t.Helper()
	ctx := context.Background()
	slug := fmt.Sprintf("%s-%s", strings.ToLower(strings.ReplaceAll(name, " ", "")), storetest.NewID()[24:])
	f := &tenantFixture{Emails: map[string]string{}}
	f.Emails["admin"] = "admin@" + slug + ".example"
	tn, err := n.root().CreateTenant(ctx, name, f.Emails["admin"], testPassword)
	require.NoError(n.t, err)
	f.ID, f.AdminID = tn.ID, tn.AdminID
	f.Admin = n.login(f.Emails["admin"], testPassword)
	for _, role := range []string{"supervisor", "agent"} {
		f.Emails[role] = role + "@" + slug + ".example"
		u, err := f.Admin.CreateUser(ctx, map[string]any{"email": f.Emails[role], "name": role, "role": role, "password": testPassword})
		require.NoError(n.t, err)
		if role == "agent" {
			f.AgentID = u.ID
		} else {
			f.SupID = u.ID
		}
	}
	f.Supervisor = n.login(f.Emails["supervisor"], testPassword)
	f.Agent = n.login(f.Emails["agent"], testPassword)
	return f
}

// apiError asserts err is an API error with status and code.
func apiError(t testing.TB, err error, status int, code string) *client.Error {
	t.Helper()
	require.Error(t, err)
	var ae *client.Error
	require.ErrorAs(t, err, &ae)
	require.Equal(t, status, ae.Status, "status of %v", err)
	require.Equal(t, code, ae.Code, "code of %v", err)
	require.NotEmpty(t, ae.Message)
	return ae
}

// raw sends a request and returns status, headers and body without
// decoding, for tests of the wire format itself.
func (n *node) raw(method, path, token string, body string, hdr map[string]string) (int, http.Header, []byte) {
	n.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, n.base+path, rd)
	require.NoError(n.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(n.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(n.t, err)
	return res.StatusCode, res.Header, b
}

var loadSpec = sync.OnceValues(func() (*openapi3.T, error) {
	return openapi3.NewLoader().LoadFromData(api.Spec())
})

func specRouter(t testing.TB) routers.Router {
	t.Helper()
	doc, err := loadSpec()
	require.NoError(t, err)
	r, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)
	return r
}

// validator checks every response against the OpenAPI document: 2xx bodies
// against the operation's schema, everything else against the error
// envelope.
type validator struct {
	t      testing.TB
	next   http.RoundTripper
	router routers.Router
}

func (v *validator) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	res, err := v.next.RoundTrip(req)
	if err != nil {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	if res.StatusCode >= 300 {
		var env struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if json.Unmarshal(body, &env) != nil || env.Error.Code == "" || env.Error.Message == "" {
			v.t.Errorf("%s %s: %d response is not an error envelope: %s", req.Method, req.URL.Path, res.StatusCode, body)
		}
		return res, nil
	}
	probe := req.Clone(req.Context())
	probe.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := v.router.FindRoute(probe)
	if err != nil {
		v.t.Errorf("%s %s: not in the OpenAPI document: %v", req.Method, req.URL.Path, err)
		return res, nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route},
		Status:                 res.StatusCode, Header: res.Header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
		v.t.Errorf("%s %s: %d response does not match the OpenAPI document: %v\nbody: %s", req.Method, req.URL.Path, res.StatusCode, err, body)
	}
	return res, nil
}
