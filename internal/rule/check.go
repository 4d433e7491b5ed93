package rule

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// builtins lists the expr built-ins a rule may call. It is an allow-list so
// that an expr upgrade cannot hand admins new functions unreviewed. Left out
// on purpose:
//   - now, date, timezone: they read the clock or the host's time zone, so a
//     rule's answer would depend on when and where it runs. Put the time
//     (or the hour, or the weekday) in the env instead.
//   - repeat, replace, join, map and reduce: they can build a value much
//     larger than their input, which nested calls turn into an exponential
//     blow-up that the memory budget does not count.
//   - split, sort, sortBy, groupBy, the JSON and base64 helpers and the
//     rest: a boolean rule has no use for them, and each one is more to
//     review with every expr upgrade.
func builtins() []string {
	return []string{
		"len", "all", "any", "none", "one", "filter", "count", "find",
		"lower", "upper", "trim", "trimPrefix", "trimSuffix", "hasPrefix", "hasSuffix",
		"indexOf", "lastIndexOf",
		"abs", "ceil", "floor", "round", "min", "max", "int", "float", "string", "type",
		"keys", "values", "first", "last", "get", "duration",
	}
}

// exprOptions configures expr for one Compile: env's type, a boolean result,
// the size cap, the built-ins allow-list and the guard.
func exprOptions(env any, g *guard) []expr.Option {
	opts := []expr.Option{
		expr.Env(env),
		expr.AsBool(),
		// Without WarnOnAny expr accepts a result of unknown type, such as a
		// bare item.attributes.vip, and the rule fails only at run time when
		// the attribute is missing or not a boolean. Asking the admin for
		// item.attributes.vip == true makes it simply false instead.
		expr.WarnOnAny(),
		expr.MaxNodes(MaxNodes),
		expr.DisableAllBuiltins(),
		expr.Patch(g),
	}
	for _, name := range builtins() {
		opts = append(opts, expr.EnableBuiltin(name))
	}
	return opts
}

// guard rejects syntax that expr accepts but a rule should not use. It runs
// as an expr patcher, so it sees the parsed tree before type checking; it
// records the first problem and changes nothing.
type guard struct {
	err *file.Error
}

// Visit implements ast.Visitor.
func (g *guard) Visit(node *ast.Node) {
	if g.err != nil {
		return
	}
	switch n := (*node).(type) {
	case *ast.VariableDeclaratorNode:
		// let with + doubles a string per line: 500 nodes are enough to
		// exhaust memory, and vm's budget does not count strings.
		g.fail(n, "let is not allowed in a condition; write the expression where it is used")
	case *ast.PredicateNode:
		// vm's memory budget counts ranges but not the elements a predicate
		// visits, so nested predicates over env lists would do work that
		// multiplies with each level. One level keeps a rule's cost linear
		// in the size of its input.
		var inner predicateFinder
		ast.Walk(&n.Node, &inner)
		if inner.found != nil {
			g.fail(inner.found, "any, all, none, one, filter, count and find cannot be used inside one another")
		}
	case *ast.SequenceNode:
		// "a; b" ignores a, which an admin could take for "a and b".
		g.fail(n.Nodes[1], "a condition is one expression; join parts with && or ||, not ;")
	case *ast.BinaryNode:
		// A constant pattern is compiled and checked once, here; any other
		// would be compiled on every evaluation and fail only at run time.
		if _, ok := n.Right.(*ast.StringNode); n.Operator == "matches" && !ok {
			g.fail(n, "the pattern after matches must be a quoted string")
		}
	}
}

func (g *guard) fail(n ast.Node, msg string) {
	g.err = &file.Error{Location: n.Location(), Message: msg}
}

// predicateFinder finds a call that takes a predicate in a predicate's body.
type predicateFinder struct {
	found ast.Node
}

// Visit implements ast.Visitor.
func (f *predicateFinder) Visit(node *ast.Node) {
	// Report the call, not its predicate, so the position is the name.
	b, ok := (*node).(*ast.BuiltinNode)
	if !ok || f.found != nil {
		return
	}
	for _, arg := range b.Arguments {
		if _, ok := arg.(*ast.PredicateNode); ok {
			f.found = b
		}
	}
}

// checkLength enforces MaxLength, pointing at the first character too many.
func checkLength(src string) error {
	n := utf8.RuneCountInString(src)
	if n <= MaxLength {
		return nil
	}
	return &file.Error{
		Location: file.Location{From: MaxLength, To: n},
		Message:  fmt.Sprintf("the condition is %d characters long; the limit is %d", n, MaxLength),
	}
}

// invalid turns a compile error into the ValidationFailed error the API
// shows, with "line:column: what is wrong" in the message and the detail.
// expr's error adds only a source snippet to that, so it is not kept as the
// cause.
func (c *config) invalid(src string, err error) error {
	from, msg := -1, err.Error()
	var fe *file.Error
	if errors.As(err, &fe) {
		from, msg = fe.From, fe.Message
	}
	if from < 0 {
		// expr reports a wrongly typed result without a position; the
		// whole expression is at fault, so point at its start.
		from = strings.IndexFunc(src, func(r rune) bool { return !unicode.IsSpace(r) })
		from = utf8.RuneCountInString(src[:max(from, 0)])
	}
	line, col := position(src, from)
	where := fmt.Sprintf("%d:%d: %s", line, col, adminMessage(msg))
	return errcode.New(errcode.ValidationFailed, "invalid "+c.field+" at "+where).
		WithDetails(errcode.Detail{Field: c.field, Message: where})
}

// adminMessage rewords the expr messages an admin is likely to meet whose
// wording assumes a Go programmer; the rest are clear enough as they are.
func adminMessage(msg string) string {
	switch {
	case strings.HasPrefix(msg, "type ") && strings.Contains(msg, " has no field "):
		// expr spells out the whole Go struct type, tags and all.
		return "unknown field " + msg[strings.LastIndex(msg, " has no field ")+len(" has no field "):]
	case strings.Contains(msg, "exceeds maximum allowed nodes"):
		return fmt.Sprintf("the condition is too complex; the limit is %d names, values and operators", MaxNodes)
	case strings.HasPrefix(msg, "expected bool, but got "):
		got := strings.TrimPrefix(msg, "expected bool, but got ")
		if got == "interface {}" || got == "unknown" {
			return "the condition must be true or false, but its type is unknown; " +
				"compare it explicitly, for example item.attributes.vip == true"
		}
		return "the condition must be true or false, not " + got
	}
	return msg
}

// position converts a rune offset in src to a 1-based line and column, the
// way expr's own error positions count.
func position(src string, offset int) (line, col int) {
	line, col = 1, 1
	i := 0
	for _, r := range src {
		if i == offset {
			break
		}
		i++
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
