package rule_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/rule"
)

func TestCompileErrors(t *testing.T) {
	t.Parallel()

	tooLong := `item.channel == "` + strings.Repeat("x", rule.MaxLength) + `"`
	// Each "hour<1||" adds four nodes: identifier, literal, < and ||.
	tooComplex := strings.Repeat("hour<1||", rule.MaxNodes/4) + "hour<1"
	tests := []struct {
		name, src, want string
	}{
		{"unknown name", `custmer.tier == "vip"`, "1:1: unknown name custmer"},
		{"unknown field", `customer.tir == "vip"`, "1:10: unknown field tir"},
		{"type mismatch", `customer.tier == 1`, "1:15: invalid operation: == (mismatched types string and int)"},
		{"not a boolean", `1 + 2`, "1:1: the condition must be true or false, not int"},
		{"sequence", `hour == 1; hour == 2`, "1:17: a condition is one expression"},
		{"not a boolean after spaces", "\n  customer.tags", "2:3: the condition must be true or false, not []string"},
		{"untyped result", `item.attributes.vip`, "1:1: the condition must be true or false, but its type is unknown"},
		{"syntax error", `customer.tier == "vip" &&`, "1:25: unexpected token EOF"},
		{"syntax error on line 2", "customer.tier == \"vip\"\n  && item.language = \"zh\"", "2:20: unexpected token"},
		{"bad regexp", `item.channel matches "[a-"`, "1:14: error parsing regexp"},
		{"variable regexp", `item.channel matches item.language`, "1:14: the pattern after matches must be a quoted string"},
		{"nested predicates", `any(customer.tags, all(customer.tags, # != ""))`, "1:20: any, all, none, one, filter, count and find cannot be used inside one another"},
		{"let", `let t = customer.tier; t == "vip"`, "1:5: let is not allowed"},
		{"clock", `now().Hour() > 8`, "1:1: unknown name now"},
		{"disabled builtin", `repeat(item.channel, 2) == "chatchat"`, "1:1: unknown name repeat"},
		{"too long", tooLong, "1:2001: the condition is 2018 characters long; the limit is 2000"},
		{"too complex", tooComplex, "the condition is too complex; the limit is 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := rule.Compile(tt.src, env{})
			require.Nil(t, c)
			requireInvalid(t, err, tt.want)
		})
	}
}

func TestCompileTooComplexPosition(t *testing.T) {
	t.Parallel()

	_, err := rule.Compile(strings.Repeat("hour<1||", rule.MaxNodes/4)+"hour<1", env{})
	var e *errcode.Error
	require.True(t, errors.As(err, &e))
	require.Regexp(t, `^invalid condition at 1:\d+: `, e.Message)
}

func TestCompileLimitsAreInclusive(t *testing.T) {
	t.Parallel()

	src := `item.channel == "` + strings.Repeat("x", rule.MaxLength-18) + `"`
	require.Len(t, src, rule.MaxLength)
	compile(t, src)
	compile(t, strings.Repeat("hour<1||", (rule.MaxNodes-3)/4)+"hour<1")
}

func TestCompileField(t *testing.T) {
	t.Parallel()

	_, err := rule.Compile(`hour == "ten"`, env{}, rule.Field("rules[2].condition"))
	var e *errcode.Error
	require.True(t, errors.As(err, &e))
	require.Same(t, errcode.ValidationFailed, e.Code)
	require.Equal(t, []errcode.Detail{{
		Field:   "rules[2].condition",
		Message: "1:6: invalid operation: == (mismatched types int and string)",
	}}, e.Details)
	require.Equal(t, "invalid rules[2].condition at 1:6: invalid operation: == (mismatched types int and string)", e.Message)
}

func TestCompileEnvNotStruct(t *testing.T) {
	t.Parallel()

	for _, e := range []any{nil, map[string]any{}, 3, new(int)} {
		_, err := rule.Compile(`true`, e)
		require.ErrorContains(t, err, "env must be a struct")
		require.False(t, errcode.Has(err, errcode.ValidationFailed), "a programming error, not the admin's")
	}
}

// TestBuiltinsExist guards the allow-list against typos: enabling a name expr
// does not have is silently a no-op, so each allowed built-in must compile.
func TestBuiltinsExist(t *testing.T) {
	t.Parallel()

	for _, src := range []string{
		`len(customer.tags) > 0`,
		`all(customer.tags, # != "") && any(customer.tags, # == "a") && none(customer.tags, # == "b")`,
		`one(customer.tags, # == "a") && len(filter(customer.tags, # == "a")) == count(customer.tags, # == "a")`,
		`find(customer.tags, # == "a") == "a"`,
		`lower(trim(item.channel)) == upper(item.channel)`,
		`trimPrefix(item.channel, "web") == trimSuffix(item.channel, "chat")`,
		`hasPrefix(item.channel, "w") && hasSuffix(item.channel, "t")`,
		`indexOf(item.channel, "c") == lastIndexOf(item.channel, "c")`,
		`abs(hour) + ceil(1.5) + floor(1.5) + round(1.5) + min(1, 2) + max(1, 2) > 0`,
		`int("1") == 1 && float("1.5") == 1.5 && string(hour) == "10" && type(hour) == "int"`,
		`len(keys(item.attributes)) == len(values(item.attributes))`,
		`first(customer.tags) != last(customer.tags) && get(item.attributes, "plan") != nil`,
		`duration("1h") > duration("30m")`,
	} {
		compile(t, src)
	}
}
