package httpapi

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// statusOf is the one mapping from error kinds to HTTP statuses.
var statusOf = map[errcode.Kind]int{
	errcode.KindInternal:        http.StatusInternalServerError,
	errcode.KindInvalid:         http.StatusBadRequest,
	errcode.KindUnprocessable:   http.StatusUnprocessableEntity,
	errcode.KindUnauthenticated: http.StatusUnauthorized,
	errcode.KindForbidden:       http.StatusForbidden,
	errcode.KindNotFound:        http.StatusNotFound,
	errcode.KindConflict:        http.StatusConflict,
	errcode.KindRateLimited:     http.StatusTooManyRequests,
	errcode.KindUnavailable:     http.StatusServiceUnavailable,
}

var (
	errOrigin        = errcode.New(errcode.OriginRejected, "this site may not embed the inbox's widget")
	errInvalidCursor = errcode.New(errcode.InvalidCursor, "the cursor is not valid; start again without one")
)

// Status returns the HTTP status for an error code.
func Status(c *errcode.Code) int {
	if c == errcode.BodyTooLarge || c == errcode.AttachmentTooLarge || c == errcode.ImportTooLarge {
		return http.StatusRequestEntityTooLarge
	}
	if c == errcode.MethodNotAllowed {
		return http.StatusMethodNotAllowed
	}
	return statusOf[c.Kind()]
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string           `json:"code"`
	Message string           `json:"message"`
	Details []errcode.Detail `json:"details,omitempty"`
}

// writeError renders err as the error envelope. Errors without a code are
// internal: the client sees a generic message and the cause is logged.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = errcode.Errorf(errcode.BodyTooLarge, "the request body exceeds %d bytes", mbe.Limit)
	}
	e := errcode.From(err)
	status := Status(e.Code)
	if status >= 500 {
		h.d.Logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path,
			"code", e.Code.Name(), "err", err)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	}
	writeJSON(w, status, errorBody{Error: errorDetail{Code: e.Code.Name(), Message: e.Message, Details: e.Details}})
}

// writeJSON encodes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
