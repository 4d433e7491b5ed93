package customer

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/pii"
)

// exportPage is how many customers an export reads at a time.
const exportPage = 500

// ExportParams choose what an export shows. Reveal (with pii.reveal and a
// Reason) writes phone numbers and addresses unmasked.
type ExportParams struct {
	Reveal bool
	Reason string
}

// Export is an export that was allowed and audited, ready to be written.
type Export struct {
	s        *Service
	tenantID string
	reveal   bool
	attrs    []string
}

// Export checks and audits an export of the caller's tenant's customers.
// Every export is audited, since it takes the whole customer base; one
// that reveals needs pii.reveal and a reason, like Reveal.
func (s *Service) Export(ctx context.Context, by *permission.Principal, p *ExportParams) (*Export, error) {
	details := map[string]any{"revealed": p.Reveal}
	if p.Reveal {
		reason, err := checkReveal(by, p.Reason)
		if err != nil {
			return nil, err
		}
		details["reason"] = reason
	}
	attrs, err := s.cfg.Customers.AttributeKeys(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		return audit.Record(ctx, tx, audit.By(by, ActionExported, "tenant", by.TenantID, now).With(details))
	})
	if err != nil {
		return nil, err
	}
	return &Export{s: s, tenantID: by.TenantID, reveal: p.Reveal, attrs: attrs}, nil
}

// Write writes the export as CSV, in the columns an import reads (plus id
// and created_at, which an import ignores), page by page.
func (e *Export) Write(ctx context.Context, w io.Writer) error {
	cw := csv.NewWriter(w)
	header := []string{colID, colName, colPhones, colEmails, colTier, colTags, colOwner, colDoNotContact}
	for _, c := range Consents() {
		header = append(header, prefixConsent+c)
	}
	for _, a := range e.attrs {
		header = append(header, prefixAttribute+a)
	}
	if err := cw.Write(append(header, colCreatedAt)); err != nil {
		return err
	}
	p := &ListParams{TenantID: e.tenantID, Limit: exportPage}
	for {
		rows, err := e.s.cfg.Customers.List(ctx, p)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := cw.Write(e.record(&r.Customer)); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil || len(rows) < exportPage {
			return err
		}
		p.After = rows[len(rows)-1].ID
	}
}

// record is one customer's line, masked unless the export reveals.
func (e *Export) record(c *Customer) []string {
	phones, emails := c.Phones, c.Emails
	if !e.reveal {
		phones, emails = maskAll(phones, pii.MaskPhone), maskAll(emails, pii.MaskEmail)
	}
	rec := []string{c.ID, c.Name, strings.Join(phones, listSeparator), strings.Join(emails, listSeparator), c.Tier,
		strings.Join(c.Tags, listSeparator), c.OwnerID, strconv.FormatBool(c.DoNotContact)}
	for _, k := range Consents() {
		cell := "" // never asked
		if v, ok := c.Consent[k]; ok {
			cell = strconv.FormatBool(v)
		}
		rec = append(rec, cell)
	}
	for _, k := range e.attrs {
		cell := ""
		if v, ok := c.Attributes[k]; ok {
			cell = AttributeText(v)
		}
		rec = append(rec, cell)
	}
	rec = append(rec, c.CreatedAt.UTC().Format(time.RFC3339))
	for i := range rec {
		rec[i] = escapeCell(rec[i])
	}
	return rec
}
