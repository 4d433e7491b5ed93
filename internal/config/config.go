// Package config holds Switchboard's bootstrap configuration: what a process
// needs before it can reach its database. It is loaded once — defaults, then an
// optional KEY=VALUE file, then the environment, then command-line flags — and
// passed explicitly; there is no global config. Settings that admins change at
// runtime live in the database, not here.
package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is the bootstrap configuration. Every field documents its default;
// `switchboard config defaults` prints them as a commented file.
type Config struct {
	// Addr is the HTTP listen address. Defaults to 127.0.0.1:8080.
	Addr string
	// PublicURL is the externally visible base URL, used in invite links.
	// Defaults to http:// plus Addr.
	PublicURL string
	// DataDir holds the SQLite database and the embedded NATS server's
	// JetStream files.
	// Defaults to ./data.
	DataDir string
	// DBURL selects PostgreSQL when set to a postgres:// URL. Empty (the
	// default) means SQLite at DataDir/switchboard.db.
	DBURL string
	// NATSURL points at an external NATS cluster (comma-separated URLs). Empty
	// (the default) runs an in-process NATS server with JetStream.
	NATSURL string
	// NATSListen makes the embedded NATS server listen on this TCP address
	// (e.g. 127.0.0.1:4222) so other tools can subscribe. Defaults to empty:
	// no TCP port, in-process connections only.
	NATSListen string
	// AdminEmail and AdminPassword create the platform administrator on an
	// empty database. Later starts never change an existing administrator.
	// Default empty: no bootstrap.
	AdminEmail    string
	AdminPassword string
	// SessionTTL is how long a login session lasts. Defaults to 12h.
	SessionTTL time.Duration
	// InviteTTL is how long an invite link stays valid. Defaults to 168h.
	InviteTTL time.Duration
	// MaxBodyBytes caps JSON request bodies. Defaults to 1048576 (1 MiB).
	MaxBodyBytes int64
	// ShutdownTimeout bounds the graceful drain on SIGTERM. Defaults to 15s.
	ShutdownTimeout time.Duration
	// TrustedProxies lists reverse proxies (IPs or CIDRs, comma-separated)
	// whose X-Forwarded-For header names the real client, for sign-in
	// throttling and the audit log. Defaults to none: the peer address is
	// the client.
	TrustedProxies string
	// RateLimit turns the per-visitor and per-address limits of public
	// endpoints on ("on", the default) or off ("off", for load tests).
	// Sign-in throttling always stays on.
	RateLimit string
	// LogLevel is debug, info, warn or error. Defaults to info.
	LogLevel string
	// LogFormat is text or json. Defaults to text.
	LogFormat string
}

// option binds one Config field to its env key, flag and documentation.
type option struct {
	key  string // environment variable and config-file key
	flag string // command-line flag; empty if none
	doc  string
	def  string
	// field returns a pointer to the bound field: *string, *time.Duration or *int64.
	field func(c *Config) any
	// secret options honour KEY_FILE.
	secret bool
}

func (o option) set(c *Config, v string) error {
	switch p := o.field(c).(type) {
	case *string:
		*p = v
	case *time.Duration:
		d, err := time.ParseDuration(v)
		if err != nil {
			return err
		}
		*p = d
	case *int64:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return err
		}
		*p = n
	}
	return nil
}

func (o option) get(c *Config) string {
	switch p := o.field(c).(type) {
	case *string:
		return *p
	case *time.Duration:
		return p.String()
	case *int64:
		return strconv.FormatInt(*p, 10)
	}
	return ""
}

// options is the table of every setting. Keep it on one screen.
func options() []option {
	return []option{
		{key: "SWITCHBOARD_ADDR", flag: "addr", doc: "HTTP listen address.", def: "127.0.0.1:8080", field: func(c *Config) any { return &c.Addr }},
		{key: "SWITCHBOARD_PUBLIC_URL", flag: "public-url", doc: "Externally visible base URL for links; empty means http://ADDR.", field: func(c *Config) any { return &c.PublicURL }},
		{key: "SWITCHBOARD_DATA_DIR", flag: "data", doc: "Directory for the SQLite database and embedded NATS files.", def: "./data", field: func(c *Config) any { return &c.DataDir }},
		{key: "SWITCHBOARD_DB_URL", flag: "db", doc: "PostgreSQL URL (postgres://…); empty means SQLite in the data directory.", field: func(c *Config) any { return &c.DBURL }},
		{key: "SWITCHBOARD_NATS_URL", flag: "nats", doc: "External NATS URL(s), comma-separated; empty means an in-process NATS server.", field: func(c *Config) any { return &c.NATSURL }},
		{key: "SWITCHBOARD_NATS_LISTEN", flag: "nats-listen", doc: "TCP address for the embedded NATS server; empty means no TCP port.", field: func(c *Config) any { return &c.NATSListen }},
		{key: "SWITCHBOARD_ADMIN_EMAIL", doc: "Platform administrator created on an empty database.", field: func(c *Config) any { return &c.AdminEmail }},
		{key: "SWITCHBOARD_ADMIN_PASSWORD", doc: "Password for that administrator (or SWITCHBOARD_ADMIN_PASSWORD_FILE).", secret: true, field: func(c *Config) any { return &c.AdminPassword }},
		{key: "SWITCHBOARD_SESSION_TTL", doc: "Lifetime of a login session.", def: "12h0m0s", field: func(c *Config) any { return &c.SessionTTL }},
		{key: "SWITCHBOARD_INVITE_TTL", doc: "Lifetime of an invite link.", def: "168h0m0s", field: func(c *Config) any { return &c.InviteTTL }},
		{key: "SWITCHBOARD_MAX_BODY_BYTES", doc: "Largest accepted JSON request body, in bytes.", def: "1048576", field: func(c *Config) any { return &c.MaxBodyBytes }},
		{key: "SWITCHBOARD_SHUTDOWN_TIMEOUT", doc: "Longest graceful drain on SIGTERM/SIGINT.", def: "15s", field: func(c *Config) any { return &c.ShutdownTimeout }},
		{key: "SWITCHBOARD_TRUSTED_PROXIES", doc: "Reverse proxies (IPs/CIDRs, comma-separated) whose X-Forwarded-For is trusted.", field: func(c *Config) any { return &c.TrustedProxies }},
		{key: "SWITCHBOARD_RATE_LIMIT", doc: "on or off: per-visitor and per-address limits of public endpoints (sign-in throttling stays on).", def: "on", field: func(c *Config) any { return &c.RateLimit }},
		{key: "SWITCHBOARD_LOG_LEVEL", flag: "log-level", doc: "debug, info, warn or error.", def: "info", field: func(c *Config) any { return &c.LogLevel }},
		{key: "SWITCHBOARD_LOG_FORMAT", flag: "log-format", doc: "text or json.", def: "text", field: func(c *Config) any { return &c.LogFormat }},
	}
}

// Defaults returns the configuration with every default applied.
func Defaults() Config {
	var c Config
	for _, o := range options() {
		if err := o.set(&c, o.def); err != nil {
			panic(fmt.Sprintf("config: bad default for %s: %v", o.key, err)) // a programming error
		}
	}
	return c
}

// Source supplies raw values: the environment and parsed flags. Flags holds
// only flags the user set explicitly, keyed by flag name.
type Source struct {
	Getenv   func(string) string
	Flags    map[string]string
	FilePath string // optional KEY=VALUE file
}

// Load builds a Config: defaults, then the file, then the environment, then
// flags; and validates it.
func Load(src Source) (Config, error) {
	c := Defaults()
	opts := options()
	if src.FilePath != "" {
		vals, err := readFile(src.FilePath)
		if err != nil {
			return c, err
		}
		if err := apply(&c, opts, func(o option) (string, bool) { v, ok := vals[o.key]; return v, ok }); err != nil {
			return c, fmt.Errorf("config file %s: %w", src.FilePath, err)
		}
		if err := unknownKeys(vals, opts); err != nil {
			return c, fmt.Errorf("config file %s: %w", src.FilePath, err)
		}
	}
	var fileErr error
	getenv := src.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	err := apply(&c, opts, func(o option) (string, bool) {
		if v := getenv(o.key); v != "" {
			return v, true
		}
		if o.secret {
			if f := getenv(o.key + "_FILE"); f != "" {
				b, err := os.ReadFile(f)
				if err != nil {
					fileErr = fmt.Errorf("%s_FILE: %w", o.key, err)
					return "", false
				}
				return strings.TrimSpace(string(b)), true
			}
		}
		return "", false
	})
	if fileErr != nil {
		return c, fileErr
	}
	if err != nil {
		return c, fmt.Errorf("environment: %w", err)
	}
	err = apply(&c, opts, func(o option) (string, bool) {
		if o.flag == "" {
			return "", false
		}
		v, ok := src.Flags[o.flag]
		return v, ok
	})
	if err != nil {
		return c, fmt.Errorf("flags: %w", err)
	}
	return c, c.Validate()
}

func apply(c *Config, opts []option, lookup func(option) (string, bool)) error {
	for _, o := range opts {
		if v, ok := lookup(o); ok {
			if err := o.set(c, v); err != nil {
				return fmt.Errorf("%s: %w", o.key, err)
			}
		}
	}
	return nil
}

// unknownKeys reports keys that no option reads, so a typo is not silently
// ignored.
func unknownKeys(vals map[string]string, opts []option) error {
	known := map[string]bool{}
	for _, o := range opts {
		known[o.key] = true
	}
	var bad []string
	for k := range vals {
		if !known[k] {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return fmt.Errorf("unknown keys %s (see: switchboard config defaults)", strings.Join(bad, ", "))
}

func readFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	vals := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("config: %s:%d: expected KEY=VALUE", path, n)
		}
		vals[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	return vals, sc.Err()
}

// Validate checks values that would otherwise fail later and obscurely.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("SWITCHBOARD_ADDR %q: %w", c.Addr, err))
	}
	if c.DBURL != "" {
		u, err := url.Parse(c.DBURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			errs = append(errs, fmt.Errorf("SWITCHBOARD_DB_URL must be a postgres:// URL"))
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || u.Host == "" {
			errs = append(errs, fmt.Errorf("SWITCHBOARD_PUBLIC_URL %q is not an absolute URL", c.PublicURL))
		}
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		errs = append(errs, errors.New("SWITCHBOARD_ADMIN_EMAIL and SWITCHBOARD_ADMIN_PASSWORD must be set together"))
	}
	if c.SessionTTL < time.Minute || c.InviteTTL < time.Minute {
		errs = append(errs, errors.New("session and invite TTLs must be at least 1m"))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, errors.New("SWITCHBOARD_MAX_BODY_BYTES must be at least 1024"))
	}
	if _, err := c.Proxies(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.SlogLevel(); err != nil {
		errs = append(errs, err)
	}
	if c.RateLimit != "on" && c.RateLimit != "off" {
		errs = append(errs, fmt.Errorf("SWITCHBOARD_RATE_LIMIT %q: want on or off", c.RateLimit))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("SWITCHBOARD_LOG_FORMAT %q: want text or json", c.LogFormat))
	}
	return errors.Join(errs...)
}

// SlogLevel parses LogLevel.
func (c *Config) SlogLevel() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return l, fmt.Errorf("SWITCHBOARD_LOG_LEVEL %q: %w", c.LogLevel, err)
	}
	return l, nil
}

// Proxies parses TrustedProxies.
func (c *Config) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(c.TrustedProxies, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("SWITCHBOARD_TRUSTED_PROXIES: %q: %w", f, err)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("SWITCHBOARD_TRUSTED_PROXIES: %q: %w", f, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// BaseURL returns PublicURL, or a URL derived from Addr.
func (c *Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + c.Addr
}

// SQLitePath is where the embedded database lives.
func (c *Config) SQLitePath() string { return filepath.Join(c.DataDir, "switchboard.db") }

// FlagNames returns the flags Load understands with their documentation, for
// the CLI to register.
func FlagNames() map[string]string {
	out := map[string]string{}
	for _, o := range options() {
		if o.flag != "" {
			out[o.flag] = o.doc + " (env " + o.key + ")"
		}
	}
	return out
}

// WriteDefaults prints a commented KEY=VALUE file with every option at its
// default, suitable for --config.
func WriteDefaults(w io.Writer) error {
	c := Defaults()
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# Switchboard configuration. Every line shows the default.")
	fmt.Fprintln(bw, "# Precedence: defaults < this file (--config) < environment < flags.")
	fmt.Fprintln(bw, "# In the environment, a secret may instead name a file: KEY_FILE=/path.")
	for _, o := range options() {
		fmt.Fprintln(bw)
		fmt.Fprintf(bw, "# %s\n", o.doc)
		if o.flag != "" {
			fmt.Fprintf(bw, "# Flag: --%s\n", o.flag)
		}
		fmt.Fprintf(bw, "%s=%s\n", o.key, o.get(&c))
	}
	return bw.Flush()
}
