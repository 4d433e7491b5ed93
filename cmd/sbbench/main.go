// Command sbbench is Switchboard's end-to-end load generator. It measures
// the platform targets of docs/benchmarks.md over real sockets:
//
//	sbbench startup -bin PATH -runs 5                        # time to 200 on /readyz, cold and warm
//	sbbench login -server URL -email E -password P -n 50 -c 1 # login latency
//	sbbench me -server URL -email E -password P -c 32 -duration 10s # authenticated GET /api/v1/me throughput
//	sbbench shield -server URL -token T -calls FILE -c 64          # number shield decisions per second
//
// It talks to loopback only (it refuses any other host) and always stops by
// itself: startup after -runs, login after -n logins or -timeout, me after
// -warmup plus -duration (or -n requests). Results are plain text, one per
// line, so they paste into docs/benchmarks.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type subcommand struct {
	name, summary string
	run           func(ctx context.Context, args []string, out, errw io.Writer) error
}

func subcommands() []subcommand {
	return append([]subcommand{
		{"startup", "start a server binary repeatedly and time it to HTTP 200 on /readyz (cold and warm data dir)", startupCmd},
		{"login", "time POST /api/v1/auth/login (-n logins, -c concurrent)", loginCmd},
		{"me", "closed-loop authenticated GET /api/v1/me with -c workers for -duration", meCmd},
		{"shield", "closed-loop POST /api/v1/shield/resolve over a file of calls (-calls, -token, -c, -n)", shieldCmd},
	}, chatSubcommands()...)
}

func run(ctx context.Context, args []string, out, errw io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out)
		return 0
	}
	for _, c := range subcommands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], out, errw)
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if err != nil {
			fmt.Fprintf(errw, "sbbench %s: %v\n", c.name, err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(errw, "sbbench: unknown command %q\n\n", args[0])
	usage(errw)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "sbbench — Switchboard load generator (loopback only).\n\nUsage: sbbench COMMAND [flags]\n\nCommands:")
	for _, c := range subcommands() {
		fmt.Fprintf(w, "  %-18s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"sbbench COMMAND -h\" for a command's flags.")
}

// loopbackURL parses a server base URL and refuses anything that is not on
// this machine's loopback interface.
func loopbackURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("-server: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("-server %q: want http://127.0.0.1:PORT", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return u, nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("-server %q: sbbench only talks to loopback (127.0.0.0/8, ::1, localhost)", raw)
	}
	return u, nil
}

// boundedInt is an int flag refused by the parser outside [lo, hi]: every
// run stays bounded.
type boundedInt struct{ v, lo, hi int }

func (b *boundedInt) String() string {
	if b == nil {
		return ""
	}
	return strconv.Itoa(b.v)
}

func (b *boundedInt) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < b.lo || n > b.hi {
		return fmt.Errorf("must be an integer between %d and %d", b.lo, b.hi)
	}
	b.v = n
	return nil
}

// intFlag defines an int flag that must lie in [lo, hi].
func intFlag(fs *flag.FlagSet, name string, def, lo, hi int, usage string) *int {
	b := &boundedInt{v: def, lo: lo, hi: hi}
	fs.Var(b, name, fmt.Sprintf("%s (%d–%d)", usage, lo, hi))
	return &b.v
}
