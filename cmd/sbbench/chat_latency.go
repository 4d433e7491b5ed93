package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// chatLatencyCmd measures delivery latency: an open-loop sender spreads
// -rate messages/s over the visitor sockets, each carrying its send time,
// and one agent socket that sees every conversation records when each
// arrives.
func chatLatencyCmd(ctx context.Context, args []string, out, errw io.Writer) error {
	fs := flag.NewFlagSet("chat-latency", flag.ContinueOnError)
	fs.SetOutput(errw)
	cf := newChatFlags(fs, true)
	n := intFlag(fs, "conversations", 1000, 1, 18000, "visitor sockets, one live conversation each")
	rate := intFlag(fs, "rate", 2000, 1, 100000, "messages per second over all visitors")
	senders := intFlag(fs, "senders", 4, 1, 64, "sending goroutines sharing the schedule")
	drain := fs.Duration("drain", 10*time.Second, "after -duration, wait this long for the last messages to reach the agent")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := cf.check()
	if err != nil {
		return err
	}
	if err := needFiles(*n + 1); err != nil {
		return err
	}
	e, done, err := chatSetup(ctx, t, "latency", *cf.setupC)
	if err != nil {
		return err
	}
	defer done()
	agent, err := e.dialAgent(ctx)
	if err != nil {
		return fmt.Errorf("agent socket: %w", err)
	}
	defer func() { _ = agent.CloseNow() }()
	sess, err := e.sessions(ctx, *n, *cf.setupC)
	if err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	conns := make([]*websocket.Conn, *n)
	defer closeAll(conns, *cf.setupC)
	if err := parallel(ctx, *n, *cf.setupC, func(ctx context.Context, i int) error {
		c, err := e.dialVisitor(ctx, sess[i])
		conns[i] = c
		return err
	}); err != nil {
		return fmt.Errorf("visitor sockets: %w", err)
	}

	var (
		bad      tally
		stopping atomic.Bool
		readers  sync.WaitGroup
		acked    atomic.Int64
		primed   atomic.Int64 // priming messages the agent received
		mu       sync.Mutex   // guards got, dups, lats
		got      = map[string]bool{}
		dups     int
		lats     []time.Duration
		// measureFrom is set once the conversations are primed.
		measureFrom atomic.Int64
	)
	readers.Go(func() {
		err := readFrames(agent, func(typ string, data []byte) bool {
			if typ != "message" {
				return true
			}
			now := time.Now().UnixNano()
			f, err := decodeFrame(data)
			if err != nil || f.Message == nil {
				bad.add("agent_undecodable")
				return true
			}
			if f.Message.SenderType != "visitor" || !strings.HasPrefix(f.Message.ClientID, "sbl") {
				return true
			}
			if f.Message.Text == "prime" {
				primed.Add(1)
				return true
			}
			ts, ok := strings.CutPrefix(f.Message.Text, "t=")
			sentNS, err := strconv.ParseInt(ts, 10, 64)
			if !ok || err != nil {
				bad.add("agent_bad_text")
				return true
			}
			mu.Lock()
			if got[f.Message.ClientID] {
				dups++
			} else {
				got[f.Message.ClientID] = true
				if from := measureFrom.Load(); from > 0 && sentNS >= from {
					lats = append(lats, time.Duration(now-sentNS))
				}
			}
			mu.Unlock()
			return true
		})
		if !stopping.Load() {
			bad.add("agent_" + closeReason(err))
		}
	})
	for _, conn := range conns {
		readers.Go(func() {
			err := readFrames(conn, func(typ string, data []byte) bool {
				switch typ {
				case "ack":
					acked.Add(1)
				case "error":
					f, err := decodeFrame(data)
					if err != nil {
						f = &chatFrame{Code: "undecodable"}
					}
					bad.add("error_" + f.Code)
				}
				return true
			})
			if !stopping.Load() {
				bad.add("visitor_" + closeReason(err))
			}
		})
	}
	finish := func() {
		stopping.Store(true)
		_ = agent.CloseNow()
		closeAll(conns, *cf.setupC)
		readers.Wait()
	}

	// Prime: one message per conversation, so all are live before the
	// measurement and the agent has drained the "created" events.
	for i, conn := range conns {
		f := appendMessageFrame(nil, clientIDFor("sbl", i, 0)+"p", sess[i].conversation, "prime")
		if err := conn.Write(ctx, websocket.MessageText, f); err != nil {
			finish()
			return fmt.Errorf("prime: %w", err)
		}
	}
	for deadline := time.Now().Add(30 * time.Second); primed.Load() < int64(*n) || acked.Load() < int64(*n); {
		if time.Now().After(deadline) || ctx.Err() != nil || bad.total() > 0 {
			finish()
			return fmt.Errorf("priming: %d/%d acked, %d/%d at the agent, errors: %s", acked.Load(), *n, primed.Load(), *n, bad.String())
		}
		time.Sleep(10 * time.Millisecond)
	}

	// Open loop: message i is due at start + i/rate, whatever the server
	// does; it goes to visitor i mod n. A late sender sends at once and the
	// lag is reported.
	start := time.Now()
	measureFrom.Store(start.Add(*cf.warmup).UnixNano())
	total := int64(float64(*rate) * (*cf.warmup + *cf.duration).Seconds())
	interval := float64(time.Second) / float64(*rate)
	var sent atomic.Int64
	var lagMax atomic.Int64
	var wg sync.WaitGroup
	cpu0 := make(chan cpuSample, 1)
	go func() {
		time.Sleep(time.Until(time.Unix(0, measureFrom.Load())))
		cpu0 <- sampleCPU(t.pid)
	}()
	for g := range *senders {
		wg.Go(func() {
			buf := make([]byte, 0, 256)
			var txt []byte
			for i := int64(g); i < total; i += int64(*senders) {
				due := start.Add(time.Duration(float64(i) * interval))
				if d := time.Until(due); d > 0 {
					time.Sleep(d)
				}
				if ctx.Err() != nil {
					return
				}
				v := int(i % int64(*n))
				now := time.Now()
				if lag := int64(now.Sub(due)); lag > lagMax.Load() {
					lagMax.Store(lag) // racy maximum; good enough for a report
				}
				txt = strconv.AppendInt(append(txt[:0], "t="...), now.UnixNano(), 10)
				buf = appendMessageFrame(buf[:0], clientIDFor("sbl", v, i+1), sess[v].conversation, string(txt))
				if err := conns[v].Write(context.Background(), websocket.MessageText, buf); err != nil {
					bad.add("write_" + closeReason(err))
					return
				}
				sent.Add(1)
			}
		})
	}
	wg.Wait()
	sendEnd := time.Now()
	cpu1 := sampleCPU(t.pid)
	received := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(got)
	}
	for deadline := time.Now().Add(*drain); int64(received()) < sent.Load() && time.Now().Before(deadline) && ctx.Err() == nil; {
		time.Sleep(10 * time.Millisecond)
	}
	finish()

	mu.Lock()
	all := slices.Clone(lats)
	recv, dup := len(got), dups
	mu.Unlock()
	slices.Sort(all)
	missing := sent.Load() - int64(recv)
	measured := sendEnd.Sub(time.Unix(0, measureFrom.Load()))
	fmt.Fprintf(out, "chat-latency server=%s conversations=%d rate=%d duration_s=%.2f sent=%d received=%d missing=%d duplicates=%d acked=%d measured=%d p50_ms=%s p90_ms=%s p99_ms=%s max_ms=%s sender_lag_max_ms=%s errors=%d (%s) %s\n",
		t.base, *n, *rate, measured.Seconds(), sent.Load(), recv, missing, dup, acked.Load()-int64(*n), len(all),
		ms(percentile(all, 50)), ms(percentile(all, 90)), ms(percentile(all, 99)), ms(percentile(all, 100)),
		ms(time.Duration(lagMax.Load())), bad.total(), bad.String(), cpuReport(<-cpu0, cpu1, len(all)))
	if bad.total() > 0 || missing != 0 {
		return fmt.Errorf("%d errors (%s), %d messages missing at the agent", bad.total(), bad.String(), missing)
	}
	return ctx.Err()
}
