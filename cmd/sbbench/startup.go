package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

func startupCmd(ctx context.Context, args []string, out, errw io.Writer) error {
	fs := flag.NewFlagSet("startup", flag.ContinueOnError)
	fs.SetOutput(errw)
	bin := fs.String("bin", "", "switchboard binary to start (required)")
	runs := intFlag(fs, "runs", 5, 1, 100, "number of runs; each is one cold start on a fresh data dir and one warm start on the same dir")
	timeout := fs.Duration("timeout", 10*time.Second, "give up on a start that is not ready within this")
	poll := fs.Duration("poll", time.Millisecond, "interval between GET /readyz polls")
	extra := fs.String("args", "", "extra space-separated arguments for \"serve\" (e.g. \"--log-level warn\")")
	keepEnv := fs.Bool("keep-env", false, "pass SWITCHBOARD_* environment variables to the server (default: strip them, so it runs on embedded defaults)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bin == "" {
		return errors.New("-bin is required")
	}
	if _, err := os.Stat(*bin); err != nil {
		return err
	}
	s := &starter{bin: *bin, timeout: *timeout, poll: *poll, extra: strings.Fields(*extra), env: childEnv(*keepEnv)}
	fmt.Fprintf(out, "startup bin=%s runs=%d poll=%s\n", *bin, *runs, *poll)
	var cold, warm []time.Duration
	for i := 1; i <= *runs; i++ {
		dir, err := os.MkdirTemp("", "sbbench-startup-")
		if err != nil {
			return err
		}
		for _, phase := range []string{"cold", "warm"} {
			r, err := s.once(ctx, dir)
			if err != nil {
				_ = os.RemoveAll(dir)
				return fmt.Errorf("run %d %s: %w", i, phase, err)
			}
			fmt.Fprintf(out, "startup run=%d phase=%s ready_ms=%s polls=%d stop_ms=%s\n", i, phase, ms(r.ready), r.polls, ms(r.stop))
			if phase == "cold" {
				cold = append(cold, r.ready)
			} else {
				warm = append(warm, r.ready)
			}
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	for _, p := range []struct {
		name string
		ds   []time.Duration
	}{{"cold", cold}, {"warm", warm}} {
		fmt.Fprintf(out, "startup phase=%s runs=%d median_ms=%s min_ms=%s max_ms=%s\n", p.name, len(p.ds),
			ms(median(p.ds)), ms(slices.Min(p.ds)), ms(slices.Max(p.ds)))
	}
	return nil
}

// childEnv is the server's environment: ours, without SWITCHBOARD_*
// variables unless keep is set, so that a developer's shell cannot switch
// the measured server to PostgreSQL or an external NATS by accident.
func childEnv(keep bool) []string {
	if keep {
		return os.Environ()
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SWITCHBOARD_") {
			env = append(env, kv)
		}
	}
	return env
}

type starter struct {
	bin     string
	timeout time.Duration
	poll    time.Duration
	extra   []string
	env     []string
}

type startResult struct {
	ready time.Duration // process start → first 200 from /readyz
	stop  time.Duration // SIGTERM → process exit
	polls int
}

// once starts the server on dir and a free loopback port, polls /readyz
// until it answers 200, then stops the server with SIGTERM.
func (s *starter) once(ctx context.Context, dir string) (startResult, error) {
	var r startResult
	addr, err := freeLoopbackAddr(ctx)
	if err != nil {
		return r, err
	}
	args := append([]string{"serve", "--data", dir, "--addr", addr}, s.extra...)
	cmd := exec.CommandContext(ctx, s.bin, args...)
	// Interrupting sbbench stops the server gracefully, and at worst kills
	// it 30 s later.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	cmd.Env = s.env
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	// A fresh client without keep-alives: each poll is a new connection, as a
	// load balancer's health check would be.
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	readyURL := "http://" + addr + "/readyz"

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return r, err
	}
	var waitErr error // set before exited is closed
	exited := make(chan struct{})
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	kill := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	deadline := start.Add(s.timeout)
	for {
		r.polls++
		if ok := pollReady(ctx, client, readyURL); ok {
			r.ready = time.Since(start)
			break
		}
		select {
		case <-exited:
			return r, fmt.Errorf("server exited before ready (%w); output:\n%s", waitErr, logs.String())
		case <-ctx.Done():
			kill()
			return r, ctx.Err()
		case <-time.After(s.poll):
		}
		if time.Now().After(deadline) {
			kill()
			return r, fmt.Errorf("not ready after %s; output:\n%s", s.timeout, logs.String())
		}
	}
	stopAt := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		kill()
		return r, err
	}
	select {
	case <-exited:
		r.stop = time.Since(stopAt)
		if waitErr != nil {
			return r, fmt.Errorf("server exited with %w after SIGTERM; output:\n%s", waitErr, logs.String())
		}
	case <-time.After(30 * time.Second):
		kill()
		return r, fmt.Errorf("server did not stop within 30s of SIGTERM; output:\n%s", logs.String())
	}
	return r, nil
}

func pollReady(ctx context.Context, c *http.Client, u string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false
	}
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// freeLoopbackAddr returns a loopback address with a port that was free a
// moment ago.
func freeLoopbackAddr(ctx context.Context) (string, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// syncBuffer collects the child's output from two pipes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
