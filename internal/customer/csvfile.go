package customer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Import limits: a file is read whole and checked before anything is
// written, so both bound the memory and the transaction of one import.
const (
	MaxImportRows  = 50_000
	MaxImportBytes = 10 << 20
)

// CSV columns. phones, emails and tags hold several values separated by
// ";"; consent.FLAG and attributes.KEY hold one flag or attribute each.
const (
	colName         = "name"
	colPhones       = "phones"
	colEmails       = "emails"
	colTier         = "tier"
	colTags         = "tags"
	colOwner        = "owner_id"
	colDoNotContact = "do_not_contact"
	colID           = "id"
	colCreatedAt    = "created_at"
	prefixConsent   = "consent."
	prefixAttribute = "attributes."
	listSeparator   = ";"
)

// errImportTooLarge is the answer to a file over the limits.
var errImportTooLarge = errcode.Errorf(errcode.ImportTooLarge, "an import holds at most %d rows and %d MiB",
	MaxImportRows, MaxImportBytes>>20)

// row is one data line of an import, as Params.
type row struct {
	line int
	p    Params
}

// readImport reads a whole CSV file: a header line naming the columns, then
// one customer per line. Problems of the file's shape (unknown columns, a
// broken quote, a bad flag) go to ps with their line; the rows it could
// read are returned for the checks that follow.
func readImport(r io.Reader, ps *problems) ([]row, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read import: %w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, errImportTooLarge
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))) // spreadsheets write a BOM
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		ps.line = 1
		ps.add(errcode.ValidationFailed, colName, "the file is empty; the first line names the columns")
		return nil, nil
	}
	if err != nil {
		addCSVError(err, ps)
		return nil, nil
	}
	cols := readHeader(header, ps)
	var rows []row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			addCSVError(err, ps)
			return rows, nil
		}
		if len(rows) == MaxImportRows {
			return nil, errImportTooLarge
		}
		line, _ := cr.FieldPos(0)
		ps.line = line
		rows = append(rows, row{line: line, p: readRow(cols, rec, ps)})
	}
}

// addCSVError reports a file that is not well-formed CSV at its line.
func addCSVError(err error, ps *problems) {
	var pe *csv.ParseError
	ps.line = 0
	msg := "is not well-formed CSV"
	if errors.As(err, &pe) {
		ps.line, msg = pe.Line, "is not well-formed CSV: "+pe.Err.Error()
	}
	ps.add(errcode.ValidationFailed, "file", msg)
}

// readHeader names each column's field; an unknown column is a problem on
// line 1. The export's id and created_at columns are ignored, so an export
// can be edited and imported elsewhere.
func readHeader(header []string, ps *problems) []string {
	ps.line = 1
	cols := make([]string, len(header))
	for i, raw := range header {
		raw = strings.TrimSpace(raw)
		h := strings.ToLower(raw)
		cols[i] = h
		switch {
		case slices.Contains(cols[:i], h):
			ps.add(errcode.ValidationFailed, h, "the column appears twice")
		case h == colID || h == colCreatedAt || h == colName || h == colPhones || h == colEmails || h == colTier ||
			h == colTags || h == colOwner || h == colDoNotContact:
		case strings.HasPrefix(h, prefixConsent) && slices.Contains(Consents(), strings.TrimPrefix(h, prefixConsent)):
		case strings.HasPrefix(h, prefixAttribute) && attributeKey.MatchString(raw[len(prefixAttribute):]):
			cols[i] = prefixAttribute + raw[len(prefixAttribute):] // keys keep their case
		default:
			ps.add(errcode.ValidationFailed, h, "unknown column; the columns are name, phones, emails, tier, tags, owner_id, "+
				"do_not_contact, consent.FLAG and attributes.KEY")
		}
	}
	if !slices.Contains(cols, colName) {
		ps.add(errcode.ValidationFailed, colName, "the name column is required")
	}
	return cols
}

// readRow turns one line's cells into Params. An empty cell leaves its
// field unset, except the name, which every customer needs.
func readRow(cols, rec []string, ps *problems) Params {
	p := Params{Name: new(string)}
	for i, cell := range rec {
		if i >= len(cols) {
			break
		}
		cell = unescapeCell(strings.TrimSpace(cell))
		col := cols[i]
		if cell == "" && col != colName {
			continue
		}
		switch {
		case col == colName:
			p.Name = &cell
		case col == colPhones:
			p.Phones = ptr(splitList(cell))
		case col == colEmails:
			p.Emails = ptr(splitList(cell))
		case col == colTier:
			p.Tier = &cell
		case col == colTags:
			p.Tags = ptr(splitList(cell))
		case col == colOwner:
			p.OwnerID = &cell
		case col == colDoNotContact:
			p.DoNotContact = readBool(col, cell, ps)
		case strings.HasPrefix(col, prefixConsent):
			if v := readBool(col, cell, ps); v != nil {
				if p.Consent == nil {
					p.Consent = &map[string]bool{}
				}
				(*p.Consent)[strings.TrimPrefix(col, prefixConsent)] = *v
			}
		case strings.HasPrefix(col, prefixAttribute):
			if p.Attributes == nil {
				p.Attributes = &map[string]any{}
			}
			(*p.Attributes)[strings.TrimPrefix(col, prefixAttribute)] = cell
		}
	}
	return p
}

func readBool(col, cell string, ps *problems) *bool {
	switch strings.ToLower(cell) {
	case "true", "yes", "1":
		return ptr(true)
	case "false", "no", "0":
		return ptr(false)
	}
	ps.add(errcode.ValidationFailed, col, "must be true or false")
	return nil
}

func splitList(cell string) []string {
	var out []string
	for _, v := range strings.Split(cell, listSeparator) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// escapeCell keeps a spreadsheet from running a cell as a formula (a
// masked "+86 138****8000" would be one): a cell that starts with = + - @
// or a tab gets a leading apostrophe, which unescapeCell removes on import.
func escapeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func unescapeCell(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(v[1])) {
		return v[1:]
	}
	return v
}
