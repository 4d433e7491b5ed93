package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboardhq/switchboard/client"
)

// target is the server and account a load run uses.
type target struct {
	base     *url.URL
	email    string
	password string
	pid      int // the server's process ID, for CPU accounting; 0 if unknown
}

func targetFlags(fs *flag.FlagSet) func() (*target, error) {
	server := fs.String("server", "http://127.0.0.1:8080", "server base URL (loopback only)")
	email := fs.String("email", "admin@demo.example", "account email")
	password := fs.String("password", "switchboard-demo", "account password")
	pid := fs.Int("pid", 0, "server process ID: also report the server's CPU time per request (Linux /proc)")
	return func() (*target, error) {
		u, err := loopbackURL(*server)
		if err != nil {
			return nil, err
		}
		return &target{base: u, email: *email, password: *password, pid: *pid}, nil
	}
}

func (t *target) url(path string) string {
	return strings.TrimRight(t.base.String(), "/") + path
}

// newHTTPClient returns a client whose transport keeps up to conns idle
// connections to the server, so that c workers never redial.
func newHTTPClient(conns int) *http.Client {
	tr := &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// tally counts responses by outcome.
type tally struct {
	mu     sync.Mutex
	counts map[string]int
}

func (t *tally) add(k string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts == nil {
		t.counts = map[string]int{}
	}
	t.counts[k]++
}

func (t *tally) total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, v := range t.counts {
		n += v
	}
	return n
}

// String lists the outcomes as status_401=3,err=1, or "none".
func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.counts) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(t.counts))
	for k := range t.counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, t.counts[k])
	}
	return strings.Join(parts, ",")
}

func loginCmd(ctx context.Context, args []string, out, errw io.Writer) error {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(errw)
	tgt := targetFlags(fs)
	n := intFlag(fs, "n", 50, 1, 100000, "number of logins")
	c := intFlag(fs, "c", 1, 1, 1024, "concurrent logins")
	timeout := fs.Duration("timeout", 2*time.Minute, "stop after this long even if -n is not reached")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := tgt()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	body, _ := json.Marshal(map[string]string{"email": t.email, "password": t.password})
	hc := newHTTPClient(*c)
	loginURL := t.url("/api/v1/auth/login")

	var next atomic.Int64
	var bad tally
	lats := make([][]time.Duration, *c)
	var wg sync.WaitGroup
	cpu0 := sampleCPU(t.pid)
	start := time.Now()
	for w := range *c {
		wg.Go(func() {
			for next.Add(1) <= int64(*n) && ctx.Err() == nil {
				t0 := time.Now()
				status, tokenOK, err := postLogin(ctx, hc, loginURL, body)
				d := time.Since(t0)
				switch {
				case err != nil:
					if ctx.Err() == nil {
						bad.add("err")
					}
				case status != http.StatusOK:
					bad.add(fmt.Sprintf("status_%d", status))
				case !tokenOK:
					bad.add("no_token")
				default:
					lats[w] = append(lats[w], d)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu1 := sampleCPU(t.pid)
	all := slices.Concat(lats...)
	slices.Sort(all)
	fmt.Fprintf(out, "login server=%s n=%d c=%d ok=%d failed=%d (%s) elapsed_s=%.2f rate_per_s=%.1f p50_ms=%s p90_ms=%s p99_ms=%s max_ms=%s %s\n",
		t.base, *n, *c, len(all), bad.total(), bad.String(), elapsed.Seconds(), float64(len(all))/elapsed.Seconds(),
		ms(percentile(all, 50)), ms(percentile(all, 90)), ms(percentile(all, 99)), ms(percentile(all, 100)),
		cpuReport(cpu0, cpu1, len(all)))
	if bad.total() > 0 {
		return fmt.Errorf("%d logins failed: %s", bad.total(), bad.String())
	}
	return ctx.Err()
}

// postLogin signs in once and reports the status and whether a token came
// back.
func postLogin(ctx context.Context, hc *http.Client, u string, body []byte) (int, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return 0, false, err
	}
	defer resp.Body.Close()
	var s struct {
		Token string `json:"token"`
	}
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, false, nil
	}
	err = json.NewDecoder(resp.Body).Decode(&s)
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err == nil && s.Token != "", nil
}

func meCmd(ctx context.Context, args []string, out, errw io.Writer) error {
	fs := flag.NewFlagSet("me", flag.ContinueOnError)
	fs.SetOutput(errw)
	tgt := targetFlags(fs)
	c := intFlag(fs, "c", 32, 1, 4096, "concurrent workers (closed loop: each sends its next request when the last one is answered)")
	duration := fs.Duration("duration", 10*time.Second, "measured duration (≤ 10m)")
	warmup := fs.Duration("warmup", time.Second, "unmeasured warm-up before -duration (connections, caches)")
	maxN := fs.Int("n", 0, "also stop after this many measured requests (0: no limit)")
	path := fs.String("path", "/api/v1/me", "authenticated GET path to load")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := tgt()
	if err != nil {
		return err
	}
	if *duration <= 0 || *duration > 10*time.Minute || *warmup < 0 || *warmup > time.Minute {
		return errors.New("-duration must be in (0, 10m] and -warmup in [0, 1m]")
	}
	if !strings.HasPrefix(*path, "/") {
		return errors.New("-path must start with /")
	}
	hc := newHTTPClient(*c)
	cl := client.New(t.base.String(), "")
	cl.HTTP = hc
	sess, err := cl.Login(ctx, t.email, t.password)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	// Close the session afterwards so runs do not pile up live tokens.
	defer func() {
		cl.Token = sess.Token
		lctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = cl.Logout(lctx)
	}()
	auth := "Bearer " + sess.Token
	target := t.url(*path)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	measureFrom := time.Now().Add(*warmup)
	measureTo := measureFrom.Add(*duration)
	var measured atomic.Int64
	var bad tally
	lats := make([][]time.Duration, *c)
	var lastDone atomic.Int64 // unix nanos of the last measured completion
	var wg sync.WaitGroup
	cpu0 := make(chan cpuSample, 1)
	go func() {
		time.Sleep(time.Until(measureFrom))
		cpu0 <- sampleCPU(t.pid)
	}()
	for w := range *c {
		wg.Go(func() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
			if err != nil {
				bad.add("err")
				return
			}
			req.Header.Set("Authorization", auth)
			for {
				t0 := time.Now()
				if !t0.Before(measureTo) || ctx.Err() != nil {
					return
				}
				status, err := getDiscard(hc, req)
				done := time.Now()
				if t0.Before(measureFrom) {
					continue // warm-up
				}
				if *maxN > 0 && measured.Add(1) > int64(*maxN) {
					cancel()
					return
				}
				for v := lastDone.Load(); v < done.UnixNano() && !lastDone.CompareAndSwap(v, done.UnixNano()); v = lastDone.Load() {
				}
				switch {
				case err != nil:
					if ctx.Err() == nil {
						bad.add("err")
					}
				case status != http.StatusOK:
					bad.add(fmt.Sprintf("status_%d", status))
				default:
					lats[w] = append(lats[w], done.Sub(t0))
				}
			}
		})
	}
	wg.Wait()
	cpu1 := sampleCPU(t.pid)
	all := slices.Concat(lats...)
	slices.Sort(all)
	elapsed := time.Duration(lastDone.Load() - measureFrom.UnixNano())
	if elapsed <= 0 {
		elapsed = *duration
	}
	total := len(all) + bad.total()
	fmt.Fprintf(out, "me server=%s path=%s c=%d duration_s=%.2f total=%d ok=%d non200=%d (%s) req_per_s=%.0f p50_ms=%s p90_ms=%s p99_ms=%s max_ms=%s %s\n",
		t.base, *path, *c, elapsed.Seconds(), total, len(all), bad.total(), bad.String(), float64(len(all))/elapsed.Seconds(),
		ms(percentile(all, 50)), ms(percentile(all, 90)), ms(percentile(all, 99)), ms(percentile(all, 100)),
		cpuReport(<-cpu0, cpu1, total))
	if bad.total() > 0 {
		return fmt.Errorf("%d requests were not 200: %s", bad.total(), bad.String())
	}
	return nil
}

// getDiscard sends req, drains the body so the connection is reused, and
// returns the status.
func getDiscard(hc *http.Client, req *http.Request) (int, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, err
}
