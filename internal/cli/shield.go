package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"

	"github.com/switchboardhq/switchboard/client"
)

const shieldUsage = `usage: switchboard shield numbers list | numbers create NUMBER hotline|local|binding [--area A] | numbers delete ID
       switchboard shield rules list | rules create JSON|- | rules update ID JSON|- | rules delete ID | rules test JSON|-
       switchboard shield lists block|allow list | lists block|allow add NUMBER | lists block|allow delete ID
       switchboard shield bindings list [--live] | get ID | create JSON|- | update ID JSON|- | delete ID
       switchboard shield bindings scan A [--expires-in SECONDS] | bindings qr ID [--format png|svg] [--out FILE]
       switchboard shield dial-code CUSTOMER_ID [--reusable]
       switchboard shield resolve CALLER DIALED [--call-id ID]
       switchboard shield decisions [--customer ID] [--limit N] [--all]
       switchboard shield settings [JSON|-]`

// shieldReq is one request a shield subcommand sends; list requests are
// paged with the usual --limit and --all.
type shieldReq struct {
	method, path string
	body         any
	list         bool
}

// shieldCmd scripts the number shield: its numbers, rules, lists,
// bindings and settings, dial codes, and the decision API itself.
func shieldCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return errors.New(shieldUsage)
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.Stdout, shieldUsage)
		return nil
	}
	fs := flag.NewFlagSet("shield "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	newClient := clientFlags(fs, env)
	o := &shieldOpts{}
	fs.StringVar(&o.area, "area", "", "numbers create: the area a local number serves")
	fs.BoolVar(&o.live, "live", false, "bindings list: only bindings that have not expired")
	fs.Int64Var(&o.expiresIn, "expires-in", 0, "bindings scan: seconds the binding lasts (default an hour)")
	fs.StringVar(&o.format, "format", "png", "bindings qr: png or svg")
	fs.StringVar(&o.out, "out", "", "bindings qr: write the image to this file (default standard output)")
	fs.BoolVar(&o.reusable, "reusable", false, "dial-code: the code may be dialed again until it expires")
	fs.StringVar(&o.callID, "call-id", "", "resolve: the call's ID, for the record")
	fs.StringVar(&o.customer, "customer", "", "decisions: one customer's decisions")
	limit := fs.Int("limit", 50, "page size for lists")
	all := fs.Bool("all", false, "lists: follow cursors to the end")
	rest, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	o.args = rest
	if args[0] == "bindings" && len(rest) == 2 && rest[0] == "qr" {
		return o.writeQR(ctx, env, newClient(), rest[1])
	}
	req, err := o.request(env, args[0])
	if err != nil {
		return err
	}
	if req.list {
		filters := map[string]string{}
		if o.live {
			filters["live"] = "true"
		}
		if o.customer != "" {
			filters["customer_id"] = o.customer
		}
		return list(ctx, env, newClient(), req.path, *limit, *all, filters)
	}
	return callAndPrint(ctx, env, newClient, req.method, req.path, req.body)
}

type shieldOpts struct {
	area, format, out, callID, customer string
	live, reusable                      bool
	expiresIn                           int64
	args                                []string
}

// request maps a subcommand and its arguments to a request.
func (o *shieldOpts) request(env Env, sub string) (*shieldReq, error) {
	a := o.args
	switch {
	case sub == "numbers":
		return o.crud(env, "/api/v1/shield/numbers", func() (any, error) {
			if len(a) != 3 {
				return nil, errors.New(shieldUsage)
			}
			in := map[string]any{"number": a[1], "purpose": a[2]}
			if o.area != "" {
				in["area"] = o.area
			}
			return in, nil
		})
	case sub == "rules" && len(a) == 2 && a[0] == "test":
		body, err := readBody(env, a[1])
		return &shieldReq{method: http.MethodPost, path: "/api/v1/shield/rules/test", body: body}, err
	case sub == "rules" || sub == "bindings":
		if sub == "bindings" && len(a) >= 2 && a[0] == "scan" {
			in := map[string]any{"a": a[1]}
			if o.expiresIn > 0 {
				in["expires_in"] = o.expiresIn
			}
			return &shieldReq{method: http.MethodPost, path: "/api/v1/shield/bindings/qr", body: in}, nil
		}
		return o.crud(env, "/api/v1/shield/"+sub, nil)
	case sub == "lists" && len(a) >= 2 && (a[0] == "block" || a[0] == "allow"):
		o.args = a[1:]
		return o.crud(env, "/api/v1/shield/lists/"+a[0], func() (any, error) {
			if len(o.args) != 2 {
				return nil, errors.New(shieldUsage)
			}
			return map[string]any{"number": o.args[1]}, nil
		})
	case sub == "dial-code" && len(a) == 1:
		return &shieldReq{method: http.MethodPost, path: "/api/v1/shield/dial-codes",
			body: map[string]any{"customer_id": a[0], "reusable": o.reusable}}, nil
	case sub == "resolve" && len(a) == 2:
		in := map[string]any{"caller": a[0], "dialed": a[1]}
		if o.callID != "" {
			in["call_id"] = o.callID
		}
		return &shieldReq{method: http.MethodPost, path: "/api/v1/shield/resolve", body: in}, nil
	case sub == "decisions" && len(a) == 0:
		return &shieldReq{path: "/api/v1/shield/decisions", list: true}, nil
	case sub == "settings" && len(a) <= 1:
		if len(a) == 0 {
			return &shieldReq{method: http.MethodGet, path: "/api/v1/shield/settings"}, nil
		}
		body, err := readBody(env, a[0])
		return &shieldReq{method: http.MethodPut, path: "/api/v1/shield/settings", body: body}, err
	}
	return nil, errors.New(shieldUsage)
}

// crud maps list, get, create, update, add and delete on a collection;
// create (or add) takes its body from create, else a JSON argument.
func (o *shieldOpts) crud(env Env, base string, create func() (any, error)) (*shieldReq, error) {
	a := o.args
	if len(a) == 0 {
		return nil, errors.New(shieldUsage)
	}
	switch verb := a[0]; {
	case verb == "list" && len(a) == 1:
		return &shieldReq{path: base, list: true}, nil
	case verb == "get" && len(a) == 2:
		return &shieldReq{method: http.MethodGet, path: base + "/" + url.PathEscape(a[1])}, nil
	case verb == "delete" && len(a) == 2:
		return &shieldReq{method: http.MethodDelete, path: base + "/" + url.PathEscape(a[1])}, nil
	case (verb == "create" || verb == "add") && create != nil:
		body, err := create()
		return &shieldReq{method: http.MethodPost, path: base, body: body}, err
	case verb == "create" && len(a) == 2:
		body, err := readBody(env, a[1])
		return &shieldReq{method: http.MethodPost, path: base, body: body}, err
	case verb == "update" && len(a) == 3:
		body, err := readBody(env, a[2])
		return &shieldReq{method: http.MethodPatch, path: base + "/" + url.PathEscape(a[1]), body: body}, err
	}
	return nil, errors.New(shieldUsage)
}

// writeQR saves or prints a binding's QR code.
func (o *shieldOpts) writeQR(ctx context.Context, env Env, c *client.Client, id string) error {
	// A json.RawMessage receives the body as it is, image or not.
	var img json.RawMessage
	err := c.Do(ctx, http.MethodGet, "/api/v1/shield/bindings/"+url.PathEscape(id)+"/qr?format="+url.QueryEscape(o.format), nil, &img)
	if err != nil {
		return err
	}
	if o.out == "" {
		_, err = env.Stdout.Write(img)
		return err
	}
	if err := os.WriteFile(o.out, img, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", o.out, err)
	}
	fmt.Fprintf(env.Stderr, "QR code written to %s\n", o.out)
	return nil
}

// parseInterspersed parses flags found anywhere among args, so that
// "shield numbers create +8695555 local --area 10" works as typed, and
// returns the other arguments in order.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// usersCmd adds --extension and --level to users create and update; they
// are merged into the JSON body, which may then be left out.
func usersCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "update") {
		return resourceCmd("users")(ctx, env, args)
	}
	fs := flag.NewFlagSet("users "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	newClient := clientFlags(fs, env)
	ext := fs.String("extension", "", `the user's phone extension, 2 to 8 digits ("" with update removes it)`)
	level := fs.Int("level", 0, "the user's level for the number shield's rules, 1 and up")
	rest, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	want := map[string]int{"create": 0, "update": 1}[args[0]]
	body := map[string]any{}
	switch {
	case len(rest) == want+1:
		raw, err := readBody(env, rest[want])
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			return errors.New("the body must be a JSON object")
		}
	case len(rest) != want:
		return errors.New("usage: switchboard users create [--extension E] [--level N] [JSON|-] | update ID [--extension E] [--level N] [JSON|-]")
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "extension":
			body["extension"] = *ext
		case "level":
			body["level"] = *level
		}
	})
	path, method := "/api/v1/users", http.MethodPost
	if args[0] == "update" {
		path, method = path+"/"+url.PathEscape(rest[0]), http.MethodPatch
	}
	return callAndPrint(ctx, env, newClient, method, path, body)
}
