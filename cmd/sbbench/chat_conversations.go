package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboardhq/switchboard/client"
)

// chatConversationsCmd measures conversation starts: each of -c workers
// repeatedly opens a widget session for a new visitor, dials the visitor
// socket, sends the first message, waits for its ack and closes.
func chatConversationsCmd(ctx context.Context, args []string, out, errw io.Writer) error {
	fs := flag.NewFlagSet("chat-conversations", flag.ContinueOnError)
	fs.SetOutput(errw)
	cf := newChatFlags(fs, true)
	c := intFlag(fs, "c", 64, 1, 4096, "concurrent workers (closed loop)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := cf.check()
	if err != nil {
		return err
	}
	if err := needFiles(2 * *c); err != nil {
		return err
	}
	e, done, err := chatSetup(ctx, t, "conversations", *c)
	if err != nil {
		return err
	}
	defer done()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	measureFrom := start.Add(*cf.warmup)
	measureTo := measureFrom.Add(*cf.duration)
	type sample struct{ total, session, dial, ack time.Duration }
	samples := make([][]sample, *c)
	var bad tally
	var lastDone atomic.Int64
	var wg sync.WaitGroup
	cpu0 := make(chan cpuSample, 1)
	go func() {
		time.Sleep(time.Until(measureFrom))
		cpu0 <- sampleCPU(t.pid)
	}()
	for w := range *c {
		wg.Go(func() {
			buf := make([]byte, 0, 256)
			for k := int64(0); ; k++ {
				t0 := time.Now()
				if !t0.Before(measureTo) || ctx.Err() != nil {
					return
				}
				var s sample
				err := func() error {
					ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					defer cancel()
					sess, err := e.session(ctx)
					if err != nil {
						return fmt.Errorf("session: %w", err)
					}
					t1 := time.Now()
					conn, err := e.dialVisitor(ctx, sess)
					if err != nil {
						return fmt.Errorf("dial: %w", err)
					}
					defer func() { _ = conn.Close(websocket.StatusNormalClosure, "") }()
					t2 := time.Now()
					buf = appendMessageFrame(buf[:0], clientIDFor("sbc", w, k), sess.conversation, "Hi, I would like some help")
					if err := conn.Write(ctx, websocket.MessageText, buf); err != nil {
						return fmt.Errorf("send: %w", err)
					}
					for {
						_, data, err := conn.Read(ctx)
						if err != nil {
							return errors.New("read_" + closeReason(err))
						}
						switch frameType(data) {
						case "ack":
						case "error":
							f, _ := decodeFrame(data)
							return errors.New("error_" + f.Code)
						default:
							continue
						}
						t3 := time.Now()
						s = sample{total: t3.Sub(t0), session: t1.Sub(t0), dial: t2.Sub(t1), ack: t3.Sub(t2)}
						return nil
					}
				}()
				if t0.Before(measureFrom) {
					continue // warm-up
				}
				d := time.Now().UnixNano()
				for v := lastDone.Load(); v < d && !lastDone.CompareAndSwap(v, d); v = lastDone.Load() {
				}
				if err != nil {
					if ctx.Err() == nil {
						bad.add(errKind(err))
					}
					continue
				}
				samples[w] = append(samples[w], s)
			}
		})
	}
	wg.Wait()
	cpu1 := sampleCPU(t.pid)
	all := slices.Concat(samples...)
	elapsed := time.Duration(lastDone.Load() - measureFrom.UnixNano())
	if elapsed <= 0 {
		elapsed = *cf.duration
	}
	pick := func(f func(sample) time.Duration) []time.Duration {
		ds := make([]time.Duration, len(all))
		for i, s := range all {
			ds[i] = f(s)
		}
		slices.Sort(ds)
		return ds
	}
	total := pick(func(s sample) time.Duration { return s.total })
	fmt.Fprintf(out, "chat-conversations server=%s c=%d duration_s=%.2f ok=%d failed=%d (%s) conv_per_s=%.0f p50_ms=%s p90_ms=%s p99_ms=%s max_ms=%s session_p50_ms=%s dial_p50_ms=%s ack_p50_ms=%s %s\n",
		t.base, *c, elapsed.Seconds(), len(all), bad.total(), bad.String(), float64(len(all))/elapsed.Seconds(),
		ms(percentile(total, 50)), ms(percentile(total, 90)), ms(percentile(total, 99)), ms(percentile(total, 100)),
		ms(percentile(pick(func(s sample) time.Duration { return s.session }), 50)),
		ms(percentile(pick(func(s sample) time.Duration { return s.dial }), 50)),
		ms(percentile(pick(func(s sample) time.Duration { return s.ack }), 50)),
		cpuReport(<-cpu0, cpu1, len(all)))
	if bad.total() > 0 {
		return fmt.Errorf("%d conversations failed: %s", bad.total(), bad.String())
	}
	return ctx.Err()
}

// errKind shortens an error for a tally: its stage (the text before the
// first colon) and the API error code when there is one.
func errKind(err error) string {
	stage, _, _ := strings.Cut(err.Error(), ":")
	stage = strings.ReplaceAll(stage, " ", "_")
	var ae *client.Error
	if errors.As(err, &ae) {
		return stage + "_" + ae.Code
	}
	return stage
}
