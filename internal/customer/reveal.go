package customer

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Reasons for a reveal, in characters.
const (
	MinReason = 5
	MaxReason = 500
)

// Revealed is a customer's personal data in full: the answer of the one
// audited call that shows it.
type Revealed struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Phones []string `json:"phones"`
	Emails []string `json:"emails"`
	// Phone and Email are what the customer typed into the chat widget.
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
	// Identities carry their values, except a web visitor's token digest.
	Identities []Identity `json:"identities"`
}

var (
	errReason = errcode.Errorf(errcode.ReasonRequired, "give a reason of %d to %d characters; it is kept in the audit log",
		MinReason, MaxReason)
	errReveal = errcode.New(errcode.Forbidden, "this needs the pii.reveal permission")
)

// Reveal returns a customer's phone numbers and addresses unmasked. It
// needs pii.reveal and a reason, and records who saw whose data and why in
// the audit log (ADR 0019): it is the one way to the full values.
func (s *Service) Reveal(ctx context.Context, by *permission.Principal, id, reason string) (*Revealed, error) {
	reason, err := checkReveal(by, reason)
	if err != nil {
		return nil, err
	}
	c, ids, err := s.withIdentities(ctx, by.TenantID, id)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		return audit.Record(ctx, tx, audit.By(by, ActionRevealed, "customer", c.ID, now).With(map[string]any{"reason": reason}))
	})
	if err != nil {
		return nil, err
	}
	out := &Revealed{ID: c.ID, Name: c.Name, Phones: orEmpty(c.Phones), Emails: orEmpty(c.Emails), Phone: c.Phone,
		Email: c.Email, Identities: make([]Identity, 0, len(ids))}
	for _, i := range ids {
		if i.Kind == IdentityVisitor {
			i.Value = ""
		}
		out.Identities = append(out.Identities, i)
	}
	return out, nil
}

// checkReveal refuses callers without pii.reveal and reasons that are too
// short or too long, and returns the reason trimmed.
func checkReveal(by *permission.Principal, reason string) (string, error) {
	if !by.Can(permission.PIIReveal) {
		return "", errReveal
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < MinReason || n > MaxReason {
		return "", errReason
	}
	return reason, nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
