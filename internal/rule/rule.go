// Package rule compiles and evaluates business rules: boolean expressions
// that administrators write, such as
//
//	customer.tier == "vip" && item.language == "zh"
//
// The routing engine uses them to pick a queue and the number shield to allow
// or deny a call. A feature describes what a rule may see with an env struct
// whose exported fields, named by `expr:"name"` tags, are the names an
// expression may use. Compile checks an expression against that type once,
// when the admin saves it, so typos and type mismatches are reported in the
// rule editor with their line and column instead of failing at run time.
// Eval then runs the compiled program against a value of the same type.
//
// The language is github.com/expr-lang/expr, narrowed for untrusted authors:
// the source length and syntax tree size are capped, each evaluation has a
// memory budget, loops (any, all, filter, …) cannot be nested, and only
// built-ins that are deterministic and cannot blow up their input are
// available (see check.go). A rule's cost is therefore at most proportional
// to its size times the length of the lists it loops over. Time comes from
// the env, never from a clock, so rules are deterministic and testable.
//
// A missing key in a map field reads as nil, so
// item.attributes.plan == "gold" is simply false when the item has no plan.
package rule

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// Limits on what an admin may submit. They keep compilation cheap and stop a
// pathological rule from slowing down every routing decision.
const (
	// MaxLength is the longest accepted source, in characters.
	MaxLength = 2000
	// MaxNodes is the largest accepted syntax tree: names, literals,
	// operators and calls each count as one node.
	MaxNodes = 500
	// memoryBudget caps, per evaluation, the elements that ranges, list
	// literals and built-ins create: any(1..1000000, …) fails at once
	// instead of looping. Real rules stay far below it.
	memoryBudget = 10_000
)

// ErrEnvType reports that Eval got an env of another type than Compile.
// Evaluating it anyway could read the wrong fields, so it is refused.
var ErrEnvType = errors.New("rule: env type differs from the one the condition was compiled for")

// Condition is a compiled boolean expression, safe for concurrent use.
// A Condition with an empty source always matches.
type Condition struct {
	src  string
	prog *vm.Program // nil for an empty source
	typ  reflect.Type
	ptr  reflect.Type
	// vms reuses virtual machines between evaluations: a fresh one per call
	// would allocate its stack every time, and expr's own Run cannot take a
	// memory budget.
	vms sync.Pool
}

// Option adjusts Compile.
type Option func(*config)

type config struct {
	field string
}

// Field names the request field that holds the expression, such as
// "rules[2].condition". Compile errors carry it in their Detail. The default
// is "condition".
func Field(name string) Option {
	return func(c *config) { c.field = name }
}

// Compile checks src against the type of env and returns the condition. env
// is a struct, or a pointer to one, whose exported fields (with `expr:"name"`
// tags) are the names src may use; only its type matters. Exported methods
// of env's types can be called too (now.Weekday() on a time.Time), so an env
// should hold plain data. An empty or whitespace-only src means "always".
//
// An invalid src gives an *errcode.Error with code ValidationFailed whose
// message names the line and column and what is wrong (unknown name, type
// mismatch, not a boolean, too long or too complex, syntax error), fit to
// show in a rule editor. An env that is not a struct is a programming error
// and gives a plain error.
func Compile(src string, env any, opts ...Option) (*Condition, error) {
	cfg := config{field: "condition"}
	for _, o := range opts {
		o(&cfg)
	}
	typ, err := structType(env)
	if err != nil {
		return nil, err
	}
	c := &Condition{src: src, typ: typ, ptr: reflect.PointerTo(typ)}
	if strings.TrimSpace(src) == "" {
		return c, nil
	}
	if err := checkLength(src); err != nil {
		return nil, cfg.invalid(src, err)
	}
	g := &guard{}
	// expr needs only the type, and the caller's env may be a nil pointer.
	// A struct value rather than a pointer matters for speed: with it expr
	// compiles customer.tier to one indexed field load, while with a
	// pointer it looks customer up by name and copies the struct on every
	// evaluation.
	prog, err := expr.Compile(src, exprOptions(reflect.Zero(typ).Interface(), g)...)
	if err == nil && g.err != nil {
		err = g.err
	}
	if err != nil {
		return nil, cfg.invalid(src, err)
	}
	c.prog = prog
	c.vms.New = func() any { return &vm.VM{MemoryBudget: memoryBudget} }
	return c, nil
}

// structType returns the struct type env describes.
func structType(env any) (reflect.Type, error) {
	t := reflect.TypeOf(env)
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("rule: env must be a struct or a pointer to one, not %T", env)
	}
	return t, nil
}

// Source returns the expression as it was given to Compile.
func (c *Condition) Source() string { return c.src }

// Eval reports whether env satisfies the condition. env must have the type
// given to Compile, as a value or a pointer. A run-time failure, such as
// comparing a missing attribute with a number or exceeding the memory budget,
// is returned as an error; Eval does not panic.
func (c *Condition) Eval(env any) (bool, error) {
	if c == nil {
		return false, errors.New("rule: nil condition")
	}
	if err := c.checkEnv(env); err != nil {
		return false, err
	}
	if c.prog == nil {
		return true, nil
	}
	m := c.vms.Get().(*vm.VM)
	// vm.Run recovers panics inside the program and resets the machine at
	// its start, so a machine is reusable after a failure too.
	out, err := m.Run(c.prog, env)
	c.vms.Put(m)
	if err != nil {
		return false, fmt.Errorf("rule: evaluate: %w", err)
	}
	// Compile only accepts expressions typed bool, so this holds unless expr
	// itself misbehaves; check rather than trust it.
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("rule: evaluate: result is %T, not bool", out)
	}
	return b, nil
}

// checkEnv refuses an env of another type: the program reads fields by their
// index, so a different struct could yield a wrong answer instead of an error.
func (c *Condition) checkEnv(env any) error {
	switch reflect.TypeOf(env) {
	case c.typ:
		return nil
	case c.ptr:
		if reflect.ValueOf(env).IsNil() {
			return fmt.Errorf("rule: env is a nil %T", env)
		}
		return nil
	default:
		return fmt.Errorf("%w: got %T, want %v", ErrEnvType, env, c.typ)
	}
}

// First returns the index of the first condition that env satisfies, or -1
// if none does. Rules are ordered by priority, so the first match wins. A
// condition that fails at run time counts as not matching, and its error is
// joined into the returned error so the caller can log it and go on with the
// result.
func First(conds []*Condition, env any) (int, error) {
	var errs []error
	for i, c := range conds {
		ok, err := c.Eval(env)
		if err != nil {
			errs = append(errs, fmt.Errorf("condition %d: %w", i, err))
			continue
		}
		if ok {
			return i, errors.Join(errs...)
		}
	}
	return -1, errors.Join(errs...)
}
