package config_test

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/config"
)

// env returns a Getenv over a fixed map, so tests never read the process
// environment.
func env(vals map[string]string) func(string) string {
	return func(k string) string { return vals[k] }
}

// writeFile writes content to a fresh file and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestDefaults(t *testing.T) {
	t.Parallel()

	c := config.Defaults()
	require.Equal(t, config.Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "./data",
		SessionTTL:      12 * time.Hour,
		InviteTTL:       168 * time.Hour,
		MaxBodyBytes:    1 << 20,
		ShutdownTimeout: 15 * time.Second,
		RateLimit:       "on",
		LogLevel:        "info",
		LogFormat:       "text",
	}, c)
	require.NoError(t, c.Validate(), "the defaults must be valid on their own")
	require.Equal(t, "http://127.0.0.1:8080", c.BaseURL())
	require.Equal(t, filepath.Join("data", "switchboard.db"), c.SQLitePath())

	loaded, err := config.Load(config.Source{})
	require.NoError(t, err)
	require.Equal(t, c, loaded, "Load with no sources returns the defaults")
}

func TestLoad_Precedence(t *testing.T) {
	t.Parallel()

	file := writeFile(t, "switchboard.conf", strings.Join([]string{
		"# comment lines and blank lines are ignored",
		"",
		"SWITCHBOARD_ADDR=127.0.0.1:1001",
		"SWITCHBOARD_DATA_DIR = /var/lib/switchboard-file",
		`SWITCHBOARD_LOG_LEVEL="warn"`,
		"SWITCHBOARD_LOG_FORMAT=json",
		"SWITCHBOARD_SESSION_TTL=1h",
	}, "\n")+"\n")

	t.Run("FileOverDefaults", func(t *testing.T) {
		t.Parallel()

		c, err := config.Load(config.Source{FilePath: file})
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1:1001", c.Addr)
		require.Equal(t, "/var/lib/switchboard-file", c.DataDir, "spaces around = are trimmed")
		require.Equal(t, "warn", c.LogLevel, "surrounding quotes are removed")
		require.Equal(t, "json", c.LogFormat)
		require.Equal(t, time.Hour, c.SessionTTL)
		require.Equal(t, 168*time.Hour, c.InviteTTL, "keys absent from the file keep their default")
	})

	t.Run("EnvOverFile", func(t *testing.T) {
		t.Parallel()

		c, err := config.Load(config.Source{FilePath: file, Getenv: env(map[string]string{
			"SWITCHBOARD_ADDR":        "127.0.0.1:1002",
			"SWITCHBOARD_LOG_LEVEL":   "error",
			"SWITCHBOARD_INVITE_TTL":  "2h",
			"SWITCHBOARD_LOG_FORMAT":  "", // empty means unset: the file value stays
			"SWITCHBOARD_UNKNOWN_KEY": "ignored",
		})})
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1:1002", c.Addr)
		require.Equal(t, "error", c.LogLevel)
		require.Equal(t, 2*time.Hour, c.InviteTTL)
		require.Equal(t, "json", c.LogFormat)
		require.Equal(t, "/var/lib/switchboard-file", c.DataDir)
	})

	t.Run("FlagsOverEnv", func(t *testing.T) {
		t.Parallel()

		c, err := config.Load(config.Source{
			FilePath: file,
			Getenv: env(map[string]string{
				"SWITCHBOARD_ADDR":      "127.0.0.1:1002",
				"SWITCHBOARD_LOG_LEVEL": "error",
			}),
			Flags: map[string]string{
				"addr":      "127.0.0.1:1003",
				"data":      "/tmp/flag-data",
				"log-level": "debug",
			},
		})
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1:1003", c.Addr)
		require.Equal(t, "/tmp/flag-data", c.DataDir)
		require.Equal(t, "debug", c.LogLevel)
		require.Equal(t, "json", c.LogFormat, "from the file: neither env nor flags set it")
		require.Equal(t, time.Hour, c.SessionTTL, "from the file")
	})

	t.Run("FlagsOnlyForFlaggedOptions", func(t *testing.T) {
		t.Parallel()

		// Options without a flag (the TTLs, the admin bootstrap) are not
		// read from Flags even if a key with a similar name appears there.
		c, err := config.Load(config.Source{Flags: map[string]string{"session-ttl": "5m"}})
		require.NoError(t, err)
		require.Equal(t, 12*time.Hour, c.SessionTTL)
	})
}

func TestFlagNames(t *testing.T) {
	t.Parallel()

	names := config.FlagNames()
	for _, f := range []string{"addr", "public-url", "data", "db", "nats", "nats-listen", "log-level", "log-format"} {
		require.Contains(t, names, f)
	}
	require.NotContains(t, names, "admin-password", "secrets are never flags (they would show in ps)")
	require.Contains(t, names["addr"], "SWITCHBOARD_ADDR", "the flag help names its env variable")
}

func TestLoad_AdminPasswordFile(t *testing.T) {
	t.Parallel()

	pwFile := writeFile(t, "admin-password", "  correct horse battery staple\n")

	t.Run("ReadAndTrimmed", func(t *testing.T) {
		t.Parallel()

		c, err := config.Load(config.Source{Getenv: env(map[string]string{
			"SWITCHBOARD_ADMIN_EMAIL":         "root@example.com",
			"SWITCHBOARD_ADMIN_PASSWORD_FILE": pwFile,
		})})
		require.NoError(t, err)
		require.Equal(t, "root@example.com", c.AdminEmail)
		require.Equal(t, "correct horse battery staple", c.AdminPassword)
	})

	t.Run("DirectValueWins", func(t *testing.T) {
		t.Parallel()

		c, err := config.Load(config.Source{Getenv: env(map[string]string{
			"SWITCHBOARD_ADMIN_EMAIL":         "root@example.com",
			"SWITCHBOARD_ADMIN_PASSWORD":      "from-the-environment",
			"SWITCHBOARD_ADMIN_PASSWORD_FILE": pwFile,
		})})
		require.NoError(t, err)
		require.Equal(t, "from-the-environment", c.AdminPassword)
	})

	t.Run("OnlySecretsHonourFile", func(t *testing.T) {
		t.Parallel()

		addrFile := writeFile(t, "addr", "127.0.0.1:9999\n")
		c, err := config.Load(config.Source{Getenv: env(map[string]string{"SWITCHBOARD_ADDR_FILE": addrFile})})
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1:8080", c.Addr)
	})

	t.Run("MissingFileIsAnError", func(t *testing.T) {
		t.Parallel()

		missing := filepath.Join(t.TempDir(), "does-not-exist")
		_, err := config.Load(config.Source{Getenv: env(map[string]string{
			"SWITCHBOARD_ADMIN_EMAIL":         "root@example.com",
			"SWITCHBOARD_ADMIN_PASSWORD_FILE": missing,
		})})
		require.ErrorContains(t, err, "SWITCHBOARD_ADMIN_PASSWORD_FILE")
		require.ErrorIs(t, err, os.ErrNotExist)

		// Without the email the bad file must still be reported, not
		// silently leave the password empty.
		_, err = config.Load(config.Source{Getenv: env(map[string]string{
			"SWITCHBOARD_ADMIN_PASSWORD_FILE": missing,
		})})
		require.ErrorContains(t, err, "SWITCHBOARD_ADMIN_PASSWORD_FILE")
	})
}

func TestLoad_SourceErrors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		src  func(t *testing.T) config.Source
		want string
	}{
		{
			name: "MissingFile",
			src: func(t *testing.T) config.Source {
				return config.Source{FilePath: filepath.Join(t.TempDir(), "nope.conf")}
			},
			want: "config:",
		},
		{
			name: "FileLineWithoutEquals",
			src: func(t *testing.T) config.Source {
				return config.Source{FilePath: writeFile(t, "bad.conf", "SWITCHBOARD_ADDR=127.0.0.1:1\njust words\n")}
			},
			want: ":2: expected KEY=VALUE",
		},
		{
			name: "FileBadDuration",
			src: func(t *testing.T) config.Source {
				return config.Source{FilePath: writeFile(t, "bad.conf", "SWITCHBOARD_SESSION_TTL=forever\n")}
			},
			want: "SWITCHBOARD_SESSION_TTL",
		},
		{
			name: "FileUnknownKey",
			src: func(t *testing.T) config.Source {
				return config.Source{FilePath: writeFile(t, "typo.conf", "SWITCHBOARD_LISTEN_ON=0.0.0.0:80\n")}
			},
			want: "unknown keys SWITCHBOARD_LISTEN_ON",
		},
		{
			name: "EnvBadInteger",
			src: func(t *testing.T) config.Source {
				return config.Source{Getenv: env(map[string]string{"SWITCHBOARD_MAX_BODY_BYTES": "1MiB"})}
			},
			want: "environment: SWITCHBOARD_MAX_BODY_BYTES",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, err := config.Load(tt.src(t))
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		modify func(c *config.Config)
		want   string // empty: valid
	}{
		{name: "AddrWithoutPort", modify: func(c *config.Config) { c.Addr = "localhost" }, want: "SWITCHBOARD_ADDR"},
		{name: "AddrAllInterfaces", modify: func(c *config.Config) { c.Addr = ":8080" }},
		{name: "DBURLMySQL", modify: func(c *config.Config) { c.DBURL = "mysql://u@h/db" }, want: "SWITCHBOARD_DB_URL must be a postgres:// URL"},
		{name: "DBURLPath", modify: func(c *config.Config) { c.DBURL = "/var/lib/switchboard.db" }, want: "SWITCHBOARD_DB_URL"},
		{name: "DBURLPostgres", modify: func(c *config.Config) { c.DBURL = "postgres://u@h:5432/db?sslmode=disable" }},
		{name: "DBURLPostgresql", modify: func(c *config.Config) { c.DBURL = "postgresql://u@h/db" }},
		{name: "PublicURLRelative", modify: func(c *config.Config) { c.PublicURL = "/switchboard" }, want: "SWITCHBOARD_PUBLIC_URL"},
		{name: "PublicURLAbsolute", modify: func(c *config.Config) { c.PublicURL = "https://help.example.com/" }},
		{name: "EmailWithoutPassword", modify: func(c *config.Config) { c.AdminEmail = "root@example.com" }, want: "must be set together"},
		{name: "PasswordWithoutEmail", modify: func(c *config.Config) { c.AdminPassword = "hunter2hunter2" }, want: "must be set together"},
		{name: "ShortSessionTTL", modify: func(c *config.Config) { c.SessionTTL = 30 * time.Second }, want: "at least 1m"},
		{name: "ShortInviteTTL", modify: func(c *config.Config) { c.InviteTTL = time.Second }, want: "at least 1m"},
		{name: "TinyBodyLimit", modify: func(c *config.Config) { c.MaxBodyBytes = 100 }, want: "SWITCHBOARD_MAX_BODY_BYTES"},
		{name: "ProxyAddr", modify: func(c *config.Config) { c.TrustedProxies = "10.0.0.1" }},
		{name: "ProxyList", modify: func(c *config.Config) { c.TrustedProxies = " 10.0.0.0/8 , ::1,, fd00::/8 " }},
		{name: "ProxyBadAddr", modify: func(c *config.Config) { c.TrustedProxies = "10.0.0.256" }, want: "SWITCHBOARD_TRUSTED_PROXIES"},
		{name: "ProxyBadPrefix", modify: func(c *config.Config) { c.TrustedProxies = "10.0.0.0/33" }, want: "SWITCHBOARD_TRUSTED_PROXIES"},
		{name: "RateLimitWord", modify: func(c *config.Config) { c.RateLimit = "disabled" }, want: "SWITCHBOARD_RATE_LIMIT"},
		{name: "ProxyHostname", modify: func(c *config.Config) { c.TrustedProxies = "10.0.0.1,proxy.internal" }, want: `"proxy.internal"`},
		{name: "BadLogLevel", modify: func(c *config.Config) { c.LogLevel = "loud" }, want: "SWITCHBOARD_LOG_LEVEL"},
		{name: "LogLevelUpperCase", modify: func(c *config.Config) { c.LogLevel = "DEBUG" }},
		{name: "BadLogFormat", modify: func(c *config.Config) { c.LogFormat = "xml" }, want: "SWITCHBOARD_LOG_FORMAT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c := config.Defaults()
			tt.modify(&c)
			err := c.Validate()
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.want)
		})
	}

	t.Run("ReportsEveryProblem", func(t *testing.T) {
		t.Parallel()

		c := config.Defaults()
		c.Addr, c.LogLevel, c.LogFormat = "nope", "loud", "xml"
		err := c.Validate()
		require.ErrorContains(t, err, "SWITCHBOARD_ADDR")
		require.ErrorContains(t, err, "SWITCHBOARD_LOG_LEVEL")
		require.ErrorContains(t, err, "SWITCHBOARD_LOG_FORMAT")
	})

	t.Run("LoadValidates", func(t *testing.T) {
		t.Parallel()

		_, err := config.Load(config.Source{Flags: map[string]string{"log-format": "yaml"}})
		require.ErrorContains(t, err, "SWITCHBOARD_LOG_FORMAT")
	})
}

func TestProxies(t *testing.T) {
	t.Parallel()

	c := config.Defaults()
	got, err := c.Proxies()
	require.NoError(t, err)
	require.Empty(t, got, "no proxy is trusted by default")

	c.TrustedProxies = "192.0.2.7, 10.1.2.3/8,2001:db8::1"
	got, err = c.Proxies()
	require.NoError(t, err)
	require.Equal(t, []netip.Prefix{
		netip.MustParsePrefix("192.0.2.7/32"),
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("2001:db8::1/128"),
	}, got, "bare addresses become host prefixes; prefixes are masked")
}

func TestBaseURL(t *testing.T) {
	t.Parallel()

	c := config.Defaults()
	c.PublicURL = "https://help.example.com/"
	require.Equal(t, "https://help.example.com", c.BaseURL(), "trailing slash trimmed")
}

func TestWriteDefaults(t *testing.T) {
	t.Parallel()

	var buf bytes.Buffer
	require.NoError(t, config.WriteDefaults(&buf))
	out := buf.String()

	t.Run("Shape", func(t *testing.T) {
		t.Parallel()

		require.True(t, strings.HasPrefix(out, "# Switchboard configuration."), "starts with the header:\n%s", out)
		var keys []string
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			line := sc.Text()
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			k, _, ok := strings.Cut(line, "=")
			require.True(t, ok, "line %q is not KEY=VALUE", line)
			keys = append(keys, k)
		}
		require.NoError(t, sc.Err())
		require.Equal(t, []string{
			"SWITCHBOARD_ADDR", "SWITCHBOARD_PUBLIC_URL", "SWITCHBOARD_DATA_DIR", "SWITCHBOARD_DB_URL",
			"SWITCHBOARD_NATS_URL", "SWITCHBOARD_NATS_LISTEN", "SWITCHBOARD_ADMIN_EMAIL",
			"SWITCHBOARD_ADMIN_PASSWORD", "SWITCHBOARD_SESSION_TTL", "SWITCHBOARD_INVITE_TTL",
			"SWITCHBOARD_MAX_BODY_BYTES", "SWITCHBOARD_SHUTDOWN_TIMEOUT", "SWITCHBOARD_TRUSTED_PROXIES",
			"SWITCHBOARD_RATE_LIMIT", "SWITCHBOARD_LOG_LEVEL", "SWITCHBOARD_LOG_FORMAT",
		}, keys, "every option, once, in table order")
		require.Contains(t, out, "\n# HTTP listen address.\n# Flag: --addr\nSWITCHBOARD_ADDR=127.0.0.1:8080\n")
		require.Contains(t, out, "\nSWITCHBOARD_SESSION_TTL=12h0m0s\n")
		require.Contains(t, out, "\nSWITCHBOARD_MAX_BODY_BYTES=1048576\n")
	})

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()

		p := writeFile(t, "defaults.conf", out)
		c, err := config.Load(config.Source{FilePath: p})
		require.NoError(t, err)
		require.Equal(t, config.Defaults(), c, "the printed defaults load back to the defaults")
	})
}
