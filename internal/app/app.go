// Package app is the composition root: it opens storage and the bus, builds
// every service, serves HTTP, and starts and stops background components in
// order. It is the only package that knows all the others.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/switchboardhq/switchboard/internal/attachment"
	"github.com/switchboardhq/switchboard/internal/auth"
	"github.com/switchboardhq/switchboard/internal/bus"
	"github.com/switchboardhq/switchboard/internal/cannedreply"
	"github.com/switchboardhq/switchboard/internal/channel"
	"github.com/switchboardhq/switchboard/internal/channel/webchat"
	"github.com/switchboardhq/switchboard/internal/config"
	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/httpapi"
	"github.com/switchboardhq/switchboard/internal/inbox"
	"github.com/switchboardhq/switchboard/internal/outbox"
	"github.com/switchboardhq/switchboard/internal/realtime"
	"github.com/switchboardhq/switchboard/internal/routing"
	"github.com/switchboardhq/switchboard/internal/secret"
	"github.com/switchboardhq/switchboard/internal/shield"
	"github.com/switchboardhq/switchboard/internal/skill"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/team"
	"github.com/switchboardhq/switchboard/internal/tenant"
	"github.com/switchboardhq/switchboard/internal/user"
	"github.com/switchboardhq/switchboard/internal/web"
)

// Options inject what tests replace. Zero values mean production defaults.
type Options struct {
	Now   func() time.Time
	Rand  io.Reader
	NewID func() string
	// AutoResolveEvery is how often idle conversations are looked for
	// (default a minute).
	AutoResolveEvery time.Duration
	// Engine, if set, wraps the opened database engine: tests count the
	// statements a request issues through it.
	Engine func(store.Engine) store.Engine
}

// App is a running Switchboard node.
type App struct {
	cfg    config.Config
	log    *slog.Logger
	opts   Options
	engine store.Engine
	Stores *store.Stores
	Bus    *bus.Bus
	relay  *outbox.Relay
	caches *cacheSync
	batch  *store.Batcher
	hub    *realtime.Hub
	API    *httpapi.Handler
	srv    *http.Server
	ln     net.Listener
	served chan error
	ready  atomic.Bool

	Auth          *auth.Service
	Users         *user.Service
	Teams         *team.Service
	Skills        *skill.Service
	Tenants       *tenant.Service
	CannedReplies *cannedreply.Service
	// Customers is customer records, tiers and the audited reveal.
	Customers     *customer.Service
	Inboxes       *inbox.Service
	Conversations *conversation.Service
	Webchat       *webchat.Service
	attachments   *attachment.Service
	router        *channel.Router
	waker         *conversation.Waker
	autoResolver  *conversation.AutoResolver
	// Ingest takes inbound messages of channels into conversations.
	Ingest *channel.Ingest
	// Routing is queues, presence, offers and live routing state.
	Routing     *routing.Service
	routeEngine *routing.Engine
	chatRoute   *chatRouting
	disconnects *disconnectWatch
	// Shield is the number shield: virtual numbers, rules, lists,
	// bindings, dial codes and call decisions.
	Shield *shield.Service
	shield *shieldParts
}

// New opens storage (applying migrations) and the bus and wires every
// service. It does not listen yet; Start does.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, opts Options) (*App, error) {
	if opts.Now == nil {
		// Stored times have millisecond precision; truncating here keeps
		// what a create returns equal to what a later read returns.
		opts.Now = func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.NewID == nil {
		opts.NewID = func() string { return uuid.Must(uuid.NewV7()).String() }
	}
	if opts.AutoResolveEvery <= 0 {
		opts.AutoResolveEvery = time.Minute
	}
	a := &App{cfg: cfg, log: log, opts: opts}
	if err := a.open(ctx); err != nil {
		a.closeBackends()
		return nil, err
	}
	return a, nil
}

func (a *App) open(ctx context.Context) error {
	var err error
	if a.engine, err = store.OpenEngine(ctx, a.cfg.DBURL, a.cfg.SQLitePath()); err != nil {
		return err
	}
	if a.opts.Engine != nil {
		a.engine = a.opts.Engine(a.engine)
	}
	version, err := a.engine.Migrate(ctx)
	if err != nil {
		return err
	}
	a.log.Info("storage ready", "engine", a.engine.Dialect(), "schema_version", version)
	wake := make(chan struct{}, 1)
	a.caches = &cacheSync{a: a}
	notify := func(evs []store.Committed) {
		a.caches.committed(evs)
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	if a.Stores, err = store.New(a.engine, store.Options{NewID: a.opts.NewID, OnEvent: notify}); err != nil {
		return err
	}
	a.Bus, err = bus.Open(ctx, bus.Config{URL: a.cfg.NATSURL, Listen: a.cfg.NATSListen,
		StoreDir: filepath.Join(a.cfg.DataDir, "nats"), Logger: a.log})
	if err != nil {
		return err
	}
	a.log.Info("bus ready", "embedded", a.cfg.NATSURL == "", "listen", a.Bus.ClientURL())
	if a.cfg.DBURL != "" && a.cfg.NATSURL == "" {
		a.log.Warn("PostgreSQL with the embedded NATS server: run every node of a cluster with --nats pointing at one shared NATS, or each node publishes the shared outbox to its own private bus")
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	published := prometheus.NewCounter(prometheus.CounterOpts{Name: "switchboard_outbox_published_total",
		Help: "Events relayed from the outbox to the bus."})
	reg.MustRegister(published)
	a.relay = outbox.New(outbox.Config{Outbox: a.Stores.Outbox, Publisher: a.Bus, Wake: wake, Logger: a.log,
		Published: func(n int) { published.Add(float64(n)) }})
	a.wireServices()
	deps, err := a.wireChat()
	if err != nil {
		return err
	}
	if err := a.wireRouting(ctx); err != nil {
		return err
	}
	a.wireShield()
	deps.Shield = a.Shield
	deps.Routing, deps.CannedReplies = a.Routing, a.CannedReplies
	proxies, err := a.cfg.Proxies()
	if err != nil {
		return err
	}
	deps.Auth, deps.Users, deps.Teams, deps.Skills, deps.Tenants = a.Auth, a.Users, a.Teams, a.Skills, a.Tenants
	deps.Audit, deps.Ready, deps.Registry, deps.Logger = a.Stores.Audit, a.readyCheck, reg, a.log
	deps.BaseURL, deps.MaxBodyBytes, deps.Web, deps.TrustedProxies = a.cfg.BaseURL(), a.cfg.MaxBodyBytes, web.Handler(), proxies
	a.API, err = httpapi.New(deps)
	return err
}

func (a *App) wireServices() {
	st, o := a.Stores, a.opts
	// One hashing budget for the node: as many argon2id runs as cores.
	hasher := secret.NewHasher(o.Rand, runtime.GOMAXPROCS(0))
	a.Users = user.NewService(user.Config{Users: st.Users, InTx: store.InTxAs(st, func(tx *store.Tx) user.Tx { return tx }),
		Rand: o.Rand, Hasher: hasher, Now: o.Now, NewID: o.NewID, InviteTTL: a.cfg.InviteTTL})
	a.Teams = team.NewService(team.Config{Teams: st.Teams, InTx: store.InTxAs(st, func(tx *store.Tx) team.Tx { return tx }),
		Now: o.Now, NewID: o.NewID})
	a.Skills = skill.NewService(skill.Config{Skills: st.Skills, InTx: store.InTxAs(st, func(tx *store.Tx) skill.Tx { return tx }),
		Now: o.Now, NewID: o.NewID})
	a.CannedReplies = cannedreply.NewService(cannedreply.Config{Replies: st.CannedReplies,
		InTx: store.InTxAs(st, func(tx *store.Tx) cannedreply.Tx { return tx }), Now: o.Now, NewID: o.NewID})
	a.Tenants = tenant.NewService(tenant.Config{Tenants: st.Tenants,
		InTx: store.InTxAs(st, func(tx *store.Tx) tenant.Tx { return tx }), Hasher: hasher, Now: o.Now, NewID: o.NewID})
	a.Auth = auth.NewService(auth.Config{Tokens: st.Tokens, Users: st.Users, Tenants: st.Tenants,
		InTx: store.InTxAs(st, func(tx *store.Tx) auth.Tx { return tx }), Rand: o.Rand, Hasher: hasher,
		Now: o.Now, NewID: o.NewID, Logger: a.log, SessionTTL: a.cfg.SessionTTL})
}

// Start bootstraps the administrator if configured, starts the outbox relay
// and begins serving HTTP. /readyz answers 200 from then on.
func (a *App) Start(ctx context.Context) error {
	if a.cfg.AdminEmail != "" {
		created, err := a.Auth.Bootstrap(ctx, a.cfg.AdminEmail, a.cfg.AdminPassword)
		if err != nil {
			return fmt.Errorf("bootstrap administrator: %w", err)
		}
		if created {
			a.log.Info("platform administrator created", "email", a.cfg.AdminEmail)
		}
	}
	if err := a.batch.Start(ctx); err != nil {
		return err
	}
	if err := a.hub.Start(ctx); err != nil {
		return err
	}
	if err := a.caches.Start(ctx); err != nil {
		return err
	}
	if err := a.relay.Start(ctx); err != nil {
		return err
	}
	if err := a.router.Start(ctx); err != nil {
		return err
	}
	if err := a.shield.start(ctx); err != nil {
		return err
	}
	if err := a.waker.Start(ctx); err != nil {
		return err
	}
	if err := a.autoResolver.Start(ctx); err != nil {
		return err
	}
	if err := a.routeEngine.Start(ctx); err != nil {
		return err
	}
	a.chatRoute = &chatRouting{a: a}
	if err := a.chatRoute.Start(ctx); err != nil {
		return err
	}
	a.disconnects = &disconnectWatch{tenants: func(context.Context) ([]string, error) { return a.routeEngine.Routed(), nil },
		online: a.hub.Online, routing: a.Routing,
		now: a.opts.Now, log: a.log}
	if err := a.disconnects.Start(ctx); err != nil {
		return err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	a.ln = ln
	a.srv = &http.Server{
		Handler:           a.API,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	a.served = make(chan error, 1)
	go func() { a.served <- a.srv.Serve(ln) }()
	a.ready.Store(true)
	a.log.Info("http ready", "addr", ln.Addr().String())
	return nil
}

// Addr is the address HTTP listens on, once started.
func (a *App) Addr() string {
	if a.ln == nil {
		return ""
	}
	return a.ln.Addr().String()
}

func (a *App) readyCheck(ctx context.Context) error {
	if !a.ready.Load() {
		return errors.New("starting")
	}
	if err := a.engine.Ping(ctx); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	return a.Bus.Ready()
}

// Stop drains HTTP, then stops components in reverse order of start. It is
// safe to call more than once.
func (a *App) Stop(ctx context.Context) error {
	a.ready.Store(false)
	var errs []error
	if a.srv != nil {
		if err := a.srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("http shutdown: %w", err))
		}
		a.srv = nil
	}
	a.shield.stop()
	if a.disconnects != nil {
		a.disconnects.Stop()
	}
	if a.chatRoute != nil {
		a.chatRoute.Stop()
	}
	if a.routeEngine != nil {
		a.routeEngine.Stop()
	}
	if a.autoResolver != nil {
		a.autoResolver.Stop()
	}
	if a.waker != nil {
		a.waker.Stop()
	}
	if a.router != nil {
		a.router.Stop()
	}
	if a.hub != nil {
		a.hub.Stop()
	}
	if a.batch != nil {
		a.batch.Stop()
	}
	if a.relay != nil {
		a.relay.Stop()
	}
	if a.caches != nil {
		a.caches.Stop()
	}
	a.closeBackends()
	return errors.Join(errs...)
}

func (a *App) closeBackends() {
	if a.Bus != nil {
		a.Bus.Close()
		a.Bus = nil
	}
	if a.engine != nil {
		_ = a.engine.Close()
		a.engine = nil
	}
}

// Run starts a node and serves until ctx is cancelled, then shuts down
// gracefully within cfg.ShutdownTimeout.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger, demo bool, w io.Writer) error {
	a, err := New(ctx, cfg, log, Options{})
	if err != nil {
		return err
	}
	// Demo data goes in before Start, so /readyz never reports ready
	// while the demo tenant is still missing.
	var info *DemoInfo
	if demo {
		if info, err = a.Demo(ctx); err != nil {
			_ = a.Stop(context.Background())
			return fmt.Errorf("demo data: %w", err)
		}
	}
	if err := a.Start(ctx); err != nil {
		_ = a.Stop(context.Background())
		return err
	}
	if info != nil {
		info.Print(w, "http://"+a.Addr())
	}
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-a.served:
		log.Error("http server stopped", "err", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	err = a.Stop(sctx)
	log.Info("stopped")
	return err
}
