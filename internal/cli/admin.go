package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/switchboardhq/switchboard/client"
)

// The admin commands talk to a running server over its REST API, so they
// work the same against a laptop and a cluster, with the caller's
// permissions. --server and --token default to SWITCHBOARD_SERVER and
// SWITCHBOARD_TOKEN.

func clientFlags(fs *flag.FlagSet, env Env) func() *client.Client {
	server := fs.String("server", envOr(env, "SWITCHBOARD_SERVER", "http://127.0.0.1:8080"), "server base URL (env SWITCHBOARD_SERVER)")
	// The token's default is read after parsing so that -h never prints it.
	token := fs.String("token", "", "API or session token (default: env SWITCHBOARD_TOKEN)")
	return func() *client.Client {
		if *token == "" {
			*token = env.Getenv("SWITCHBOARD_TOKEN")
		}
		return client.New(*server, *token)
	}
}

func envOr(env Env, key, def string) string {
	if v := env.Getenv(key); v != "" {
		return v
	}
	return def
}

func login(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	newClient := clientFlags(fs, env)
	email := fs.String("email", "", "login email")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input (else env SWITCHBOARD_PASSWORD)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pw := env.Getenv("SWITCHBOARD_PASSWORD")
	if *fromStdin {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	if *email == "" || pw == "" {
		return errors.New("give --email and the password via --password-stdin or SWITCHBOARD_PASSWORD")
	}
	s, err := newClient().Login(ctx, *email, pw)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, s.Token)
	fmt.Fprintf(env.Stderr, "signed in as %s (%s); use it with: export SWITCHBOARD_TOKEN=<token>\n", s.User.Email, s.User.Role)
	return nil
}

func apiCmd(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("api", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	newClient := clientFlags(fs, env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 2 || fs.NArg() > 3 {
		return errors.New("usage: switchboard api METHOD PATH [JSON|-]")
	}
	var body any
	if fs.NArg() == 3 {
		raw, err := readBody(env, fs.Arg(2))
		if err != nil {
			return err
		}
		body = raw
	}
	var out json.RawMessage
	if err := newClient().Do(ctx, strings.ToUpper(fs.Arg(0)), fs.Arg(1), body, &out); err != nil {
		return err
	}
	return printJSON(env.Stdout, out)
}

// resourceCmd builds the list/get/create/update/delete subcommands of one
// collection under /api/v1.
func resourceCmd(name string) func(context.Context, Env, []string) error {
	return func(ctx context.Context, env Env, args []string) error {
		if len(args) == 0 {
			return fmt.Errorf("usage: switchboard %s list|get|create|update|delete …", name)
		}
		verb := args[0]
		fs := flag.NewFlagSet(name+" "+verb, flag.ContinueOnError)
		fs.SetOutput(env.Stderr)
		newClient := clientFlags(fs, env)
		limit := fs.Int("limit", 50, "page size for list and timeline")
		all := fs.Bool("all", false, "list, timeline: follow cursors to the end")
		var filters stringMap = map[string]string{}
		fs.Var(&filters, "filter", "list: query filter KEY=VALUE (e.g. role=agent, action=user.); repeatable")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		base := "/api/v1/" + name
		c := newClient()
		method, path, bodyArg, err := route(verb, base, fs.Args())
		if err != nil {
			return err
		}
		if verb == "list" || verb == "timeline" {
			return list(ctx, env, c, path, *limit, *all, filters)
		}
		var body any
		if bodyArg != "" {
			raw, err := readBody(env, bodyArg)
			if err != nil {
				return err
			}
			body = raw
		}
		var out json.RawMessage
		if err := c.Do(ctx, method, path, body, &out); err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		return printJSON(env.Stdout, out)
	}
}

// route maps a verb and its arguments to a request.
func route(verb, base string, args []string) (method, path, body string, err error) {
	need := func(n int, usage string) error {
		if len(args) != n {
			return fmt.Errorf("usage: %s", usage)
		}
		return nil
	}
	switch verb {
	case "list":
		return http.MethodGet, base, "", need(0, "list [--limit N] [--all] [--filter K=V]")
	case "get":
		if err := need(1, "get ID"); err != nil {
			return "", "", "", err
		}
		return http.MethodGet, base + "/" + url.PathEscape(args[0]), "", nil
	case "create":
		if err := need(1, "create JSON|-"); err != nil {
			return "", "", "", err
		}
		return http.MethodPost, base, args[0], nil
	case "update":
		if err := need(2, "update ID JSON|-"); err != nil {
			return "", "", "", err
		}
		return http.MethodPatch, base + "/" + url.PathEscape(args[0]), args[1], nil
	case "delete", "revoke":
		if err := need(1, verb+" ID"); err != nil {
			return "", "", "", err
		}
		return http.MethodDelete, base + "/" + url.PathEscape(args[0]), "", nil
	case "invite":
		if err := need(1, "invite ID"); err != nil {
			return "", "", "", err
		}
		return http.MethodPost, base + "/" + url.PathEscape(args[0]) + "/invite", "", nil
	case "timeline":
		if err := need(1, "timeline [--limit N] [--all] ID"); err != nil {
			return "", "", "", err
		}
		return http.MethodGet, base + "/" + url.PathEscape(args[0]) + "/timeline", "", nil
	case "stats":
		if len(args) == 0 {
			return http.MethodGet, base + "/stats", "", nil
		}
		if err := need(1, "stats [ID]"); err != nil {
			return "", "", "", err
		}
		return http.MethodGet, base + "/" + url.PathEscape(args[0]) + "/stats", "", nil
	}
	return "", "", "", fmt.Errorf("unknown subcommand %q", verb)
}

func list(ctx context.Context, env Env, c *client.Client, base string, limit int, all bool, filters map[string]string) error {
	opts := &client.ListOptions{Limit: limit, Filters: filters}
	var items []json.RawMessage
	for {
		var p client.Page[json.RawMessage]
		q := url.Values{}
		if opts.Limit > 0 && base != "/api/v1/tokens" {
			q.Set("limit", fmt.Sprint(opts.Limit))
		}
		if opts.Cursor != "" {
			q.Set("cursor", opts.Cursor)
		}
		for k, v := range opts.Filters {
			q.Set(k, v)
		}
		path := base
		if len(q) > 0 {
			path += "?" + q.Encode()
		}
		if err := c.Do(ctx, http.MethodGet, path, nil, &p); err != nil {
			return err
		}
		items = append(items, p.Data...)
		if !all || p.NextCursor == nil {
			break
		}
		opts.Cursor = *p.NextCursor
	}
	if items == nil {
		items = []json.RawMessage{}
	}
	b, err := json.Marshal(items)
	if err != nil {
		return err
	}
	return printJSON(env.Stdout, b)
}

// readBody returns a JSON body given inline or, for "-", from stdin.
func readBody(env Env, arg string) (json.RawMessage, error) {
	data := []byte(arg)
	if arg == "-" {
		var err error
		if data, err = io.ReadAll(env.Stdin); err != nil {
			return nil, err
		}
	}
	if !json.Valid(data) {
		return nil, errors.New("the body is not valid JSON")
	}
	return data, nil
}

func printJSON(w io.Writer, raw []byte) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		_, err = w.Write(raw)
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

type stringMap map[string]string

func (m stringMap) String() string { return fmt.Sprint(map[string]string(m)) }

func (m stringMap) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want KEY=VALUE, got %q", v)
	}
	m[k] = val
	return nil
}
