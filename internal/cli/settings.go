package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"

	"github.com/switchboardhq/switchboard/client"
)

// settingsCmd reads or changes the caller's tenant's settings. set sends
// only the flags given, so the others keep their values.
func settingsCmd(ctx context.Context, env Env, args []string) error {
	const usage = "usage: switchboard settings get | set [--name NAME] [--default-locale en|zh-CN] [--auto-resolve-after-hours H] " +
		"[--default-region CN]"
	if len(args) == 0 || (args[0] != "get" && args[0] != "set") {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("settings "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	newClient := clientFlags(fs, env)
	var name, locale, region string
	var hours int
	if args[0] == "set" {
		fs.StringVar(&name, "name", "", "the tenant's name")
		fs.StringVar(&locale, "default-locale", "", "the language the app and widget fall back to: en or zh-CN")
		fs.IntVar(&hours, "auto-resolve-after-hours", 0, "resolve conversations without a message for this many hours; 0 is off")
		fs.StringVar(&region, "default-region", "", "where a customer's phone number written without + is read, such as CN or US")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New(usage)
	}
	if args[0] == "get" {
		v, err := newClient().Settings(ctx)
		return printResult(env, v, err)
	}
	body := map[string]any{}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "name":
			body["name"] = name
		case "default-locale":
			body["default_locale"] = locale
		case "auto-resolve-after-hours":
			body["auto_resolve_after_hours"] = hours
		case "default-region":
			body["default_region"] = region
		}
	})
	if len(body) == 0 {
		return errors.New(usage)
	}
	v, err := newClient().UpdateSettings(ctx, body)
	return printResult(env, v, err)
}

// queuesCmd adds hourly statistics to the queue resource commands.
func queuesCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "hourly" {
		return resourceCmd("queues")(ctx, env, args)
	}
	fs := flag.NewFlagSet("queues hourly", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	newClient := clientFlags(fs, env)
	date := fs.String("date", "", "the day, YYYY-MM-DD (default today in the routing time zone)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return errors.New("usage: switchboard queues hourly [--date YYYY-MM-DD] [QUEUE_ID]")
	}
	v, err := newClient().HourlyStats(ctx, *date, fs.Arg(0))
	return printResult(env, v, err)
}

// printResult prints a client call's result as JSON, or returns its error.
func printResult(env Env, v any, err error) error {
	if err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return printJSON(env.Stdout, b)
}

// callAndPrint sends one request and prints the JSON answer.
func callAndPrint(ctx context.Context, env Env, newClient func() *client.Client, method, path string, body any) error {
	var out json.RawMessage
	if err := newClient().Do(ctx, method, path, body, &out); err != nil {
		return err
	}
	return printJSON(env.Stdout, out)
}
