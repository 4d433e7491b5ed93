package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// The customer import takes the CSV file as the whole body (text/csv) or
// as the part named file of a multipart form, as browsers upload it; the
// export streams CSV.

var errImportBody = errcode.New(errcode.InvalidRequest,
	"send the CSV file as text/csv, or as multipart/form-data with a part named file")

func (h *Handler) importCustomers(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	body, err := csvBody(r)
	if err != nil {
		return err
	}
	res, err := h.d.Customers.Import(r.Context(), p, body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errcode.Errorf(errcode.ImportTooLarge, "an import holds at most %d MiB", customer.MaxImportBytes>>20)
	}
	return respond(w, http.StatusCreated, res, err)
}

// csvBody returns the uploaded CSV file.
func csvBody(r *http.Request) (io.Reader, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "text/csv":
		return r.Body, nil
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, errcode.Wrap(errcode.InvalidRequest, "the multipart body is malformed", err)
		}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil, errImportBody
			}
			if err != nil {
				return nil, errcode.Wrap(errcode.InvalidRequest, "the multipart body is malformed", err)
			}
			if part.FormName() == "file" {
				return part, nil
			}
		}
	}
	return nil, errImportBody
}

// exportCustomers writes the tenant's customers as CSV, masked unless
// ?reveal=true (with pii.reveal and a reason). The checks and the audit
// entry come before the first byte, so a refusal is an ordinary error.
func (h *Handler) exportCustomers(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	q := r.URL.Query()
	reveal, _ := strconv.ParseBool(q.Get("reveal"))
	ex, err := h.d.Customers.Export(r.Context(), p, &customer.ExportParams{Reveal: reveal, Reason: q.Get("reason")})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="customers.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if err := ex.Write(r.Context(), w); err != nil {
		// The status is sent: the cut-off file is the client's signal.
		h.d.Logger.ErrorContext(r.Context(), "customer export failed", "err", err)
	}
	return nil
}
