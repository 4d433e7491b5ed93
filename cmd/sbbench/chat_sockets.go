package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// chatSocketsCmd opens -n visitor sockets, holds them for -hold while
// reading (which answers the server's pings), and reports how many stayed
// connected and the server's memory.
func chatSocketsCmd(ctx context.Context, args []string, out, errw io.Writer) error {
	fs := flag.NewFlagSet("chat-sockets", flag.ContinueOnError)
	fs.SetOutput(errw)
	cf := newChatFlags(fs, false)
	n := intFlag(fs, "n", 15000, 1, 19000, "visitor sockets to open; each also needs a descriptor here and in the server")
	hold := fs.Duration("hold", 30*time.Second, "how long to keep them open (≤ 10m)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := cf.check()
	if err != nil {
		return err
	}
	if *hold <= 0 || *hold > 10*time.Minute {
		return errors.New("-hold must be in (0, 10m]")
	}
	if err := needFiles(*n); err != nil {
		return err
	}
	e, done, err := chatSetup(ctx, t, "sockets", *cf.setupC)
	if err != nil {
		return err
	}
	defer done()

	t0 := time.Now()
	sess, err := e.sessions(ctx, *n, *cf.setupC)
	if err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	sessionsTook := time.Since(t0)
	rss0, _, _ := procMem(t.pid)

	var (
		bad       tally
		connected atomic.Int64
		stopping  atomic.Bool
		readers   sync.WaitGroup
		conns     = make([]*websocket.Conn, *n)
	)
	finish := func() {
		stopping.Store(true)
		closeAll(conns, *cf.setupC)
		readers.Wait()
	}
	t1 := time.Now()
	err = parallel(ctx, *n, *cf.setupC, func(ctx context.Context, i int) error {
		c, err := e.dialVisitor(ctx, sess[i])
		if err != nil {
			return err
		}
		conns[i] = c
		connected.Add(1)
		readers.Go(func() {
			err := readFrames(c, func(string, []byte) bool { return true })
			connected.Add(-1)
			if !stopping.Load() {
				bad.add(closeReason(err))
			}
		})
		return nil
	})
	openTook := time.Since(t1)
	if err != nil {
		finish()
		return fmt.Errorf("visitor sockets (%d open): %w", connected.Load(), err)
	}

	// Hold, sampling the server's memory and the count of open sockets.
	cpu0 := sampleCPU(t.pid)
	peakRSS, minOpen := rss0, connected.Load()
	tick := time.NewTicker(time.Second)
	holdEnd := time.After(*hold)
sampling:
	for {
		if rss, _, ok := procMem(t.pid); ok {
			peakRSS = max(peakRSS, rss)
		}
		minOpen = min(minOpen, connected.Load())
		select {
		case <-tick.C:
		case <-holdEnd:
			break sampling
		case <-ctx.Done():
			break sampling
		}
	}
	tick.Stop()
	cpu1 := sampleCPU(t.pid)
	open := connected.Load()
	_, hwm, _ := procMem(t.pid)
	selfRSS, _, _ := procMem(os.Getpid())
	t2 := time.Now()
	finish()
	closeTook := time.Since(t2)

	perSocket := "0"
	if *n > 0 && peakRSS > rss0 {
		perSocket = fmt.Sprintf("%.1f", float64(peakRSS-rss0)/float64(*n)/1e3)
	}
	fmt.Fprintf(out, "chat-sockets server=%s n=%d connected=%d connected_min=%d connected_end=%d hold_s=%.0f sessions_s=%.2f open_s=%.2f close_s=%.2f server_rss_before_mb=%s server_rss_peak_mb=%s server_hwm_mb=%s server_kb_per_socket=%s sbbench_rss_mb=%s errors=%d (%s) %s\n",
		t.base, *n, *n, minOpen, open, hold.Seconds(), sessionsTook.Seconds(), openTook.Seconds(), closeTook.Seconds(),
		mb(rss0), mb(peakRSS), mb(hwm), perSocket, mb(selfRSS), bad.total(), bad.String(), cpuReport(cpu0, cpu1, 0))
	if bad.total() > 0 || open != int64(*n) {
		return fmt.Errorf("%d of %d sockets stayed open: %s", open, *n, bad.String())
	}
	return ctx.Err()
}
