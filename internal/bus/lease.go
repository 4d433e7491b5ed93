package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ErrNoResponders means nobody serves the subject a request went to.
var ErrNoResponders = errors.New("bus: no responders")

// Leases is a JetStream key-value bucket whose entries expire unless
// rewritten within the bucket's TTL: leases that die with their holder.
type Leases struct {
	kv jetstream.KeyValue
}

// Leases opens (or creates) a lease bucket. Entries live in memory: a
// lease is worth nothing after the NATS server restarts anyway.
func (b *Bus) Leases(ctx context.Context, bucket string, ttl time.Duration) (*Leases, error) {
	kv, err := b.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bucket, TTL: ttl,
		Storage: jetstream.MemoryStorage, History: 1})
	if err != nil {
		return nil, fmt.Errorf("bus: lease bucket %s: %w", bucket, err)
	}
	return &Leases{kv: kv}, nil
}

// Create sets key if it is absent (or expired); ok is false if held.
func (l *Leases) Create(ctx context.Context, key, value string) (uint64, bool, error) {
	rev, err := l.kv.Create(ctx, key, []byte(value))
	if errors.Is(err, jetstream.ErrKeyExists) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("bus: create lease %s: %w", key, err)
	}
	return rev, true, nil
}

// Update rewrites key if it is still at rev; ok is false if it moved on.
func (l *Leases) Update(ctx context.Context, key, value string, rev uint64) (uint64, bool, error) {
	next, err := l.kv.Update(ctx, key, []byte(value), rev)
	if casConflict(err) || errors.Is(err, jetstream.ErrKeyNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("bus: renew lease %s: %w", key, err)
	}
	return next, true, nil
}

// Get returns key's value, "" when absent or expired.
func (l *Leases) Get(ctx context.Context, key string) (string, error) {
	e, err := l.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("bus: read lease %s: %w", key, err)
	}
	return string(e.Value()), nil
}

// Delete releases key if it is still at rev.
func (l *Leases) Delete(ctx context.Context, key string, rev uint64) error {
	err := l.kv.Delete(ctx, key, jetstream.LastRevision(rev))
	if err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) && !casConflict(err) { // moved on: not ours
		return fmt.Errorf("bus: release lease %s: %w", key, err)
	}
	return nil
}

// casConflict reports a compare-and-set that found another revision.
func casConflict(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// Request sends data to whoever serves subject and returns the answer.
func (b *Bus) Request(ctx context.Context, subject string, data []byte) ([]byte, error) {
	msg, err := b.nc.RequestWithContext(ctx, subject, data)
	if errors.Is(err, nats.ErrNoResponders) {
		return nil, ErrNoResponders
	}
	if err != nil {
		return nil, fmt.Errorf("bus: request %s: %w", subject, err)
	}
	return msg.Data, nil
}

// Reply serves requests on subject with fn, each in its own goroutine, until
// stop is called.
func (b *Bus) Reply(subject string, fn func(ctx context.Context, data []byte) []byte) (func(), error) {
	ctx, cancel := context.WithCancel(context.Background())
	sub, err := b.nc.Subscribe(subject, func(m *nats.Msg) {
		go func() { _ = m.Respond(fn(ctx, m.Data)) }()
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("bus: serve %s: %w", subject, err)
	}
	return func() { _ = sub.Unsubscribe(); cancel() }, nil
}
