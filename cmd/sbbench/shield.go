package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// shieldCall is one line of a -calls file: who calls and what they dial.
type shieldCall struct{ caller, dialed string }

// readShieldCalls reads "caller dialed" pairs, one per line; blank lines
// and lines starting with # are skipped.
func readShieldCalls(r io.Reader) ([]shieldCall, error) {
	var calls []shieldCall
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 2 {
			return nil, fmt.Errorf("line %d: want \"caller dialed\"", line)
		}
		calls = append(calls, shieldCall{f[0], f[1]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(calls) == 0 {
		return nil, errors.New("no calls")
	}
	return calls, nil
}

// shieldCmd loads POST /api/v1/shield/resolve the way a PBX does: -c
// workers in a closed loop, each taking the next call of the -calls file
// (round robin), until -n resolves are answered or -duration passes. It
// reports resolves/s, latency and the actions the shield answered.
func shieldCmd(ctx context.Context, args []string, out, errw io.Writer) error {
	fs := flag.NewFlagSet("shield", flag.ContinueOnError)
	fs.SetOutput(errw)
	tgt := targetFlags(fs)
	token := fs.String("token", "", "bearer token allowed to resolve (a PBX token or a tenant admin's); required")
	callsPath := fs.String("calls", "", `file of calls, one "caller dialed" pair per line (an extension and a dial code, or two E.164 numbers); required`)
	c := intFlag(fs, "c", 64, 1, 4096, "concurrent workers (closed loop)")
	n := intFlag(fs, "n", 0, 0, 100_000_000, "stop after this many resolves (0: one per line of -calls)")
	warmup := intFlag(fs, "warmup", 0, 0, 100_000_000, "resolves sent before measuring, unmeasured (one per line of -calls reads every code and customer once)")
	duration := fs.Duration("duration", time.Minute, "stop after this long even if -n is not reached (≤ 10m)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := tgt()
	if err != nil {
		return err
	}
	if *token == "" || *callsPath == "" {
		return errors.New("-token and -calls are required")
	}
	if *duration <= 0 || *duration > 10*time.Minute {
		return errors.New("-duration must be in (0, 10m]")
	}
	f, err := os.Open(*callsPath)
	if err != nil {
		return err
	}
	calls, err := readShieldCalls(f)
	_ = f.Close()
	if err != nil {
		return fmt.Errorf("-calls: %w", err)
	}
	if *n == 0 {
		*n = len(calls)
	}
	ctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	hc := newHTTPClient(*c)
	newRun := func(limit int) *shieldRun {
		return &shieldRun{hc: hc, url: t.url("/api/v1/shield/resolve"), auth: "Bearer " + *token, calls: calls, limit: int64(limit)}
	}
	if *warmup > 0 {
		w := newRun(*warmup)
		w.run(ctx, *c)
		if w.bad.total() > 0 {
			return fmt.Errorf("warm-up: %d resolves failed: %s", w.bad.total(), w.bad.String())
		}
	}
	r := newRun(*n)
	cpu0 := sampleCPU(t.pid)
	start := time.Now()
	all := r.run(ctx, *c)
	elapsed := time.Since(start)
	cpu1 := sampleCPU(t.pid)
	fmt.Fprintf(out, "shield server=%s c=%d calls=%d warmup=%d n=%d ok=%d failed=%d (%s) actions=%s elapsed_s=%.2f resolves_per_s=%.0f p50_ms=%s p90_ms=%s p99_ms=%s max_ms=%s %s\n",
		t.base, *c, len(calls), *warmup, *n, len(all), r.bad.total(), r.bad.String(), r.actions.String(), elapsed.Seconds(),
		float64(len(all))/elapsed.Seconds(), ms(percentile(all, 50)), ms(percentile(all, 90)), ms(percentile(all, 99)),
		ms(percentile(all, 100)), cpuReport(cpu0, cpu1, len(all)+r.bad.total()))
	if r.bad.total() > 0 {
		return fmt.Errorf("%d resolves failed: %s", r.bad.total(), r.bad.String())
	}
	if len(all) < *n {
		return fmt.Errorf("stopped after %s with %d of %d resolves answered", elapsed.Round(time.Millisecond), len(all), *n)
	}
	return nil
}

// shieldRun is the state the workers of one shield run share.
type shieldRun struct {
	hc      *http.Client
	url     string
	auth    string
	calls   []shieldCall
	limit   int64
	next    atomic.Int64
	bad     tally // failed requests, by cause
	actions tally // answered resolves, by action and reject code
}

// run resolves the run's calls with c workers and returns the latencies of
// the answered ones, sorted.
func (r *shieldRun) run(ctx context.Context, c int) []time.Duration {
	lats := make([][]time.Duration, c)
	var wg sync.WaitGroup
	for w := range c {
		wg.Go(func() { lats[w] = r.work(ctx) })
	}
	wg.Wait()
	all := slices.Concat(lats...)
	slices.Sort(all)
	return all
}

// work resolves calls until the run's limit or ctx ends and returns the
// latencies of the answered ones.
func (r *shieldRun) work(ctx context.Context) []time.Duration {
	var lats []time.Duration
	var body bytes.Buffer
	for ctx.Err() == nil {
		i := r.next.Add(1) - 1
		if i >= r.limit {
			return lats
		}
		call := r.calls[i%int64(len(r.calls))]
		body.Reset()
		_ = json.NewEncoder(&body).Encode(map[string]string{"caller": call.caller, "dialed": call.dialed})
		t0 := time.Now()
		action, err := r.resolve(ctx, body.Bytes())
		d := time.Since(t0)
		switch {
		case err != nil && ctx.Err() != nil:
			return lats
		case err != nil:
			r.bad.add(err.Error())
		default:
			r.actions.add(action)
			lats = append(lats, d)
		}
	}
	return lats
}

// resolve sends one request and returns the shield's action ("dial", or
// "reject_403" and the like). A transport error or a status other than
// 200 is an error named for the tally.
func (r *shieldRun) resolve(ctx context.Context, body []byte) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(body))
	if err != nil {
		return "", errors.New("err")
	}
	req.Header.Set("Authorization", r.auth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.hc.Do(req)
	if err != nil {
		return "", errors.New("err")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return "", fmt.Errorf("status_%d", resp.StatusCode)
	}
	var a struct {
		Action string `json:"action"`
		Code   int    `json:"code"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return "", errors.New("bad_body")
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	if a.Action == "reject" {
		return fmt.Sprintf("reject_%d", a.Code), nil
	}
	return a.Action, nil
}
