package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/auth"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/tenant"
	"github.com/switchboardhq/switchboard/internal/user"
)

// Token creates a token for u.
func (b *Bundle) Token(t testing.TB, u *user.User, kind auth.Kind, expires *time.Time, scopes ...permission.Permission) *auth.Token {
	t.Helper()
	if scopes == nil {
		scopes = []permission.Permission{}
	}
	id := NewID()
	tok := &auth.Token{ID: id, TenantID: u.TenantID, UserID: u.ID, Kind: kind, Name: "t", Digest: "digest-" + id,
		Scopes: scopes, CreatedAt: b.Now, ExpiresAt: expires}
	require.NoError(t, b.Stores.Tokens.Create(b.ctx, tok))
	return tok
}

func testTokens(t *testing.T, b *Bundle) {
	u := b.User(t, b.A, &UserOpts{Role: permission.RoleSupervisor})
	exp := b.Now.Add(time.Hour)
	tok := b.Token(t, u, auth.KindAPI, &exp, permission.UsersRead, permission.TeamsRead)

	id, err := b.Stores.Tokens.Identify(b.ctx, tok.Digest, b.Now)
	require.NoError(t, err)
	require.Equal(t, tok, id.Token)
	require.Equal(t, permission.RoleSupervisor, id.Role)
	require.Equal(t, user.StatusActive, id.UserStatus)
	require.Equal(t, u.Name, id.UserName)
	require.True(t, id.TenantActive)

	_, err = b.Stores.Tokens.Identify(b.ctx, tok.Digest, exp)
	require.ErrorIs(t, err, auth.ErrNotFound, "an expired token must not identify")
	_, err = b.Stores.Tokens.Identify(b.ctx, "unknown", b.Now)
	require.ErrorIs(t, err, auth.ErrNotFound)

	require.NoError(t, b.Stores.Tokens.Touch(b.ctx, tok.ID, b.Now.Add(time.Minute)))
	id, err = b.Stores.Tokens.Identify(b.ctx, tok.Digest, b.Now)
	require.NoError(t, err)
	require.Equal(t, b.Now.Add(time.Minute), *id.Token.LastUsedAt)

	ta, err := b.Stores.Tenants.Get(b.ctx, b.A.ID)
	require.NoError(t, err)
	ta.Status = tenant.StatusSuspended
	require.NoError(t, b.Stores.Tenants.Update(b.ctx, ta))
	id, err = b.Stores.Tokens.Identify(b.ctx, tok.Digest, b.Now)
	require.NoError(t, err)
	require.False(t, id.TenantActive, "a suspended tenant's tokens report it")

	b.Token(t, u, auth.KindSession, nil)
	list, err := b.Stores.Tokens.ListAPI(b.ctx, b.A.ID, u.ID, b.Now)
	require.NoError(t, err)
	require.Len(t, list, 1, "sessions are not listed as API tokens")
	require.Equal(t, tok.ID, list[0].ID)

	pa := b.User(t, nil, &UserOpts{Role: permission.RolePlatformAdmin})
	ptok := b.Token(t, pa, auth.KindSession, nil)
	id, err = b.Stores.Tokens.Identify(b.ctx, ptok.Digest, b.Now)
	require.NoError(t, err)
	require.Empty(t, id.Token.TenantID)
	require.True(t, id.TenantActive)
}

func testTokensRevoke(t *testing.T, b *Bundle) {
	u, other := b.User(t, b.A, nil), b.User(t, b.A, nil)
	t1, t2, t3 := b.Token(t, u, auth.KindAPI, nil), b.Token(t, u, auth.KindSession, nil), b.Token(t, u, auth.KindSession, nil)
	theirs := b.Token(t, other, auth.KindAPI, nil)

	require.ErrorIs(t, b.Stores.Tokens.Revoke(b.ctx, b.A.ID, u.ID, theirs.ID, b.Now), auth.ErrNotFound,
		"a user cannot revoke someone else's token")
	require.ErrorIs(t, b.Stores.Tokens.Revoke(b.ctx, b.B.ID, u.ID, t1.ID, b.Now), auth.ErrNotFound)
	require.NoError(t, b.Stores.Tokens.Revoke(b.ctx, b.A.ID, u.ID, t1.ID, b.Now))
	_, err := b.Stores.Tokens.Identify(b.ctx, t1.Digest, b.Now)
	require.ErrorIs(t, err, auth.ErrNotFound)
	require.ErrorIs(t, b.Stores.Tokens.Revoke(b.ctx, b.A.ID, u.ID, t1.ID, b.Now), auth.ErrNotFound, "revoking twice")

	require.NoError(t, b.Stores.Tokens.RevokeUser(b.ctx, &auth.RevokeUserParams{TenantID: b.A.ID, UserID: u.ID, Except: t3.ID, At: b.Now}))
	_, err = b.Stores.Tokens.Identify(b.ctx, t2.Digest, b.Now)
	require.ErrorIs(t, err, auth.ErrNotFound)
	_, err = b.Stores.Tokens.Identify(b.ctx, t3.Digest, b.Now)
	require.NoError(t, err, "the excepted token survives")
	_, err = b.Stores.Tokens.Identify(b.ctx, theirs.Digest, b.Now)
	require.NoError(t, err, "other users' tokens survive")
}
