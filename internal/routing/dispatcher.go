package routing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// businessHoursEvery bounds how long the dispatcher sleeps, so that queues
// opening by their business hours route within this time.
const businessHoursEvery = 15 * time.Second

// maxCommands bounds how many commands share one transaction.
const maxCommands = 256

// DispatcherConfig wires one tenant's dispatcher.
type DispatcherConfig struct {
	TenantID string
	// Epoch fences this dispatcher's writes (ADR 0016); 0 on a single node.
	Epoch int64
	// Load reads the tenant's snapshot, with queues ready to use (Open set).
	Load   func(ctx context.Context, tenantID string, since time.Time) (*Snapshot, error)
	InTx   InTxFunc
	Now    func() time.Time
	NewID  func() string
	Logger *slog.Logger
	// Announce, if set, shows agents their offers the moment they are
	// decided, before the batch is written, and withdraws them if the
	// write fails (ADR 0017). It must not block.
	Announce func([]Notice)
	// Live, if set, receives the tenant's live state for supervisors
	// while it changes (live.go). It must not block.
	Live func(*LiveState)
	// CheckInvariants runs Board.Check after every batch and logs
	// violations (tests set it; it costs O(state)).
	CheckInvariants bool
}

// Dispatcher owns one tenant's board: one goroutine applies commands and
// timers to it, writes the resulting effects durably (with their events)
// before answering, and rebuilds the board from the store if a write fails,
// so memory never runs ahead of what is stored.
type Dispatcher struct {
	cfg   DispatcherConfig
	board *Board
	reqs  chan *request
	live  live

	mu      sync.Mutex
	started bool
	stop    chan struct{}
	done    chan struct{}
}

type request struct {
	ctx   context.Context
	cmd   *Command
	reply chan reply
}

type reply struct {
	res *Result
	err error
}

// NewDispatcher returns a dispatcher; Start loads its state.
func NewDispatcher(cfg DispatcherConfig) *Dispatcher {
	return &Dispatcher{cfg: cfg, board: NewBoard(Settings{}, cfg.NewID), reqs: make(chan *request, maxCommands)}
}

// Start loads the tenant's state, settles what came due while nobody
// routed, and starts the loop.
func (d *Dispatcher) Start(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started {
		return nil
	}
	if err := d.reload(ctx); err != nil {
		return err
	}
	d.started, d.stop, d.done = true, make(chan struct{}), make(chan struct{})
	go d.run()
	return nil
}

// Stop ends the loop; queued commands fail with ErrNotOwner so callers
// retry where routing moved. Safe before Start and twice.
func (d *Dispatcher) Stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.started {
		return
	}
	close(d.stop)
	<-d.done
	d.started = false
}

// Execute runs one command and returns once its effects are durable.
func (d *Dispatcher) Execute(ctx context.Context, c *Command) (*Result, error) {
	r := &request{ctx: ctx, cmd: c, reply: make(chan reply, 1)}
	d.mu.Lock()
	stopped := !d.started
	stop := d.stop
	d.mu.Unlock()
	if stopped {
		return nil, ErrNotOwner
	}
	select {
	case d.reqs <- r:
	case <-stop:
		return nil, ErrNotOwner
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case out := <-r.reply:
		return out.res, out.err
	case <-ctx.Done():
		return nil, ctx.Err() // the command may still take effect
	}
}

func (d *Dispatcher) run() {
	defer close(d.done)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case r := <-d.reqs:
			d.handle(d.fill([]*request{r}))
		case <-t.C:
			d.tick()
		case <-d.stop:
			d.drain()
			return
		}
		d.pushLive()
		t.Reset(d.sleep())
	}
}

// fill adds the requests already waiting, up to maxCommands.
func (d *Dispatcher) fill(batch []*request) []*request {
	for len(batch) < maxCommands {
		select {
		case r := <-d.reqs:
			batch = append(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// drain refuses what is still queued at Stop.
func (d *Dispatcher) drain() {
	for {
		select {
		case r := <-d.reqs:
			r.reply <- reply{err: ErrNotOwner}
		default:
			return
		}
	}
}

// sleep returns the time until the board's next deadline, at most
// businessHoursEvery.
func (d *Dispatcher) sleep() time.Duration {
	wait := businessHoursEvery
	now := d.cfg.Now()
	if at, ok := d.board.NextDeadline(); ok {
		wait = min(wait, max(0, at.Sub(now)))
	}
	if d.cfg.Live != nil {
		if at, ok := d.live.due(d.board); ok {
			wait = min(wait, max(0, at.Sub(now)))
		}
	}
	return wait
}

// pushLive sends supervisors the live state if a push is due.
func (d *Dispatcher) pushLive() {
	if d.cfg.Live == nil {
		return
	}
	if s, ok := d.live.take(d.board, d.cfg.Now()); ok {
		d.cfg.Live(s)
	}
}

// handle applies a batch of commands and commits their effects together.
func (d *Dispatcher) handle(batch []*request) {
	now := d.cfg.Now()
	var fx []Effect
	var shown []Notice
	replies := make([]reply, len(batch))
	reload := false
	for i, r := range batch {
		if r.ctx.Err() != nil {
			replies[i].err = r.ctx.Err() // abandoned before its turn: not applied
			continue
		}
		if r.cmd.Op == OpReload {
			reload = true
			continue
		}
		res, err := d.board.apply(r.cmd, now)
		replies[i] = reply{res: res, err: err}
		if res != nil {
			fx = append(fx, res.Effects...)
			// Shown now, not after the batch: the batch may be long.
			shown = append(shown, d.announce(res.Effects, now)...)
		}
	}
	err := d.write(fx, shown, now)
	if err == nil && reload {
		err = d.reload(context.Background())
	}
	for i, r := range batch {
		if err != nil && replies[i].err == nil {
			replies[i] = reply{err: err}
		}
		r.reply <- replies[i]
	}
}

// tick runs the board's timers.
func (d *Dispatcher) tick() {
	now := d.cfg.Now()
	fx := d.board.Tick(now)
	if err := d.write(fx, d.announce(fx, now), now); err != nil {
		d.cfg.Logger.Error("routing: timers", "tenant_id", d.cfg.TenantID, "err", err)
	}
}

// announce shows the offers among fx to their agents (ADR 0017) and
// returns the notices sent.
func (d *Dispatcher) announce(fx []Effect, now time.Time) []Notice {
	if d.cfg.Announce == nil {
		return nil
	}
	ns := offerNotices(fx, now)
	if len(ns) > 0 {
		d.cfg.Announce(ns)
	}
	return ns
}

// write commits fx and withdraws the offers shown early that the commit
// lost.
func (d *Dispatcher) write(fx []Effect, shown []Notice, now time.Time) error {
	err := d.commit(fx, now)
	if err != nil && len(shown) > 0 {
		if lost := d.board.withdrawals(shown); len(lost) > 0 {
			d.cfg.Announce(lost)
		}
	}
	return err
}

// commit writes effects; on failure the board is rebuilt from the store,
// undoing in memory what was not written.
func (d *Dispatcher) commit(fx []Effect, now time.Time) error {
	err := persist(context.Background(), d.cfg.InTx, d.cfg.TenantID, d.cfg.Epoch, fx, now)
	if err == nil {
		d.live.note(fx)
		if d.cfg.CheckInvariants {
			if cerr := d.board.Check(now); cerr != nil {
				d.cfg.Logger.Error("routing: invariant violated", "tenant_id", d.cfg.TenantID, "err", cerr)
			}
		}
		return nil
	}
	if errors.Is(err, ErrNotOwner) {
		return err
	}
	d.cfg.Logger.Error("routing: write failed; reloading", "tenant_id", d.cfg.TenantID, "err", err)
	if rerr := d.reload(context.Background()); rerr != nil {
		d.cfg.Logger.Error("routing: reload failed", "tenant_id", d.cfg.TenantID, "err", rerr)
	}
	return fmt.Errorf("routing: %w", err)
}

// reload rebuilds the board from the store and writes what came due.
// Items of the last 25 hours cover "today" in any time zone; the board
// counts only the tenant's current day.
func (d *Dispatcher) reload(ctx context.Context) error {
	now := d.cfg.Now()
	s, err := d.cfg.Load(ctx, d.cfg.TenantID, now.Add(-25*time.Hour))
	if err != nil {
		return fmt.Errorf("routing: load tenant %s: %w", d.cfg.TenantID, err)
	}
	before := d.board.agents
	fx := d.board.Restore(s, now)
	d.live.reloaded(before, d.board.agents)
	return persist(ctx, d.cfg.InTx, d.cfg.TenantID, d.cfg.Epoch, fx, now)
}
