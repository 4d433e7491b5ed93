package app

import (
	"context"
	"fmt"

	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/shield"
	"github.com/switchboardhq/switchboard/internal/user"
)

// demoShield sets the demo tenant up for the number shield: extensions for
// the supervisor (1003, level 3), Alex (1001, a junior at level 1) and Li
// Wei (1002, a senior at level 2); a 95xxx hotline, two local numbers and
// two binding numbers; and rules that keep customers who asked not to be
// called from being called, keep VIP customers for senior agents, and show
// landlines a local number. Alex dialing a code for the VIP customer is
// refused with the rule's reason; Li Wei's call goes through.
func (a *App) demoShield(ctx context.Context, admin *permission.Principal, staff []string) error {
	for i, ext := range []string{"1003", "1001", "1002"} {
		level := []int{3, 1, 2}[i]
		if _, err := a.Users.Update(ctx, admin, staff[i], &user.UpdateParams{Extension: &ext, Level: &level}); err != nil {
			return fmt.Errorf("demo extension %s: %w", ext, err)
		}
	}
	for _, n := range []shield.NumberParams{
		{Number: "+8695079", Purpose: shield.PurposeHotline},
		{Number: "+861058880000", Purpose: shield.PurposeLocal},
		{Number: "+862158880000", Purpose: shield.PurposeLocal},
		{Number: "+8617100000001", Purpose: shield.PurposeBinding},
		{Number: "+8617100000002", Purpose: shield.PurposeBinding},
	} {
		if _, err := a.Shield.CreateNumber(ctx, admin, &n); err != nil {
			return fmt.Errorf("demo virtual number %s: %w", n.Number, err)
		}
	}
	for _, r := range []struct{ name, cond, outcome, reason, callerID string }{
		{"Do not contact", "customer.do_not_contact", "deny", "The customer asked not to be called", ""},
		{"VIP to seniors", `customer.tier == "vip" && agent.level < 2`, "deny", "VIP customers are served by senior agents", ""},
		{"Landlines see a local number", `number.type == "fixed"`, "allow", "", shield.CallerIDLocal},
	} {
		outcome := shield.Outcome(r.outcome)
		p := &shield.RuleParams{Name: &r.name, Condition: &r.cond, Outcome: &outcome, Reason: &r.reason, CallerID: &r.callerID}
		if _, err := a.Shield.CreateRule(ctx, admin, p); err != nil {
			return fmt.Errorf("demo shield rule %s: %w", r.name, err)
		}
	}
	return nil
}
