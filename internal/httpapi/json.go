package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// decode reads the JSON body into v. The body has already been validated
// against the schema, so a failure here is a malformed document.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		return errcode.Wrap(errcode.InvalidJSON, "the request body is not valid JSON", err)
	}
	return nil
}

// page is the list envelope.
type page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// pageParams reads limit and cursor. The store is asked for one row more
// than the page so that the handler knows whether another page exists.
func pageParams(r *http.Request) (limit int, after string, err error) {
	limit = 50
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil {
			return 0, "", errcode.New(errcode.InvalidRequest, "limit must be an integer")
		}
	}
	if c := r.URL.Query().Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		if err != nil || !strings.HasPrefix(string(b), "c1:") {
			return 0, "", errInvalidCursor
		}
		after = string(b[3:])
	}
	return limit, after, nil
}

// timeKey is the cursor key of a list ordered by a time, then by ID.
func timeKey(t time.Time, id string) string {
	return strconv.FormatInt(t.UnixMilli(), 10) + "|" + id
}

// parseTimeKey reads a timeKey back as Unix milliseconds and an ID.
func parseTimeKey(key string) (int64, string, error) {
	at, id, ok := strings.Cut(key, "|")
	ms, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil {
		return 0, "", errInvalidCursor
	}
	return ms, id, nil
}

// newPage trims items fetched with limit+1 to limit and sets the cursor to
// the last item's key when more exist.
func newPage[T any](items []T, limit int, key func(T) string) page[T] {
	p := page[T]{Data: items}
	if len(items) > limit {
		p.Data = items[:limit]
		c := base64.RawURLEncoding.EncodeToString([]byte("c1:" + key(items[limit-1])))
		p.NextCursor = &c
	}
	if p.Data == nil {
		p.Data = []T{}
	}
	return p
}
