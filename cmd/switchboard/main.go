// Command switchboard is the Switchboard contact-center platform: one binary
// that serves the API and UI (serve), manages its database (migrate, backup)
// and scripts a running server (tenants, users, teams, skills, tokens, audit).
// Run "switchboard help" for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/switchboardhq/switchboard/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.Env{Args: os.Args[1:], Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout,
		Stderr: os.Stderr, Version: version})
	stop()
	os.Exit(code)
}
