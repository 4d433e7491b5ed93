// Package errcode defines Switchboard's stable, client-visible error codes and
// the error type that carries them from the domain to the API edge.
//
// Codes are data: every code lives in the registry in codes.go, docs/errors.md
// is generated from it (see TestErrorDocs) and clients may branch on the code
// string. A code never changes meaning once released; new situations get new
// codes. This package knows nothing about HTTP: the API layer maps a code's
// Kind to a status.
package errcode

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies a code for transports. The API layer maps each kind to one
// HTTP status.
type Kind int

// The kinds of failure a caller can see.
const (
	KindInternal        Kind = iota // a fault on our side; the cause is logged, never shown
	KindInvalid                     // the request itself is malformed
	KindUnprocessable               // well formed, but fails validation or a business rule
	KindUnauthenticated             // no valid credentials
	KindForbidden                   // credentials valid, permission missing
	KindNotFound                    // absent, or not visible to the caller's tenant
	KindConflict                    // clashes with the current state (duplicates, versions)
	KindRateLimited                 // too many attempts; retry later
	KindUnavailable                 // not ready yet (starting up, dependency down)
)

// Code is one stable error code.
type Code struct {
	name string
	kind Kind
	doc  string
}

// Name returns the code's stable machine-readable name, e.g. "not_found".
func (c *Code) Name() string { return c.name }

// Kind returns the code's transport-neutral class.
func (c *Code) Kind() Kind { return c.kind }

// Doc returns the one-sentence description published in docs/errors.md.
func (c *Code) Doc() string { return c.doc }

// Error is a failure that carries a stable code and a message that is safe to
// show to the caller. The wrapped cause, if any, is for logs only.
type Error struct {
	Code    *Code
	Message string
	// Details lists per-field problems for validation failures.
	Details []Detail
	// RetryAfter tells a rate-limited caller when to try again.
	RetryAfter time.Duration
	cause      error
}

// Detail is one field-level problem in a validation failure.
type Detail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	// Line is the line of an uploaded file (a customer import) the
	// problem is on; 0 when the request is not a file.
	Line int `json:"line,omitempty"`
	// Code is the problem's own code when a failure gathers problems of
	// several kinds (invalid_phone, unknown_tier, …).
	Code string `json:"code,omitempty"`
}

// New returns an error with code c and a public message.
func New(c *Code, msg string) *Error { return &Error{Code: c, Message: msg} }

// Errorf returns an error with code c and a formatted public message. Verbs are
// formatted with fmt.Sprintf; %w is not supported here, use Wrap for causes.
func Errorf(c *Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error with code c and a public message that keeps cause for
// logging and errors.Is/As.
func Wrap(c *Code, msg string, cause error) *Error {
	return &Error{Code: c, Message: msg, cause: cause}
}

// Error implements error. It includes the cause so logs carry it; the API
// layer shows only Message.
func (e *Error) Error() string {
	if e.cause != nil {
		return e.Code.name + ": " + e.Message + ": " + e.cause.Error()
	}
	return e.Code.name + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is an *Error with the same code and message, so
// that sentinel errors such as user.ErrNotFound match after wrapping.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Message == e.Message
}

// WithDetails returns a copy of e carrying field-level details.
func (e *Error) WithDetails(d ...Detail) *Error {
	c := *e
	c.Details = append(append([]Detail(nil), e.Details...), d...)
	return &c
}

// From extracts the *Error in err's chain. Errors without a code are reported
// as Internal with a generic message, so causes never leak to clients.
func From(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Message: "internal error", cause: err}
}

// Has reports whether err carries code c anywhere in its chain.
func Has(err error, c *Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == c
}
