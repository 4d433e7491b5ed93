package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/switchboardhq/switchboard/internal/cannedreply"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/inbox"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/routing"
	"github.com/switchboardhq/switchboard/internal/skill"
	"github.com/switchboardhq/switchboard/internal/team"
	"github.com/switchboardhq/switchboard/internal/tenant"
	"github.com/switchboardhq/switchboard/internal/user"
)

// DemoPassword is the password of every demo user. The demo tenant is for
// trying Switchboard on a laptop; never run --demo on a reachable server.
const DemoPassword = "switchboard-demo"

// DemoInfo describes the demo tenant's accounts.
type DemoInfo struct {
	TenantID string
	Accounts []DemoAccount
	// InboxKey is the demo web chat inbox's public key.
	InboxKey string
}

// DemoAccount is one demo login.
type DemoAccount struct {
	Role  permission.Role
	Email string
	Name  string
}

var demoAccounts = []DemoAccount{
	{permission.RoleAdmin, "admin@demo.example", "Ada Admin"},
	{permission.RoleSupervisor, "supervisor@demo.example", "Sam Supervisor"},
	{permission.RoleAgent, "agent1@demo.example", "Alex Agent"},
	{permission.RoleAgent, "agent2@demo.example", "Li Wei"},
}

// Demo creates the demo tenant with an admin, a supervisor, two agents, two
// teams, three skills, three canned replies and five customers. If it
// exists already it is left as it is.
func (a *App) Demo(ctx context.Context) (*DemoInfo, error) {
	info := &DemoInfo{Accounts: demoAccounts}
	if u, err := a.Stores.Users.GetByEmail(ctx, demoAccounts[0].Email); err == nil {
		info.TenantID = u.TenantID
		ibs, err := a.Stores.Inboxes.List(ctx, &inbox.ListParams{TenantID: u.TenantID, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(ibs) > 0 {
			info.InboxKey = ibs[0].Key
		}
		return info, nil
	} else if !errors.Is(err, user.ErrNotFound) {
		return nil, err
	}
	system := &permission.Principal{}
	c, err := a.Tenants.Create(ctx, system, &tenant.CreateParams{Name: "Demo Contact Center",
		AdminEmail: demoAccounts[0].Email, AdminPassword: DemoPassword, AdminName: demoAccounts[0].Name})
	if err != nil {
		return nil, err
	}
	info.TenantID = c.Tenant.ID
	admin := &permission.Principal{UserID: c.Admin.ID, TenantID: c.Tenant.ID, Role: permission.RoleAdmin,
		Perms: permission.RoleAdmin.Grants()}
	skills := map[string]*skill.Skill{}
	for _, s := range [][2]string{{"English", "Spoken and written English"}, {"Chinese", "Mandarin, spoken and written"}, {"Billing", "Invoices, refunds and payment questions"}} {
		sk, err := a.Skills.Create(ctx, admin, &skill.Params{Name: &s[0], Description: &s[1]})
		if err != nil {
			return nil, err
		}
		skills[s[0]] = sk
	}
	teams := map[string]*team.Team{}
	for _, t := range [][2]string{{"Support", "First-line customer support"}, {"Billing", "Payments and refunds"}} {
		tm, err := a.Teams.Create(ctx, admin, &team.Params{Name: &t[0], Description: &t[1]})
		if err != nil {
			return nil, err
		}
		teams[t[0]] = tm
	}
	if err := a.demoCannedReplies(ctx, admin); err != nil {
		return nil, err
	}
	people := []user.CreateParams{
		{TeamIDs: []string{teams["Support"].ID, teams["Billing"].ID}, Skills: []user.SkillLevel{{SkillID: skills["English"].ID, Level: 5}}},
		{TeamIDs: []string{teams["Support"].ID}, Skills: []user.SkillLevel{{SkillID: skills["English"].ID, Level: 4}, {SkillID: skills["Billing"].ID, Level: 3}}},
		{TeamIDs: []string{teams["Support"].ID, teams["Billing"].ID}, Skills: []user.SkillLevel{{SkillID: skills["Chinese"].ID, Level: 5}, {SkillID: skills["English"].ID, Level: 3}, {SkillID: skills["Billing"].ID, Level: 4}}},
	}
	members := []string{c.Admin.ID}
	for i, acc := range demoAccounts[1:] {
		p := people[i]
		p.Email, p.Name, p.Role, p.Password = acc.Email, acc.Name, acc.Role, DemoPassword
		u, err := a.Users.Create(ctx, admin, &p)
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", acc.Email, err)
		}
		members = append(members, u.User.ID)
	}
	if err := a.demoCustomers(ctx, admin, members[2], members[3]); err != nil {
		return nil, err
	}
	if err := a.demoShield(ctx, admin, members[1:]); err != nil {
		return nil, err
	}
	// One queue takes the website's chats; agents receive offers once they
	// set themselves available.
	qname := "Website"
	q, err := a.Routing.CreateQueue(ctx, admin, &routing.QueueParams{Name: &qname})
	if err != nil {
		return nil, fmt.Errorf("demo queue: %w", err)
	}
	name := "Website chat"
	settings := inbox.Settings{Greeting: "Hi! How can we help you today? / 您好！请问有什么可以帮您？",
		OfflineMessage: "No agent is online right now. Leave a message and we will answer soon. / 目前没有客服在线，请留言，我们会尽快回复。"}
	ib, err := a.Inboxes.Create(ctx, admin, &inbox.Params{Channel: inbox.ChannelWebchat, Name: &name, Settings: &settings,
		MemberIDs: &members, DefaultQueueID: &q.ID})
	if err != nil {
		return nil, fmt.Errorf("demo inbox: %w", err)
	}
	info.InboxKey = ib.Key
	return info, nil
}

// demoCannedReplies gives the demo tenant's agents a greeting, a thank-you
// and a goodbye to insert with /hello, /thanks and /bye.
func (a *App) demoCannedReplies(ctx context.Context, admin *permission.Principal) error {
	for _, r := range [][3]string{
		{"hello", "Greeting", "Hi {{customer.name}}, thanks for reaching out — I'm {{agent.first_name}}. How can I help?"},
		{"thanks", "Thank you", "Thank you for your patience, {{customer.name}}. Is there anything else I can help you with?"},
		{"bye", "Goodbye", "Glad I could help! If anything else comes up, just write to us here. Have a great day."},
	} {
		if _, err := a.CannedReplies.Create(ctx, admin, &cannedreply.Params{Shortcut: &r[0], Title: &r[1], Body: &r[2]}); err != nil {
			return fmt.Errorf("demo canned reply %s: %w", r[0], err)
		}
	}
	return nil
}

// demoCustomers gives the customer list something to show: five
// customers of every tier with (fictional) phone numbers and addresses,
// owned by the two agents.
func (a *App) demoCustomers(ctx context.Context, admin *permission.Principal, agent1, agent2 string) error {
	type demo struct {
		name, tier, phone, email, owner string
		tags                            []string
		attrs                           map[string]any
		consent                         map[string]bool
		doNotContact                    bool
	}
	for _, d := range []demo{
		{"王芳 Wang Fang", "vip", "+86 138 0013 8000", "wang.fang@example.cn", agent2, []string{"wholesale"},
			map[string]any{"city": "Shanghai", "account_manager": true}, map[string]bool{"calls": true, "recording": true}, false},
		{"Li Na", "senior", "+86 139 1234 5678", "li.na@example.cn", agent2, []string{"returning"},
			map[string]any{"city": "Beijing"}, map[string]bool{"calls": true, "marketing": false}, false},
		{"John Smith", "standard", "+1 415 555 2671", "john.smith@example.com", agent1, []string{"enterprise"},
			map[string]any{"plan": "business", "seats": 25}, map[string]bool{"email": true}, false},
		{"Zhang Wei", "standard", "186 1234 5678", "", agent1, nil, nil, map[string]bool{"sms": true}, false},
		{"María García", "standard", "+34 612 34 56 78", "maria.garcia@example.es", "", []string{"returning"}, nil, nil, true},
	} {
		p := &customer.Params{Name: &d.name, Tier: &d.tier, Phones: &[]string{d.phone}, OwnerID: &d.owner, Tags: &d.tags,
			Attributes: &d.attrs, Consent: &d.consent, DoNotContact: &d.doNotContact}
		if d.email != "" {
			p.Emails = &[]string{d.email}
		}
		if _, err := a.Customers.Create(ctx, admin, p); err != nil {
			return fmt.Errorf("demo customer %s: %w", d.name, err)
		}
	}
	return nil
}

// Print writes how to sign in to the demo tenant.
func (d *DemoInfo) Print(w io.Writer, baseURL string) {
	fmt.Fprintf(w, "\nDemo tenant ready at %s\n", baseURL)
	fmt.Fprintf(w, "Sign in with any of these accounts (password %q):\n", DemoPassword)
	for _, acc := range d.Accounts {
		fmt.Fprintf(w, "  %-11s %s\n", acc.Role, acc.Email)
	}
	if d.InboxKey != "" {
		fmt.Fprintf(w, "\nWeb chat demo page (chat as a customer): %s/widget/demo?inbox=%s\n", baseURL, d.InboxKey)
	}
	fmt.Fprintf(w, "\nFor example:\n  curl -s %s/api/v1/auth/login -d '{\"email\":\"%s\",\"password\":\"%s\"}'\n\n",
		baseURL, d.Accounts[0].Email, DemoPassword)
}
