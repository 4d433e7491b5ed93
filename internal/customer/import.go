package customer

import (
	"context"
	"fmt"
	"io"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// maxImportDetails bounds the problems one refused import lists, so that
// the answer to a wholly wrong file stays small.
const maxImportDetails = 1000

// ImportResult is the answer to an import that was written.
type ImportResult struct {
	Imported int `json:"imported"`
}

// ImportEvent is the body of sb.customer.imported.
type ImportEvent struct {
	Count int `json:"count"`
}

// Import creates one customer per line of a CSV file (readImport). Every
// line is checked first — fields, tiers, owners, and phone numbers and
// addresses against the tenant and the rest of the file — and if any is
// wrong nothing is written: the error lists each problem with its line,
// column and code. Otherwise all customers are written in one transaction.
func (s *Service) Import(ctx context.Context, by *permission.Principal, r io.Reader) (*ImportResult, error) {
	var ps problems
	rows, err := readImport(r, &ps)
	if err != nil {
		return nil, err
	}
	cs, err := s.importRows(ctx, by, rows, &ps)
	if err != nil {
		return nil, err
	}
	if len(ps.details) > 0 {
		return nil, importError(&ps)
	}
	now := s.cfg.Now()
	for _, c := range cs {
		c.CreatedAt, c.UpdatedAt = now, now
	}
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		if err := tx.Customers().CreateMany(ctx, cs); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionImported, "tenant", by.TenantID, now).With(map[string]any{"count": len(cs)}),
			event.Event{Subject: EventImported, Data: ImportEvent{Count: len(cs)}})
	})
	if err != nil {
		return nil, err
	}
	return &ImportResult{Imported: len(cs)}, nil
}

// importRows checks every row and returns the customers to create.
func (s *Service) importRows(ctx context.Context, by *permission.Principal, rows []row, ps *problems) ([]*Customer, error) {
	region, err := s.region(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	refs, err := s.newImportRefs(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	out := make([]*Customer, 0, len(rows))
	for _, rw := range rows {
		ps.line = rw.line
		c := &Customer{ID: s.cfg.NewID(), TenantID: by.TenantID, CreatedBy: by.UserID}
		applyParams(c, &rw.p, region, ps)
		if err := refs.check(ctx, c, rw.line, ps); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := refs.taken(ctx, by.TenantID, ps); err != nil {
		return nil, err
	}
	ps.sortByLine()
	return out, nil
}

// importRefs checks what a row refers to, remembering answers: the
// tenant's tiers, owners already looked up, and the identities of earlier
// rows.
type importRefs struct {
	s      *Service
	tiers  map[string]bool
	owners map[string]bool
	seen   map[Identity]int // identity → line
}

func (s *Service) newImportRefs(ctx context.Context, tenantID string) (*importRefs, error) {
	ts, err := s.cfg.Tiers.List(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	r := &importRefs{s: s, tiers: map[string]bool{}, owners: map[string]bool{}, seen: map[Identity]int{}}
	for _, t := range ts {
		r.tiers[t.Name] = true
	}
	return r, nil
}

func (r *importRefs) check(ctx context.Context, c *Customer, line int, ps *problems) error {
	if c.Tier != "" && !r.tiers[c.Tier] {
		ps.add(errcode.UnknownTier, colTier, "is not one of the tenant's customer tiers")
	}
	if c.OwnerID != "" {
		ok, known := r.owners[c.OwnerID]
		if !known {
			var err error
			if ok, err = r.s.cfg.Customers.UserExists(ctx, c.TenantID, c.OwnerID); err != nil {
				return err
			}
			r.owners[c.OwnerID] = ok
		}
		if !ok {
			ps.add(errcode.UnknownUser, colOwner, "is not a user of the tenant")
		}
	}
	for _, id := range contactIdentities(c) {
		if prev, dup := r.seen[id]; dup {
			field, shown := identityField(id)
			ps.add(errcode.IdentityTaken, field, fmt.Sprintf("%s is also on line %d", shown, prev))
			continue
		}
		r.seen[id] = line
	}
	return nil
}

// taken records the file's phone numbers and addresses that customers of
// the tenant have already, looked up a page at a time.
func (r *importRefs) taken(ctx context.Context, tenantID string, ps *problems) error {
	for _, kind := range []IdentityKind{IdentityPhone, IdentityEmail} {
		var values []string
		for id := range r.seen {
			if id.Kind == kind {
				values = append(values, id.Value)
			}
		}
		if len(values) == 0 {
			continue
		}
		owners, err := r.s.cfg.Customers.IdentityOwners(ctx, tenantID, kind, values)
		if err != nil {
			return err
		}
		for v := range owners {
			id := Identity{Kind: kind, Value: v}
			field, shown := identityField(id)
			ps.line = r.seen[id]
			ps.add(errcode.IdentityTaken, field, shown+" belongs to a customer already")
		}
	}
	return nil
}

// importError is the refusal of a file with problems: nothing written.
func importError(ps *problems) error {
	n := len(ps.details)
	msg := fmt.Sprintf("%d problems in the file; nothing was imported", n)
	if n == 1 {
		msg = "1 problem in the file; nothing was imported"
	}
	d := ps.details
	if n > maxImportDetails {
		d = d[:maxImportDetails]
		msg += fmt.Sprintf(" (the first %d are listed)", maxImportDetails)
	}
	return &errcode.Error{Code: errcode.ImportInvalid, Message: msg, Details: d}
}
