package app

import (
	"context"
	"errors"
	"fmt"
	"io"

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
// teams and three skills. If it exists already it is left as it is.
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
