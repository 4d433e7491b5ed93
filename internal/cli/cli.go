// Package cli implements the switchboard command line: serving, database
// maintenance, configuration, and admin commands that script a running
// server through its REST API.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"sort"

	"github.com/switchboardhq/switchboard/internal/app"
	"github.com/switchboardhq/switchboard/internal/config"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/store/sqlite"
)

// Env is the process environment, injected so commands are testable.
type Env struct {
	Args    []string
	Getenv  func(string) string
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Version string
}

type command struct {
	name, usage, summary string
	run                  func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve [flags]", "Run Switchboard (SQLite + in-process NATS unless --db/--nats are given).", serve},
		{"migrate", "migrate [flags]", "Apply database migrations and exit.", migrate},
		{"backup", "backup [flags] FILE", "Write a consistent copy of the SQLite database while it runs.", backup},
		{"config", "config defaults", "Print a commented configuration file with every default.", configCmd},
		{"version", "version", "Print the version.", versionCmd},
		{"login", "login --email EMAIL", "Sign in to a server and print a session token.", login},
		{"api", "api METHOD PATH [JSON]", "Call any API route and print the response.", apiCmd},
		{"tenants", "tenants list|get|create|update", "Manage tenants (platform administrator).", resourceCmd("tenants")},
		{"users", "users list|get|create|update|delete|invite", "Manage users (create and update take --extension and --level).", usersCmd},
		{"teams", "teams list|get|create|update|delete", "Manage teams.", resourceCmd("teams")},
		{"skills", "skills list|get|create|update|delete", "Manage skills.", resourceCmd("skills")},
		{"canned-replies", "canned-replies list|get|create|update|delete", "Manage canned replies (list --filter q=TEXT searches).", resourceCmd("canned-replies")},
		{"tokens", "tokens list|create|revoke", "Manage your API tokens.", resourceCmd("tokens")},
		{"inboxes", "inboxes list|get|create|update|delete", "Manage inboxes (web chat).", resourceCmd("inboxes")},
		{"conversations", "conversations list|get [--filter status=open]", "Read conversations.", resourceCmd("conversations")},
		{"customers", "customers list|get|create|update|merge", "Manage customers, phone numbers and emails masked (list --filter q=NAME searches; merge TARGET SOURCE).", customersCmd},
		{"customers", "customers timeline|import|export|reveal", "A customer's contacts; import FILE or export [--reveal --reason TEXT] as CSV; reveal --reason TEXT ID (audited).", customersCmd},
		{"customer-tiers", "customer-tiers list|create|update|delete", "Manage the tenant's customer tiers (standard, senior, vip by default).", resourceCmd("customer-tiers")},
		{"audit", "audit list [--filter action=user.]", "Read the audit log.", resourceCmd("audit")},
		{"queues", "queues list|get|create|update|delete|stats|hourly [ID]", "Manage routing queues; stats shows live queue state, hourly [--date YYYY-MM-DD] a day by local hour.", queuesCmd},
		{"away-reasons", "away-reasons list|create|delete", "Manage the reasons agents give for being away.", resourceCmd("away-reasons")},
		{"agents", "agents list|state|presence [USER_ID [available|away|offline [REASON]]]", "Read agents' routing state, or set an agent's presence.", agentsCmd},
		{"routing", "routing rules|settings [JSON|-]", "Read, or with JSON replace, the queue rules or routing settings.", routingCmd},
		{"settings", "settings get|set [--name --default-locale …]", "Read or change your tenant's settings (name, default locale, auto-resolve hours, default phone region).", settingsCmd},
		{"shield", "shield numbers|rules|lists|bindings|dial-code|resolve|decisions|settings …", "Run the number shield: virtual numbers, rules, block and allow lists, bindings, dial codes and call decisions.", shieldCmd},
	}
}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, env Env) int {
	if len(env.Args) == 0 || env.Args[0] == "help" || env.Args[0] == "-h" || env.Args[0] == "--help" {
		usage(env.Stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == env.Args[0] {
			err := c.run(ctx, env, env.Args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			if err != nil {
				fmt.Fprintf(env.Stderr, "switchboard %s: %v\n", c.name, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(env.Stderr, "switchboard: unknown command %q\n\n", env.Args[0])
	usage(env.Stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Switchboard — open-source contact center.\n\nUsage: switchboard COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-42s %s\n", c.usage, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"switchboard COMMAND -h\" for a command's flags.")
}

// serverFlags registers the bootstrap configuration flags on fs and returns
// a function that loads the configuration once fs is parsed.
func serverFlags(fs *flag.FlagSet, env Env) func() (config.Config, error) {
	names := config.FlagNames()
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := map[string]*string{}
	for _, k := range keys {
		vals[k] = fs.String(k, "", names[k])
	}
	file := fs.String("config", "", "KEY=VALUE configuration file (see: switchboard config defaults)")
	return func() (config.Config, error) {
		set := map[string]string{}
		fs.Visit(func(f *flag.Flag) {
			if v, ok := vals[f.Name]; ok {
				set[f.Name] = *v
			}
		})
		return config.Load(config.Source{Getenv: env.Getenv, Flags: set, FilePath: *file})
	}
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	level, _ := cfg.SlogLevel()
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func serve(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	load := serverFlags(fs, env)
	demo := fs.Bool("demo", false, "create a demo tenant with sample users, teams and skills, and print how to sign in")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.Stderr)
	slog.SetDefault(log)
	log.Info("starting switchboard", "version", env.Version, "addr", cfg.Addr, "data", cfg.DataDir)
	return app.Run(ctx, cfg, log, *demo, env.Stdout)
}

func migrate(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	load := serverFlags(fs, env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	e, err := store.OpenEngine(ctx, cfg.DBURL, cfg.SQLitePath())
	if err != nil {
		return err
	}
	defer e.Close()
	v, err := e.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s schema is at version %d\n", e.Dialect(), v)
	return nil
}

func backup(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	load := serverFlags(fs, env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: switchboard backup [flags] FILE")
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	if cfg.DBURL != "" {
		fmt.Fprintln(env.Stdout, "Switchboard is using PostgreSQL. Back it up with PostgreSQL's own tools, for example:")
		fmt.Fprintf(env.Stdout, "  pg_dump --format=custom --file=%s '%s'\n", fs.Arg(0), redact(cfg.DBURL))
		fmt.Fprintln(env.Stdout, "and restore with pg_restore. For point-in-time recovery use WAL archiving (pg_basebackup).")
		return nil
	}
	if _, err := os.Stat(cfg.SQLitePath()); err != nil {
		return fmt.Errorf("no database at %s: %w", cfg.SQLitePath(), err)
	}
	db, err := sqlite.Open(ctx, cfg.SQLitePath())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup written to %s\n", fs.Arg(0))
	return nil
}

// redact hides a password in a database URL.
func redact(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Redacted()
	}
	return u
}

func configCmd(_ context.Context, env Env, args []string) error {
	if len(args) != 1 || args[0] != "defaults" {
		return errors.New("usage: switchboard config defaults")
	}
	return config.WriteDefaults(env.Stdout)
}

func versionCmd(_ context.Context, env Env, _ []string) error {
	v := env.Version
	if info, ok := debug.ReadBuildInfo(); ok && v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	fmt.Fprintf(env.Stdout, "switchboard %s %s %s/%s\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
