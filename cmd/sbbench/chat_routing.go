package main

// Routing load (issue 4): how long a new conversation takes to reach an
// agent's screen as an offer.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboardhq/switchboard/client"
)

// chatRoutingCmd starts conversations open-loop at -rate per second for
// -duration and measures, per conversation, two spans ending when the
// offer frame reaches an agent's socket: from the item's queued_at (the
// server's clock, on this same machine; the item is queued when routing
// takes the conversation in) — the dispatcher, its commit, the outbox
// relay and the socket hub; and from the ack of the visitor's first
// message — adding the way of the conversation's created event to the
// routing consumer and its reads. Agents never answer, so their
// capacity (-agents × -capacity) must hold every conversation of the run.
func chatRoutingCmd(ctx context.Context, args []string, out, errw io.Writer) error {
	fs := flag.NewFlagSet("chat-routing", flag.ContinueOnError)
	fs.SetOutput(errw)
	cf := newChatFlags(fs, true)
	rate := intFlag(fs, "rate", 500, 1, 5000, "new conversations per second")
	agents := intFlag(fs, "agents", 120, 1, 1000, "agents, each with an agent socket")
	capacity := intFlag(fs, "capacity", 50, 1, 50, "chat capacity of each agent")
	workers := intFlag(fs, "c", 128, 1, 1024, "concurrent conversation starters")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := cf.check()
	if err != nil {
		return err
	}
	total := int((*cf.duration + *cf.warmup).Seconds() * float64(*rate))
	if total > *agents**capacity {
		return fmt.Errorf("the run starts %d conversations but %d agents × %d capacity hold only %d; raise -agents",
			total, *agents, *capacity, *agents**capacity)
	}
	if err := needFiles(*agents + 2**workers); err != nil {
		return err
	}
	e, done, err := chatSetup(ctx, t, "route", *workers)
	if err != nil {
		return err
	}
	defer done()
	socks, err := routeAgents(ctx, e, *agents, *capacity, *cf.setupC)
	if err != nil {
		return err
	}
	defer closeAll(socks, *cf.setupC)

	rec := &routeRecorder{offers: map[string]time.Time{}, queued: map[string]time.Time{}, acks: map[string]time.Time{}}
	for _, s := range socks {
		go func() { _ = readFrames(s, rec.onFrame) }()
	}
	start := time.Now()
	cpu0 := sampleCPU(t.pid)
	late := rec.arrivals(ctx, e, start, start.Add(*cf.warmup), *rate, total, *workers)
	cpu1 := sampleCPU(t.pid)
	rec.settle(10 * time.Second)
	qlats, lats, missing := rec.latencies()
	q := func(l []time.Duration, p float64) string {
		if len(l) == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", float64(l[min(len(l)-1, int(p*float64(len(l))))].Microseconds())/1000)
	}
	_, _ = fmt.Fprintf(out, "chat-routing server=%s rate=%d duration_s=%.2f agents=%d measured=%d offered=%d missing=%d "+
		"duplicate_offers=%d queued_to_offer_p50_ms=%s p90_ms=%s p99_ms=%s max_ms=%s "+
		"ack_to_offer_p50_ms=%s p90_ms=%s p99_ms=%s max_ms=%s late_starts=%d %s errors=%d (%s)\n",
		t.base, *rate, cf.duration.Seconds(), *agents, len(lats)+missing, len(lats), missing, rec.dups.Load(),
		q(qlats, 0.5), q(qlats, 0.9), q(qlats, 0.99), q(qlats, 1), q(lats, 0.5), q(lats, 0.9), q(lats, 0.99), q(lats, 1),
		late, cpuReport(cpu0, cpu1, total), rec.bad.total(), rec.bad.String())
	return nil
}

// routeRecorder collects, per conversation, when its first message was
// acked, when its item was queued (server clock) and when an offer frame
// for it arrived.
type routeRecorder struct {
	mu                   sync.Mutex
	offers, queued, acks map[string]time.Time
	bad                  tally
	dups                 atomic.Int64
}

// onFrame records offer frames read from an agent socket.
func (r *routeRecorder) onFrame(typ string, data []byte) bool {
	if typ != "offer" {
		return true
	}
	now := time.Now()
	var f struct {
		ConversationID string `json:"conversation_id"`
		Item           struct {
			QueuedAt time.Time `json:"queued_at"`
		} `json:"item"`
	}
	if json.Unmarshal(data, &f) != nil {
		r.bad.add("offer_undecodable")
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, seen := r.offers[f.ConversationID]; seen {
		r.dups.Add(1)
	} else {
		r.offers[f.ConversationID], r.queued[f.ConversationID] = now, f.Item.QueuedAt
	}
	return true
}

// arrivals starts total conversations at rate per second from start on
// workers goroutines, recording the acks of those due from measureFrom. It
// returns how many starts found every worker busy (the generator fell
// behind).
func (r *routeRecorder) arrivals(ctx context.Context, e *chatEnv, start, measureFrom time.Time, rate, total, workers int) int {
	interval := time.Second / time.Duration(rate)
	jobs := make(chan time.Time, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for due := range jobs {
				conv, acked, err := startConversation(ctx, e)
				if err != nil {
					r.bad.add(errKind(err))
					continue
				}
				if !due.Before(measureFrom) {
					r.mu.Lock()
					r.acks[conv] = acked
					r.mu.Unlock()
				}
			}
		})
	}
	late := 0
	for i := range total {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		select {
		case jobs <- due:
		default:
			late++
			jobs <- due
		}
	}
	close(jobs)
	wg.Wait()
	return late
}

// settle waits up to d for the offers of every measured conversation.
func (r *routeRecorder) settle(d time.Duration) {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, _, missing := r.latencies(); missing == 0 {
			return
		}
	}
}

// latencies returns the sorted queued → offer and ack → offer spans of
// the measured conversations, and how many have no offer yet.
func (r *routeRecorder) latencies() (queued, acked []time.Duration, missing int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for conv, at := range r.acks {
		offer, ok := r.offers[conv]
		if !ok {
			missing++
			continue
		}
		acked = append(acked, offer.Sub(at))
		queued = append(queued, offer.Sub(r.queued[conv]))
	}
	slices.Sort(queued)
	slices.Sort(acked)
	return queued, acked, missing
}

// startConversation opens a widget session, sends the first message on the
// visitor socket and returns when it is acked.
func startConversation(ctx context.Context, e *chatEnv) (string, time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	sess, err := e.session(ctx)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("session: %w", err)
	}
	conn, err := e.dialVisitor(ctx, sess)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("dial: %w", err)
	}
	defer func() { _ = conn.Close(websocket.StatusNormalClosure, "") }()
	frame := appendMessageFrame(nil, clientIDFor("sbr", 0, time.Now().UnixNano()), sess.conversation, "hello")
	if err := conn.Write(ctx, websocket.MessageText, frame); err != nil {
		return "", time.Time{}, fmt.Errorf("send: %w", err)
	}
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return "", time.Time{}, fmt.Errorf("ack: %w", err)
		}
		if frameType(data) == "ack" {
			return sess.conversation, time.Now(), nil
		}
		if frameType(data) == "error" {
			return "", time.Time{}, fmt.Errorf("refused: %s", data)
		}
	}
}

// routeAgents creates a queue that takes the inbox's chats, n agents with
// the given chat capacity, sets them available and opens their sockets.
func routeAgents(ctx context.Context, e *chatEnv, n, capacity, c int) ([]*websocket.Conn, error) {
	var q struct {
		ID string `json:"id"`
	}
	err := e.admin.Do(ctx, http.MethodPost, "/api/v1/queues", map[string]any{"name": "sbbench " + e.inbox,
		"offer_timeout_seconds": 600, "missed_offer_away": false}, &q)
	if err != nil {
		return nil, fmt.Errorf("create queue: %w", err)
	}
	if err := e.admin.Do(ctx, http.MethodPatch, "/api/v1/inboxes/"+e.inbox, map[string]any{"default_queue_id": q.ID}, nil); err != nil {
		return nil, fmt.Errorf("set default queue: %w", err)
	}
	socks := make([]*websocket.Conn, n)
	stamp := time.Now().UTC().Format("150405.000")
	err = parallel(ctx, n, c, func(ctx context.Context, i int) error {
		email := fmt.Sprintf("sbbench-%s-%d@route.example", stamp, i)
		const password = "sbbench-route-password"
		var u struct {
			ID string `json:"id"`
		}
		if err := e.admin.Do(ctx, http.MethodPost, "/api/v1/users", map[string]any{"email": email, "name": "Agent",
			"role": "agent", "password": password}, &u); err != nil {
			return fmt.Errorf("create agent: %w", err)
		}
		if err := e.admin.Do(ctx, http.MethodPatch, "/api/v1/users/"+u.ID, map[string]any{"capacity": map[string]int{"chat": capacity}}, nil); err != nil {
			return fmt.Errorf("set capacity: %w", err)
		}
		ac := client.New(e.t.base.String(), "")
		ac.HTTP = e.hc
		sess, err := ac.Login(ctx, email, password)
		if err != nil {
			return fmt.Errorf("agent login: %w", err)
		}
		ac.Token = sess.Token
		conn, err := e.dial(ctx, "/ws/agent", http.Header{"Authorization": {"Bearer " + sess.Token}})
		if err != nil {
			return fmt.Errorf("agent socket: %w", err)
		}
		socks[i] = conn
		if _, err := ac.SetPresence(ctx, u.ID, "available", ""); err != nil {
			return fmt.Errorf("presence: %w", err)
		}
		return nil
	})
	return socks, err
}
