package cli

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"net/url"
)

// agentsCmd reads or sets an agent's routing presence.
func agentsCmd(ctx context.Context, env Env, args []string) error {
	const usage = "usage: switchboard agents list | state USER_ID | presence USER_ID available|away|offline [REASON]"
	if len(args) == 0 || (len(args) < 2 && args[0] != "list") {
		return errors.New(usage)
	}
	verb, id := args[0], ""
	rest := args[1:]
	if verb != "list" {
		id, rest = args[1], args[2:]
	}
	fs := flag.NewFlagSet("agents "+verb, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	newClient := clientFlags(fs, env)
	if err := fs.Parse(rest); err != nil {
		return err
	}
	path := "/api/v1/agents/" + url.PathEscape(id)
	var method string
	var body any
	switch {
	case verb == "list" && fs.NArg() == 0:
		method, path = http.MethodGet, "/api/v1/agents"
	case verb == "state" && fs.NArg() == 0:
		method, path = http.MethodGet, path+"/state"
	case verb == "presence" && (fs.NArg() == 1 || fs.NArg() == 2):
		in := map[string]string{"status": fs.Arg(0)}
		if fs.NArg() == 2 {
			in["reason"] = fs.Arg(1)
		}
		method, path, body = http.MethodPut, path+"/presence", in
	default:
		return errors.New(usage)
	}
	return callAndPrint(ctx, env, newClient, method, path, body)
}

// routingCmd reads or replaces the queue rules or the routing settings.
func routingCmd(ctx context.Context, env Env, args []string) error {
	const usage = "usage: switchboard routing rules|settings [JSON|-]"
	if len(args) == 0 || (args[0] != "rules" && args[0] != "settings") {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("routing "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	newClient := clientFlags(fs, env)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	path := "/api/v1/routing/" + args[0]
	method := http.MethodGet
	var body any
	switch fs.NArg() {
	case 0:
	case 1:
		raw, err := readBody(env, fs.Arg(0))
		if err != nil {
			return err
		}
		method, body = http.MethodPut, raw
	default:
		return errors.New(usage)
	}
	return callAndPrint(ctx, env, newClient, method, path, body)
}
