package storetest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/user"
)

func testAudit(t *testing.T, b *Bundle) {
	var entries []*audit.Entry
	for i, action := range []string{"user.created", "user.updated", "team.created", "user.deleted"} {
		e := &audit.Entry{TenantID: b.A.ID, ActorID: "actor-1", Action: action, TargetType: "user", TargetID: "u1",
			IP: "10.0.0.1", Details: map[string]any{"n": float64(i)}, At: b.Now.Add(time.Duration(i) * time.Second)}
		require.NoError(t, b.Stores.Audit.Append(b.ctx, e))
		require.NotEmpty(t, e.ID)
		entries = append(entries, e)
	}
	require.NoError(t, b.Stores.Audit.Append(b.ctx, &audit.Entry{TenantID: b.B.ID, Action: "user.created", At: b.Now}))

	all, err := b.Stores.Audit.List(b.ctx, &audit.ListParams{TenantID: b.A.ID})
	require.NoError(t, err)
	require.Len(t, all, 4)
	require.Equal(t, entries[3], all[0], "newest first")

	page, err := b.Stores.Audit.List(b.ctx, &audit.ListParams{TenantID: b.A.ID, Before: all[1].ID, Limit: 10})
	require.NoError(t, err)
	require.Equal(t, all[2:], page)

	users, err := b.Stores.Audit.List(b.ctx, &audit.ListParams{TenantID: b.A.ID, Action: "user."})
	require.NoError(t, err)
	require.Len(t, users, 3)
	exact, err := b.Stores.Audit.List(b.ctx, &audit.ListParams{TenantID: b.A.ID, Action: "team.created"})
	require.NoError(t, err)
	require.Len(t, exact, 1)
	none, err := b.Stores.Audit.List(b.ctx, &audit.ListParams{TenantID: b.A.ID, ActorID: "someone-else"})
	require.NoError(t, err)
	require.Empty(t, none)
}

func testOutbox(t *testing.T, b *Bundle) {
	for i := range 5 {
		require.NoError(t, b.Stores.Outbox.Append(b.ctx, event.Event{Subject: event.UserCreated, TenantID: b.A.ID,
			At: b.Now, Data: event.Change{ID: string(rune('a' + i))}}))
	}
	n, err := b.Stores.Outbox.Count(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 5, n)

	var seen []string
	done, err := b.Stores.Outbox.Claim(b.ctx, 3, func(batch []event.Pending) (int, error) {
		require.Len(t, batch, 3)
		for _, p := range batch[:2] {
			var ev event.Event
			require.NoError(t, json.Unmarshal(p.Payload, &ev))
			require.Equal(t, p.ID, ev.ID)
			seen = append(seen, ev.Data.(map[string]any)["id"].(string))
		}
		return 2, errors.New("bus down after two")
	})
	require.EqualError(t, err, "bus down after two")
	require.Equal(t, 2, done)
	require.Equal(t, []string{"a", "b"}, seen)

	done, err = b.Stores.Outbox.Claim(b.ctx, 10, func(batch []event.Pending) (int, error) {
		require.Len(t, batch, 3, "the unpublished remainder is offered again, in order")
		var ev event.Event
		require.NoError(t, json.Unmarshal(batch[0].Payload, &ev))
		require.Equal(t, "c", ev.Data.(map[string]any)["id"])
		return len(batch), nil
	})
	require.NoError(t, err)
	require.Equal(t, 3, done)
	done, err = b.Stores.Outbox.Claim(b.ctx, 10, func([]event.Pending) (int, error) {
		t.Fatal("nothing is pending")
		return 0, nil
	})
	require.NoError(t, err)
	require.Zero(t, done)
}

func testTxRollback(t *testing.T, b *Bundle) {
	boom := errors.New("boom")
	u := &user.User{ID: NewID(), TenantID: b.A.ID, Email: "tx@example.com", Name: "tx", Role: permission.RoleAgent,
		Status: user.StatusActive, TeamIDs: []string{}, Skills: []user.SkillLevel{}, CreatedAt: b.Now, UpdatedAt: b.Now}
	err := b.Stores.InTx(b.ctx, func(tx *store.Tx) error {
		require.NoError(t, tx.Users().Create(b.ctx, u))
		require.NoError(t, tx.Audit().Append(b.ctx, &audit.Entry{TenantID: b.A.ID, Action: "user.created", At: b.Now}))
		require.NoError(t, tx.Outbox().Append(b.ctx, event.Event{Subject: event.UserCreated, At: b.Now}))
		got, err := tx.Users().Get(b.ctx, b.A.ID, u.ID)
		require.NoError(t, err, "a transaction reads its own writes")
		require.Equal(t, u.ID, got.ID)
		return boom
	})
	require.ErrorIs(t, err, boom)
	_, err = b.Stores.Users.Get(b.ctx, b.A.ID, u.ID)
	require.ErrorIs(t, err, user.ErrNotFound)
	entries, err := b.Stores.Audit.List(b.ctx, &audit.ListParams{TenantID: b.A.ID})
	require.NoError(t, err)
	require.Empty(t, entries)
	n, err := b.Stores.Outbox.Count(b.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "an event is never left behind by a rolled-back change")

	require.NoError(t, b.Stores.InTx(b.ctx, func(tx *store.Tx) error {
		if err := tx.Users().Create(b.ctx, u); err != nil {
			return err
		}
		return tx.Outbox().Append(b.ctx, event.Event{Subject: event.UserCreated, At: b.Now})
	}))
	n, err = b.Stores.Outbox.Count(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
}
