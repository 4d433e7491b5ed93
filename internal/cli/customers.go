package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"

	"github.com/switchboardhq/switchboard/client"
)

// customersCmd adds merge, import, export and reveal to the customer
// resource commands (list, get, create, update, timeline).
func customersCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return resourceCmd("customers")(ctx, env, args)
	}
	fs := flag.NewFlagSet("customers "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	newClient := clientFlags(fs, env)
	var reveal *bool
	var reason *string
	switch args[0] {
	case "merge", "import":
	case "export":
		reveal = fs.Bool("reveal", false, "write phone numbers and addresses unmasked (needs pii.reveal and --reason; audited)")
		reason = fs.String("reason", "", "why the data is revealed; kept in the audit log")
	case "reveal":
		reason = fs.String("reason", "", "why the data is revealed; kept in the audit log (required)")
	default:
		return resourceCmd("customers")(ctx, env, args)
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "merge":
		if fs.NArg() != 2 {
			return errors.New("usage: switchboard customers merge TARGET_ID SOURCE_ID")
		}
		v, err := newClient().MergeCustomers(ctx, fs.Arg(0), fs.Arg(1))
		return printResult(env, v, err)
	case "import":
		if fs.NArg() != 1 {
			return errors.New("usage: switchboard customers import FILE|-")
		}
		return importCustomers(ctx, env, newClient(), fs.Arg(0))
	case "export":
		if fs.NArg() != 0 {
			return errors.New("usage: switchboard customers export [--reveal --reason TEXT] > customers.csv")
		}
		b, err := newClient().ExportCustomers(ctx, *reveal, *reason)
		if err != nil {
			return err
		}
		_, err = env.Stdout.Write(b)
		return err
	}
	if fs.NArg() != 1 || *reason == "" {
		return errors.New("usage: switchboard customers reveal --reason TEXT ID")
	}
	return callAndPrint(ctx, env, newClient, http.MethodPost, "/api/v1/customers/"+url.PathEscape(fs.Arg(0))+"/reveal",
		map[string]string{"reason": *reason})
}

// importCustomers uploads a CSV file (or standard input for "-") and, when
// the server refuses it, lists every problem by line and column.
func importCustomers(ctx context.Context, env Env, c *client.Client, name string) error {
	r := env.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	n, err := c.ImportCustomers(ctx, r)
	var ae *client.Error
	if errors.As(err, &ae) {
		for _, d := range ae.Details {
			fmt.Fprintf(env.Stderr, "line %d, %s: %s: %s\n", d.Line, d.Field, d.Code, d.Message)
		}
	}
	if err != nil {
		return err
	}
	return printResult(env, map[string]int{"imported": n}, nil)
}
