package e2e_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/client"
)

func TestTenantLifecycle(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		root := n.root()
		f := n.tenant("Lifecycle")

		_, err := root.CreateTenant(ctx, "Copycat", f.Emails["admin"], testPassword)
		apiError(t, err, 409, "email_taken")
		_, err = root.CreateTenant(ctx, "Weak", "weak@lifecycle.example", "password123")
		apiError(t, err, 422, "password_too_weak")
		err = root.Do(ctx, http.MethodPost, "/api/v1/tenants", map[string]any{"name": " ", "admin_email": "x@y.example", "admin_password": testPassword}, nil)
		apiError(t, err, 422, "validation_failed")

		var page client.Page[client.Tenant]
		require.NoError(t, root.Do(ctx, http.MethodGet, "/api/v1/tenants", nil, &page))
		require.Len(t, page.Data, 1)
		require.Equal(t, f.ID, page.Data[0].ID)

		var tn client.Tenant
		require.NoError(t, root.Do(ctx, http.MethodPatch, "/api/v1/tenants/"+f.ID, map[string]any{"status": "suspended"}, &tn))
		require.Equal(t, "suspended", tn.Status)
		_, err = f.Agent.Me(ctx)
		apiError(t, err, 403, "tenant_suspended")
		_, err = n.client("").Login(ctx, f.Emails["agent"], testPassword)
		apiError(t, err, 403, "tenant_suspended")

		require.NoError(t, root.Do(ctx, http.MethodPatch, "/api/v1/tenants/"+f.ID, map[string]any{"status": "active", "name": "Renamed"}, &tn))
		require.Equal(t, "Renamed", tn.Name)
		me, err := f.Agent.Me(ctx)
		require.NoError(t, err)
		require.Equal(t, "Renamed", me.Tenant.Name)

		err = root.Do(ctx, http.MethodGet, "/api/v1/tenants/01a1f000-0000-7000-8000-000000000000", nil, nil)
		apiError(t, err, 404, "not_found")
		err = root.Do(ctx, http.MethodGet, "/api/v1/users", nil, nil)
		apiError(t, err, 403, "forbidden") // the platform administrator does not act inside tenants
	})
}
