package rule_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/rule"
)

// env is what a routing rule sees: the new work item, its customer and the
// hour of day, the way the routing engine will provide them.
type env struct {
	Item struct {
		Channel    string         `expr:"channel"`
		Language   string         `expr:"language"`
		Attributes map[string]any `expr:"attributes"`
	} `expr:"item"`
	Customer struct {
		Tier string   `expr:"tier"`
		Tags []string `expr:"tags"`
	} `expr:"customer"`
	Hour int `expr:"hour"`
}

// vipChinese is a VIP customer writing in Chinese on web chat at 10:00.
func vipChinese() *env {
	e := &env{Hour: 10}
	e.Item.Channel = "webchat"
	e.Item.Language = "zh"
	e.Item.Attributes = map[string]any{"plan": "gold", "seats": 40, "trial": false}
	e.Customer.Tier = "vip"
	e.Customer.Tags = []string{"reseller", "apac"}
	return e
}

func compile(t testing.TB, src string) *rule.Condition {
	t.Helper()
	c, err := rule.Compile(src, env{})
	require.NoError(t, err, src)
	return c
}

func TestEval(t *testing.T) {
	t.Parallel()

	tests := []struct {
		src  string
		want bool
	}{
		{`customer.tier == "vip" && item.language == "zh"`, true},
		{`customer.tier == "vip" && item.language == "en"`, false},
		{`customer.tier != "vip" || hour >= 18`, false},
		{`item.channel in ["webchat", "whatsapp"]`, true},
		{`item.channel not in ["voice", "email"]`, true},
		{`"apac" in customer.tags`, true},
		{`"emea" in customer.tags`, false},
		{`item.channel startsWith "web" and item.channel endsWith "chat"`, true},
		{`item.channel contains "mail"`, false},
		{`item.channel matches "^(web|mobile)chat$"`, true},
		{`hour in 9..17`, true},
		{`hour >= 18 or hour < 8`, false},
		{`len(customer.tags) == 2`, true},
		{`any(customer.tags, # == "reseller")`, true},
		{`all(customer.tags, len(#) > 4)`, false},
		{`none(customer.tags, hasPrefix(#, "partner-"))`, true},
		{`count(customer.tags, upper(#) == "APAC") == 1`, true},
		{`item.attributes.plan == "gold"`, true},
		{`item.attributes.plan in ["silver", "bronze"]`, false},
		{`item.attributes.seats > 25`, true},
		{`item.attributes.trial == false`, true},
		{`"plan" in item.attributes`, true},
		// A missing key reads as nil, so comparisons are simply false.
		{`item.attributes.region == "eu"`, false},
		{`item.attributes.region != nil`, false},
		{`"region" in item.attributes`, false},
		{`(item.attributes.region ?? "none") == "none"`, true},
		{`item.attributes.region?.country == nil`, true},
		{"customer.tier == \"vip\"\n  && item.language == \"zh\"", true},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			got, err := compile(t, tt.src).Eval(vipChinese())
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestEvalNilMap(t *testing.T) {
	t.Parallel()

	// An item without attributes behaves like one with none.
	e := vipChinese()
	e.Item.Attributes = nil
	got, err := compile(t, `item.attributes.plan == "gold" || "plan" in item.attributes`).Eval(e)
	require.NoError(t, err)
	require.False(t, got)
}

func TestEvalValueOrPointer(t *testing.T) {
	t.Parallel()

	c, err := rule.Compile(`customer.tier == "vip"`, (*env)(nil))
	require.NoError(t, err, "a nil pointer describes the type")
	for _, e := range []any{vipChinese(), *vipChinese()} {
		got, err := c.Eval(e)
		require.NoError(t, err)
		require.True(t, got)
	}
}

func TestEvalWrongEnv(t *testing.T) {
	t.Parallel()

	type other struct {
		Tier string `expr:"tier"`
	}
	for _, c := range []*rule.Condition{compile(t, `hour > 8`), compile(t, "")} {
		_, err := c.Eval(&other{})
		require.ErrorIs(t, err, rule.ErrEnvType)
		_, err = c.Eval(nil)
		require.ErrorIs(t, err, rule.ErrEnvType)
		_, err = c.Eval((*env)(nil))
		require.ErrorContains(t, err, "nil")
	}
	_, err := (*rule.Condition)(nil).Eval(vipChinese())
	require.Error(t, err)
}

func TestEmptySourceAlwaysMatches(t *testing.T) {
	t.Parallel()

	for _, src := range []string{"", "  \n\t "} {
		c := compile(t, src)
		require.Equal(t, src, c.Source())
		got, err := c.Eval(&env{})
		require.NoError(t, err)
		require.True(t, got)
	}
}

func TestFirst(t *testing.T) {
	t.Parallel()

	conds := []*rule.Condition{
		compile(t, `customer.tier == "vip" && item.language == "en"`),
		compile(t, `customer.tier == "vip"`),
		compile(t, `item.language == "zh"`), // matches too, but comes later
		compile(t, ``),                      // the catch-all
	}
	i, err := rule.First(conds, vipChinese())
	require.NoError(t, err)
	require.Equal(t, 1, i, "first match wins")

	e := vipChinese()
	e.Customer.Tier = "standard"
	i, err = rule.First(conds, e)
	require.NoError(t, err)
	require.Equal(t, 2, i)

	e.Item.Language = "de"
	i, err = rule.First(conds, e)
	require.NoError(t, err)
	require.Equal(t, 3, i, "the empty condition catches the rest")

	i, err = rule.First(conds[:3], e)
	require.NoError(t, err)
	require.Equal(t, -1, i)

	i, err = rule.First(nil, e)
	require.NoError(t, err)
	require.Equal(t, -1, i)
}

func TestFirstRuntimeError(t *testing.T) {
	t.Parallel()

	conds := []*rule.Condition{
		// Compiles, since attributes are untyped, but nil > 10 fails when
		// the item has no seats.
		compile(t, `item.attributes.seats > 10`),
		compile(t, `item.language == "en"`),
		compile(t, `item.language == "zh"`),
	}
	e := vipChinese()
	delete(e.Item.Attributes, "seats")

	_, err := conds[0].Eval(e)
	require.ErrorContains(t, err, "<nil> > int")

	i, err := rule.First(conds, e)
	require.Equal(t, 2, i, "a failing condition does not match; evaluation goes on")
	require.ErrorContains(t, err, "condition 0: ")
	require.NotContains(t, err.Error(), "condition 1")

	i, err = rule.First(conds[:2], e)
	require.Equal(t, -1, i)
	require.ErrorContains(t, err, "condition 0: ")
}

func TestEvalMemoryBudget(t *testing.T) {
	t.Parallel()

	// A range this size would be allocated on every evaluation; the
	// memory budget refuses it.
	c := compile(t, `any(1..50000, # == hour)`)
	_, err := c.Eval(vipChinese())
	require.ErrorContains(t, err, "memory budget exceeded")

	got, err := compile(t, `any(1..24, # == hour)`).Eval(vipChinese())
	require.NoError(t, err)
	require.True(t, got)
}

// TestTimeFromEnv shows how the number shield gets time: as an env field, so
// rules are deterministic, while expr's clock built-in is unavailable.
func TestTimeFromEnv(t *testing.T) {
	t.Parallel()

	type shield struct {
		Now   time.Time `expr:"now"`
		Since time.Time `expr:"since"`
	}
	c, err := rule.Compile(`now.Weekday().String() == "Saturday" && now - since > duration("720h")`, shield{})
	require.NoError(t, err)
	sat := time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC)
	got, err := c.Eval(shield{Now: sat, Since: sat.AddDate(0, -2, 0)})
	require.NoError(t, err)
	require.True(t, got)
	got, err = c.Eval(shield{Now: sat, Since: sat.AddDate(0, 0, -1)})
	require.NoError(t, err)
	require.False(t, got)

	_, err = rule.Compile(`now().Hour() > 8`, env{})
	requireInvalid(t, err, "1:1: unknown name now")
}

func TestConcurrentEval(t *testing.T) {
	t.Parallel()

	c := compile(t, `customer.tier == "vip" && item.attributes.seats > 25 && any(customer.tags, # == "apac")`)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			e := vipChinese()
			e.Item.Attributes["seats"] = g * 10 // 0..70: 25 splits the goroutines
			for range 500 {
				got, err := c.Eval(e)
				if err != nil || got != (g*10 > 25) {
					errs <- fmt.Errorf("goroutine %d: got %v, %w", g, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func BenchmarkEval(b *testing.B) {
	c := compile(b, `customer.tier == "vip" && item.language == "zh"`)
	e := vipChinese()
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := c.Eval(e); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkFirst(b *testing.B) {
	// Ten rules of a realistic routing table; the last one matches.
	var conds []*rule.Condition
	for i := range 9 {
		conds = append(conds, compile(b, fmt.Sprintf(
			`customer.tier == "tier%d" && item.attributes.plan == "gold" && any(customer.tags, # == "apac")`, i)))
	}
	conds = append(conds, compile(b, `item.language == "zh"`))
	e := vipChinese()
	b.ReportAllocs()
	for b.Loop() {
		if i, err := rule.First(conds, e); i != 9 || err != nil {
			b.Fatal(i, err)
		}
	}
}

// requireInvalid checks that err is the ValidationFailed error an admin sees,
// naming the position and the problem.
func requireInvalid(t *testing.T, err error, want string) {
	t.Helper()
	var e *errcode.Error
	require.True(t, errors.As(err, &e), "want an *errcode.Error, got %v", err)
	require.Same(t, errcode.ValidationFailed, e.Code)
	require.Contains(t, e.Message, want)
	require.Len(t, e.Details, 1)
	require.Equal(t, "condition", e.Details[0].Field)
	require.Contains(t, e.Details[0].Message, want)
	require.True(t, strings.HasPrefix(e.Message, "invalid condition at "), e.Message)
}
