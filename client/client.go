// Package client is the Go client for Switchboard's REST API. The CLI's
// admin commands and the end-to-end tests use it, so it is exercised on
// every test run.
//
//	c := client.New("http://127.0.0.1:8080", "")
//	s, err := c.Login(ctx, "admin@example.com", "password")
//	c.Token = s.Token
//	me, err := c.Me(ctx)
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls one Switchboard server.
type Client struct {
	BaseURL string
	// Token is sent as a bearer token when set.
	Token string
	HTTP  *http.Client
}

// New returns a client for baseURL.
func New(baseURL, token string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// Error is an API error response.
type Error struct {
	Status     int
	Code       string   `json:"code"`
	Message    string   `json:"message"`
	Details    []Detail `json:"details"`
	RetryAfter time.Duration
}

// Detail is one field-level validation problem. Line and Code are set for
// a customer import's problems: the file's line and the problem's code.
type Detail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Code    string `json:"code,omitempty"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// Do sends a request with in as the JSON body (unless nil) and decodes the
// response into out (unless nil). Non-2xx responses return *Error.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	contentType := ""
	if in != nil {
		contentType = "application/json"
		if raw, ok := in.(json.RawMessage); ok {
			body = bytes.NewReader(raw)
		} else {
			b, err := json.Marshal(in)
			if err != nil {
				return err
			}
			body = bytes.NewReader(b)
		}
	}
	return c.Send(ctx, method, path, contentType, body, out)
}

// Send sends a request with a body of any type (nil for none) and decodes
// a JSON response into out, or copies any other response into out when it
// is a *json.RawMessage. Non-2xx responses return *Error.
func (c *Client) Send(ctx context.Context, method, path, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		var env struct {
			Error *Error `json:"error"`
		}
		if json.Unmarshal(data, &env) != nil || env.Error == nil {
			return &Error{Status: res.StatusCode, Code: "http_" + strconv.Itoa(res.StatusCode), Message: strings.TrimSpace(string(data))}
		}
		env.Error.Status = res.StatusCode
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil {
			env.Error.RetryAfter = time.Duration(s) * time.Second
		}
		return env.Error
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = data
		return nil
	}
	return json.Unmarshal(data, out)
}

// Page is one page of a list.
type Page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// ListOptions page through a list.
type ListOptions struct {
	Limit  int
	Cursor string
	// Filters are extra query parameters, such as role or action.
	Filters map[string]string
}

func (o *ListOptions) query() string {
	if o == nil {
		return ""
	}
	q := url.Values{}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
	for k, v := range o.Filters {
		q.Set(k, v)
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}
