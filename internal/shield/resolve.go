package shield

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// CodeParams ask for a dial code.
type CodeParams struct {
	CustomerID string
	// Reusable codes may be dialed again until they expire.
	Reusable bool
}

// codeDraws is how many codes IssueCode tries before giving up: with the
// shortest codes (10,000 per agent) a collision is already rare.
const codeDraws = 16

// IssueCode gives the calling agent a code that calls the customer when
// they dial it, valid for them only and for the tenant's code TTL. The
// code reveals nothing of the number.
func (s *Service) IssueCode(ctx context.Context, by *permission.Principal, p *CodeParams) (*DialCode, error) {
	// Through the memo: the code's first dial, seconds from now, needs
	// the same customer.
	c, err := s.src.Customers.Customer(ctx, by.TenantID, p.CustomerID)
	if err != nil {
		return nil, err
	}
	if len(c.Phones) == 0 {
		return nil, ErrCustomerNoPhone
	}
	set, err := s.cfg.Store.Settings(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	dc := &DialCode{TenantID: by.TenantID, AgentID: by.UserID, CustomerID: c.ID, Reusable: p.Reusable,
		CreatedAt: now, ExpiresAt: now.Add(time.Duration(set.CodeTTLSeconds) * time.Second)}
	for range codeDraws {
		if dc.Code, err = drawCode(s.cfg.Rand, set); err != nil {
			return nil, err
		}
		var created bool
		err := s.cfg.InTx(ctx, func(tx Tx) error {
			ok, err := tx.Shield().CreateCode(ctx, dc)
			if err != nil || !ok {
				return err
			}
			created = true
			// The code itself is not recorded: it is a credential while live.
			return audit.Record(ctx, tx, audit.By(by, ActionDialCode, "customer", c.ID, now).
				With(map[string]any{"reusable": dc.Reusable, "expires_at": dc.ExpiresAt}))
		})
		if err != nil {
			return nil, err
		}
		if created {
			s.warm(ctx, dc, c)
			return dc, nil
		}
	}
	return nil, errCodesUnavailable
}

// warm readies this node for a new code's first dial, which usually
// follows within seconds: a reusable code is kept as its first read would
// keep it, and the number the call will go to is read into the tenant's
// snapshot. (A one-time code is read on its dial all the same: a use on
// another node must count.) Another node dialing the code reads both.
func (s *Service) warm(ctx context.Context, dc *DialCode, c *Customer) {
	if dc.Reusable {
		s.lookups.codes.Put(codeKey(dc.TenantID, dc.AgentID, dc.Code), dc, s.lookups.codes.Epoch(), s.cfg.Now())
	}
	snap, err := s.cache.Get(ctx, dc.TenantID)
	if err != nil {
		return // the dial will build the snapshot and read the number
	}
	for _, p := range c.Phones {
		if _, ok := snap.parse(p); ok {
			return
		}
	}
}

// drawCode is the prefix and CodeLength random digits.
func drawCode(r io.Reader, set *Settings) (string, error) {
	var b [8]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("shield: dial code: %w", err)
	}
	limit := uint64(1)
	for range set.CodeLength {
		limit *= 10
	}
	// The modulo's bias is below 10⁶/2⁶⁴: negligible.
	n := binary.BigEndian.Uint64(b[:]) % limit
	return set.CodePrefix + fmt.Sprintf("%0*d", set.CodeLength, n), nil
}

// ResolveParams are a PBX's question.
type ResolveParams struct {
	Caller, Dialed, CallID string
}

// Resolve decides a call and queues its record; it does not wait for the
// record to be stored.
func (s *Service) Resolve(ctx context.Context, by *permission.Principal, p *ResolveParams) (*Answer, error) {
	snap, err := s.cache.Get(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	res, err := snap.Resolve(ctx, s.src, &Request{Caller: p.Caller, Dialed: p.Dialed, CallID: p.CallID, At: now})
	if err != nil {
		return nil, err
	}
	if res.RuleErrors != nil {
		s.cfg.Logger.WarnContext(ctx, "shield: rules failed while deciding a call", "tenant_id", by.TenantID, "err", res.RuleErrors)
	}
	d := &res.Decision
	d.ID, d.ActorID = s.cfg.NewID(), by.UserID
	e := &Entry{Decision: d, UseCode: res.UseCode, LastCaller: res.LastCaller}
	if dc := res.UseCode; dc != nil {
		s.used.add(by.TenantID, dc.AgentID, dc.Code, dc.ExpiresAt, now)
	}
	if b := res.Binding; b != nil {
		e.BindingID = b.ID
		e.Events = []event.Event{{Subject: EventCall, TenantID: by.TenantID, At: now,
			Data: CallEvent{Type: "attempt", BindingID: b.ID, ExternalID: b.ExternalID, CallID: p.CallID,
				Action: res.Answer.Action, Code: res.Answer.Code}}}
	}
	if err := s.cfg.Log.Add(ctx, e); err != nil {
		return nil, err
	}
	return &res.Answer, nil
}

// Decisions lists a page of the caller's tenant's decisions, newest first.
func (s *Service) Decisions(ctx context.Context, by *permission.Principal, p DecisionListParams) ([]*Decision, error) {
	p.TenantID = by.TenantID
	return s.cfg.Store.Decisions(ctx, &p)
}

// usedCodes remembers the one-time codes this node saw used, until their
// use is stored: the decision log writes it a moment later.
type usedCodes struct {
	mu   sync.Mutex
	m    map[string]time.Time // key → the code's expiry
	next int                  // size at which expired keys are swept
}

func newUsedCodes() *usedCodes { return &usedCodes{m: map[string]time.Time{}, next: 1024} }

func usedKey(tenantID, agentID, code string) string {
	return tenantID + "|" + agentID + "|" + code
}

func (u *usedCodes) add(tenantID, agentID, code string, expires, now time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.m[usedKey(tenantID, agentID, code)] = expires
	if len(u.m) < u.next {
		return
	}
	for k, exp := range u.m {
		if !now.Before(exp) {
			delete(u.m, k)
		}
	}
	u.next = max(1024, 2*len(u.m))
}

func (u *usedCodes) has(tenantID, agentID, code string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	_, ok := u.m[usedKey(tenantID, agentID, code)]
	return ok
}
