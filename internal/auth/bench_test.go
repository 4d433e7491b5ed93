package auth_test

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/internal/auth"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/secret"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
	"github.com/switchboardhq/switchboard/internal/tenant"
	"github.com/switchboardhq/switchboard/internal/user"
)

// These benchmarks measure the two authentication paths on a real SQLite
// store (docs/benchmarks.md). Besides ns/op and allocs/op they report the
// SQL statements (sql/op) and transactions (tx/op) each operation issues,
// counted at the sqldb seam. Run them with:
//
//	go test -run '^$' -bench . -benchmem ./internal/auth

const benchPassword = "correct horse battery staple"

// benchEnv is an auth.Service as the composition root wires it
// (internal/app wireServices), over a counting SQLite engine, with one
// active tenant and an active admin in it whose password is benchPassword.
type benchEnv struct {
	svc    *auth.Service
	stores *store.Stores
	db     *storetest.Counting
	user   *user.User
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	ctx := context.Background()
	db := storetest.Count(storetest.OpenSQLite(b))
	st := storetest.NewStores(b, db)
	now := func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
	svc := auth.NewService(auth.Config{Tokens: st.Tokens, Users: st.Users, Tenants: st.Tenants,
		InTx: store.InTxAs(st, func(tx *store.Tx) auth.Tx { return tx }), Rand: rand.Reader,
		Hasher: secret.NewHasher(rand.Reader, runtime.GOMAXPROCS(0)), Now: now,
		NewID: storetest.NewID, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), SessionTTL: 12 * time.Hour})
	t0 := now()
	tn := &tenant.Tenant{ID: storetest.NewID(), Name: "Bench", Status: tenant.StatusActive, CreatedAt: t0, UpdatedAt: t0}
	if err := st.Tenants.Create(ctx, tn); err != nil {
		b.Fatal(err)
	}
	hash, err := secret.Hasher{Rand: rand.Reader}.HashPassword(benchPassword)
	if err != nil {
		b.Fatal(err)
	}
	u := &user.User{ID: storetest.NewID(), TenantID: tn.ID, Email: "bench@example.com", Name: "Bench Admin",
		Role: permission.RoleAdmin, Status: user.StatusActive, PasswordHash: hash, TeamIDs: []string{},
		Skills: []user.SkillLevel{}, CreatedAt: t0, UpdatedAt: t0}
	if err := st.Users.Create(ctx, u); err != nil {
		b.Fatal(err)
	}
	return &benchEnv{svc: svc, stores: st, db: db, user: u}
}

// reportSQL resets the counters before a timed loop and reports them per
// operation after it.
func (e *benchEnv) reportSQL(b *testing.B, loop func()) {
	b.Helper()
	e.db.Stmts.Store(0)
	e.db.Txs.Store(0)
	b.ReportAllocs()
	b.ResetTimer()
	loop()
	b.StopTimer()
	if b.N > 0 {
		b.ReportMetric(float64(e.db.Stmts.Load())/float64(b.N), "sql/op")
		b.ReportMetric(float64(e.db.Txs.Load())/float64(b.N), "tx/op")
	}
}

// BenchmarkLogin measures a successful password login: the account read,
// the argon2id verification, the tenant check, and the transaction that
// stores the session token and the audit entry. "argon2id" is the password
// verification alone, for comparison.
func BenchmarkLogin(b *testing.B) {
	ctx := context.Background()
	b.Run("sequential", func(b *testing.B) {
		e := newBenchEnv(b)
		p := &auth.LoginParams{Email: e.user.Email, Password: benchPassword, IP: "127.0.0.1"}
		e.reportSQL(b, func() {
			for b.Loop() {
				if _, err := e.svc.Login(ctx, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("parallel", func(b *testing.B) {
		e := newBenchEnv(b)
		p := &auth.LoginParams{Email: e.user.Email, Password: benchPassword, IP: "127.0.0.1"}
		e.reportSQL(b, func() {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.svc.Login(ctx, p); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	})
	b.Run("argon2id", func(b *testing.B) {
		hash, err := secret.Hasher{Rand: rand.Reader}.HashPassword(benchPassword)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := secret.VerifyPassword(hash, benchPassword); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAuthenticate measures turning a session token into a Principal,
// the work done on every authenticated request. The token is read once and
// then kept for the identity TTL (ADR 0021), and its last-used time is
// written at most once a minute, so steady state reads nothing.
// "me-path" adds the two reads GET /api/v1/me does after authenticating
// (the user and its tenant), which is the whole SQL work of that request.
func BenchmarkAuthenticate(b *testing.B) {
	ctx := context.Background()
	setup := func(b *testing.B) (*benchEnv, string) {
		e := newBenchEnv(b)
		s, err := e.svc.Login(ctx, &auth.LoginParams{Email: e.user.Email, Password: benchPassword, IP: "127.0.0.1"})
		if err != nil {
			b.Fatal(err)
		}
		// The first use touches the token; steady state does not.
		if _, err := e.svc.Authenticate(ctx, s.Token, "127.0.0.1"); err != nil {
			b.Fatal(err)
		}
		return e, s.Token
	}
	b.Run("sequential", func(b *testing.B) {
		e, tok := setup(b)
		e.reportSQL(b, func() {
			for b.Loop() {
				if _, err := e.svc.Authenticate(ctx, tok, "127.0.0.1"); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("parallel", func(b *testing.B) {
		e, tok := setup(b)
		e.reportSQL(b, func() {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.svc.Authenticate(ctx, tok, "127.0.0.1"); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	})
	b.Run("me-path", func(b *testing.B) {
		e, tok := setup(b)
		e.reportSQL(b, func() {
			for b.Loop() {
				p, err := e.svc.Authenticate(ctx, tok, "127.0.0.1")
				if err != nil {
					b.Fatal(err)
				}
				u, err := e.svc.Me(ctx, p)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.stores.Tenants.Get(ctx, u.TenantID); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("me-path-parallel", func(b *testing.B) {
		e, tok := setup(b)
		e.reportSQL(b, func() {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					p, err := e.svc.Authenticate(ctx, tok, "127.0.0.1")
					if err == nil {
						var u *user.User
						if u, err = e.svc.Me(ctx, p); err == nil {
							_, err = e.stores.Tenants.Get(ctx, u.TenantID)
						}
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	})
}
