package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// chatThroughputCmd measures durable ingest: every visitor socket keeps up
// to -window messages unacknowledged, and each ack is counted.
func chatThroughputCmd(ctx context.Context, args []string, out, errw io.Writer) error {
	fs := flag.NewFlagSet("chat-throughput", flag.ContinueOnError)
	fs.SetOutput(errw)
	cf := newChatFlags(fs, true)
	n := intFlag(fs, "conversations", 1000, 1, 18000, "visitor sockets, one conversation each")
	window := intFlag(fs, "window", 32, 1, 1024, "most unacknowledged messages per socket")
	drain := fs.Duration("drain", time.Minute, "after -duration, wait at most this long for the acks still outstanding")
	text := fs.String("text", "Hello, I have a question about my order", "message text (plain ASCII, no quotes or backslashes)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := cf.check()
	if err != nil {
		return err
	}
	if !plainText(*text) {
		return errors.New("-text must be printable ASCII without quotes or backslashes")
	}
	if err := needFiles(*n); err != nil {
		return err
	}
	e, done, err := chatSetup(ctx, t, "throughput", *cf.setupC)
	if err != nil {
		return err
	}
	defer done()
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
		bad         tally
		sent, acked atomic.Int64
		inflight    atomic.Int64
		stopping    atomic.Bool
		wg          sync.WaitGroup
		readers     sync.WaitGroup
		lats        = make([][]time.Duration, *n)
		start       = time.Now()
		measureFrom = start.Add(*cf.warmup)
		measureTo   = measureFrom.Add(*cf.duration)
		stopSend    = make(chan struct{})
		cpu0        = make(chan cpuSample, 1)
	)
	go func() {
		time.Sleep(time.Until(measureFrom))
		cpu0 <- sampleCPU(t.pid)
	}()
	for i, conn := range conns {
		sem := make(chan struct{}, *window)
		sentAt := make([]atomic.Int64, *window)
		readers.Go(func() {
			err := readFrames(conn, func(typ string, data []byte) bool {
				switch typ {
				case "ack", "error":
				default:
					return true // the visitor's own messages come back too
				}
				now := time.Now()
				f, err := decodeFrame(data)
				if err != nil {
					bad.add("undecodable")
					return true
				}
				if typ == "error" {
					bad.add("error_" + f.Code)
				} else {
					acked.Add(1)
					k, ok := counterOf(f.ClientID)
					if !ok {
						bad.add("unknown_ack")
						return true
					}
					if !now.Before(measureFrom) && now.Before(measureTo) {
						lats[i] = append(lats[i], now.Sub(time.Unix(0, sentAt[k%int64(*window)].Load())))
					}
				}
				inflight.Add(-1)
				select {
				case <-sem:
				default:
					bad.add("unexpected_frame")
				}
				return true
			})
			if !stopping.Load() {
				bad.add("visitor_" + closeReason(err))
			}
		})
		wg.Go(func() {
			buf := make([]byte, 0, 256)
			for k := int64(0); ; k++ {
				select {
				case sem <- struct{}{}:
				case <-stopSend:
					return
				}
				now := time.Now()
				if !now.Before(measureTo) {
					return
				}
				sentAt[k%int64(*window)].Store(now.UnixNano())
				buf = appendMessageFrame(buf[:0], clientIDFor("sbt", i, k), sess[i].conversation, *text)
				inflight.Add(1)
				if err := conn.Write(context.Background(), websocket.MessageText, buf); err != nil {
					inflight.Add(-1)
					if !stopping.Load() {
						bad.add("write_" + closeReason(err))
					}
					return
				}
				sent.Add(1)
			}
		})
	}
	select {
	case <-time.After(time.Until(measureTo)):
	case <-ctx.Done():
	}
	cpu1 := sampleCPU(t.pid)
	close(stopSend)
	wg.Wait()
	// Wait for the acks of what is still in flight.
	for deadline := time.Now().Add(*drain); inflight.Load() > 0 && time.Now().Before(deadline) && ctx.Err() == nil; {
		time.Sleep(10 * time.Millisecond)
	}
	unacked := inflight.Load()
	stopping.Store(true)
	closeAll(conns, *cf.setupC)
	readers.Wait()

	all := slices.Concat(lats...)
	slices.Sort(all)
	elapsed := cf.duration.Seconds()
	fmt.Fprintf(out, "chat-throughput server=%s conversations=%d window=%d duration_s=%.2f acks=%d acks_per_s=%.0f p50_ms=%s p90_ms=%s p99_ms=%s max_ms=%s sent_total=%d acked_total=%d unacked=%d errors=%d (%s) %s\n",
		t.base, *n, *window, elapsed, len(all), float64(len(all))/elapsed,
		ms(percentile(all, 50)), ms(percentile(all, 90)), ms(percentile(all, 99)), ms(percentile(all, 100)),
		sent.Load(), acked.Load(), unacked, bad.total(), bad.String(), cpuReport(<-cpu0, cpu1, len(all)))
	if bad.total() > 0 || unacked > 0 {
		return fmt.Errorf("%d errors (%s), %d messages unacknowledged", bad.total(), bad.String(), unacked)
	}
	return ctx.Err()
}
