package e2e_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/config"
)

func TestLoginLogout(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()

		_, err := n.client("").Login(ctx, rootEmail, "wrong-password")
		apiError(t, err, 401, "invalid_credentials")
		_, err = n.client("").Login(ctx, "nobody@example.com", rootPassword)
		apiError(t, err, 401, "invalid_credentials")

		c := n.root()
		me, err := c.Me(ctx)
		require.NoError(t, err)
		require.Equal(t, rootEmail, me.Email)
		require.Equal(t, "platform_admin", me.Role)
		require.Nil(t, me.TenantID, "the platform administrator belongs to no tenant")
		require.Contains(t, me.Permissions, "tenants.manage")

		_, err = n.client("").Me(ctx)
		apiError(t, err, 401, "unauthenticated")
		_, err = n.client("sbs_forged").Me(ctx)
		apiError(t, err, 401, "unauthenticated")

		require.NoError(t, c.Logout(ctx))
		_, err = c.Me(ctx)
		apiError(t, err, 401, "unauthenticated")
	})
}

func TestMeShowsTenantAndRole(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("Acme")
	me, err := f.Agent.Me(context.Background())
	require.NoError(t, err)
	require.Equal(t, "agent", me.Role)
	require.NotNil(t, me.TenantID)
	require.Equal(t, f.ID, *me.TenantID)
	require.Equal(t, "Acme", me.Tenant.Name)
	require.NotContains(t, me.Permissions, "users.write")
}

func TestCookieSessionAndCSRF(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	status, hdr, _ := n.raw("POST", "/api/v1/auth/login", "", `{"email":"`+rootEmail+`","password":"`+rootPassword+`"}`, nil)
	require.Equal(t, 200, status)
	cookie := hdr.Get("Set-Cookie")
	require.Contains(t, cookie, "sb_session=")
	require.Contains(t, cookie, "HttpOnly")
	require.Contains(t, cookie, "SameSite=Lax")
	session := strings.SplitN(cookie, ";", 2)[0]

	status, _, _ = n.raw("GET", "/api/v1/me", "", "", map[string]string{"Cookie": session})
	require.Equal(t, 200, status, "the cookie authenticates")

	body := `{"name":"From a form"}`
	status, _, b := n.raw("POST", "/api/v1/tokens", "", body, map[string]string{"Cookie": session, "Sec-Fetch-Site": "cross-site"})
	require.Equal(t, 403, status, "a cross-site write with the cookie is refused: %s", b)
	require.Contains(t, string(b), "cross_origin_rejected")
	status, _, b = n.raw("POST", "/api/v1/tokens", "", body, map[string]string{"Cookie": session, "Origin": "https://evil.example"})
	require.Equal(t, 403, status, "a foreign Origin is refused: %s", b)
	status, _, b = n.raw("POST", "/api/v1/tokens", "", body, map[string]string{"Cookie": session, "Sec-Fetch-Site": "same-origin"})
	require.Equal(t, 201, status, "a same-origin write is allowed: %s", b)

	status, hdr, _ = n.raw("POST", "/api/v1/auth/logout", "", "", map[string]string{"Cookie": session, "Sec-Fetch-Site": "same-origin"})
	require.Equal(t, 204, status)
	require.Contains(t, hdr.Get("Set-Cookie"), "Max-Age=0")
	status, _, _ = n.raw("GET", "/api/v1/me", "", "", map[string]string{"Cookie": session})
	require.Equal(t, 401, status, "logout revokes the cookie's session")
}

func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	c := n.client("")
	for i := range 5 {
		_, err := c.Login(ctx, rootEmail, "wrong-password")
		apiError(t, err, 401, "invalid_credentials")
		_ = i
	}
	_, err := c.Login(ctx, rootEmail, "wrong-password")
	ae := apiError(t, err, 429, "rate_limited")
	require.Positive(t, ae.RetryAfter)
	_, err = c.Login(ctx, rootEmail, rootPassword)
	apiError(t, err, 429, "rate_limited") // the account stays locked until its bucket refills

	status, hdr, _ := n.raw("POST", "/api/v1/auth/login", "", `{"email":"`+rootEmail+`","password":"x"}`, nil)
	require.Equal(t, 429, status)
	secs, err := strconv.Atoi(hdr.Get("Retry-After"))
	require.NoError(t, err)
	require.Positive(t, secs)
}

func TestBootstrapIsIdempotent(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		url := dbURL(t, engine)
		dir := t.TempDir()
		cfgFor := func(password string) config.Config {
			cfg := config.Defaults()
			cfg.Addr, cfg.DataDir, cfg.DBURL = "127.0.0.1:0", dir, url
			cfg.AdminEmail, cfg.AdminPassword = rootEmail, password
			return cfg
		}
		first := startCfg(t, cfgFor(rootPassword))
		first.root()
		require.NoError(t, first.app.Stop(context.Background()))

		second := startCfg(t, cfgFor("a-different-password"))
		second.root() // the original password still works: bootstrap never overwrites
		_, err := second.client("").Login(context.Background(), rootEmail, "a-different-password")
		apiError(t, err, 401, "invalid_credentials")
	})
}

func TestInviteAndPasswordChange(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("Invites")
		ctx := context.Background()

		u, err := f.Admin.CreateUser(ctx, map[string]any{"email": "invitee@invites.example", "name": "Invitee", "role": "agent"})
		require.NoError(t, err)
		require.Equal(t, "invited", u.Status)
		require.Contains(t, u.InviteURL, "/invite#token=sbi_")
		token := u.InviteURL[strings.Index(u.InviteURL, "token=")+len("token="):]
		_, err = n.client("").Login(ctx, "invitee@invites.example", testPassword)
		apiError(t, err, 401, "invalid_credentials")

		again, err := f.Admin.GetUser(ctx, u.ID)
		require.NoError(t, err)
		require.Empty(t, again.InviteURL, "the invite link is shown once")

		pub := n.client("")
		err = pub.Do(ctx, http.MethodPost, "/api/v1/auth/accept-invite", map[string]string{"token": token, "password": "short"}, nil)
		apiError(t, err, 422, "validation_failed")
		var s struct{ Token string }
		err = pub.Do(ctx, http.MethodPost, "/api/v1/auth/accept-invite", map[string]string{"token": token, "password": testPassword, "name": "Ina Vitee"}, &s)
		require.NoError(t, err)
		invitee := n.client(s.Token)
		me, err := invitee.Me(ctx)
		require.NoError(t, err)
		require.Equal(t, "active", me.Status)
		require.Equal(t, "Ina Vitee", me.Name)
		err = pub.Do(ctx, http.MethodPost, "/api/v1/auth/accept-invite", map[string]string{"token": token, "password": testPassword}, nil)
		apiError(t, err, 404, "invite_invalid")

		other := n.login("invitee@invites.example", testPassword)
		err = invitee.Do(ctx, http.MethodPost, "/api/v1/me/password", map[string]string{"current_password": "wrong-wrong-wrong", "new_password": "brand-new-password"}, nil)
		apiError(t, err, 422, "wrong_password")
		err = invitee.Do(ctx, http.MethodPost, "/api/v1/me/password", map[string]string{"current_password": testPassword, "new_password": "brand-new-password"}, nil)
		require.NoError(t, err)
		_, err = invitee.Me(ctx)
		require.NoError(t, err, "the session that changed the password stays signed in")
		_, err = other.Me(ctx)
		apiError(t, err, 401, "unauthenticated")
		n.login("invitee@invites.example", "brand-new-password")

		reinv, err := f.Admin.CreateUser(ctx, map[string]any{"email": "late@invites.example", "name": "Late", "role": "agent"})
		require.NoError(t, err)
		var fresh struct {
			InviteURL string `json:"invite_url"`
		}
		require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/users/"+reinv.ID+"/invite", nil, &fresh))
		require.NotEqual(t, reinv.InviteURL, fresh.InviteURL)
		oldTok := reinv.InviteURL[strings.Index(reinv.InviteURL, "token=")+6:]
		err = pub.Do(ctx, http.MethodPost, "/api/v1/auth/accept-invite", map[string]string{"token": oldTok, "password": testPassword}, nil)
		apiError(t, err, 404, "invite_invalid")
		err = f.Admin.Do(ctx, http.MethodPost, "/api/v1/users/"+u.ID+"/invite", nil, nil)
		apiError(t, err, 409, "conflict")
	})
}
