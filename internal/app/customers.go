package app

import (
	"context"

	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/store"
)

// customerService is customers, tiers and the audited reveal. Phone
// numbers without "+" are read in the tenant's default region.
func customerService(a *App) *customer.Service {
	st := a.Stores
	return customer.NewService(customer.Config{Customers: st.Customers, Tiers: st.CustomerTiers,
		InTx: store.InTxAs(st, func(tx *store.Tx) customer.Tx { return tx }),
		Region: func(ctx context.Context, tenantID string) (string, error) {
			s, err := st.Tenants.Settings(ctx, tenantID)
			if err != nil {
				return "", err
			}
			return s.DefaultRegion, nil
		},
		Now: a.opts.Now, NewID: a.opts.NewID})
}
