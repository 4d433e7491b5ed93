package customer

import (
	"context"
	"errors"
	"time"

	"github.com/switchboardhq/switchboard/internal/pii"
	"github.com/switchboardhq/switchboard/internal/user"
)

// ClaimDeclared makes the email address and phone number a visitor typed
// into the chat widget the customer's identities, where they are valid
// and no other customer of the tenant has them, so that a web visitor who
// left a number can be found and called like any customer. A value that is
// invalid or another customer's stays only as typed (Customer.Email and
// Phone): an unverified form field never takes over another record. It
// runs in the caller's transaction (cs).
func (s *Service) ClaimDeclared(ctx context.Context, cs Store, c *Customer, email, phone string, at time.Time) error {
	var ids []Identity
	if email != "" {
		if e, err := user.NormalizeEmail(email); err == nil {
			ids = append(ids, Identity{Kind: IdentityEmail, Value: e})
		}
	}
	if phone != "" {
		region, err := s.region(ctx, c.TenantID)
		if err != nil {
			return err
		}
		if p, err := pii.ParsePhone(phone, region); err == nil {
			ids = append(ids, Identity{Kind: IdentityPhone, Value: p})
		}
	}
	for i, id := range ids {
		// A millisecond apart, after the visitor identity created at the
		// same time: identities read back in the order they were added.
		at := at.Add(time.Duration(i+1) * time.Millisecond)
		if err := cs.AddIdentity(ctx, c.TenantID, c.ID, id, at); err != nil && !errors.Is(err, ErrIdentityTaken) {
			return err
		}
	}
	return nil
}
