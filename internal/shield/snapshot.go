package shield

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/internal/rule"
)

// Snapshot is one tenant's shield compiled for resolving: settings, the
// number pool by purpose, compiled rules in order, the lists as prefix
// tries and the live bindings by X. Everything but the binding index is
// read-only once built; the index changes in place (index.go).
type Snapshot struct {
	TenantID string
	Settings Settings
	// Region reads numbers written without a country code.
	Region string
	loc    *time.Location
	// hotline is the default caller ID: the first hotline number.
	hotline string
	// local maps country and area ("CN:10") to a local number.
	local    map[string]string
	numbers  map[string]*Number
	rules    []*compiledRule
	block    trie
	allow    trie
	bindings *bindingIndex
	parsed   numberCache
	agents   agentCache
	// BuiltAt is when the snapshot was read from the store.
	BuiltAt time.Time
}

// numberCache remembers what ParseNumber said of a number as dialed: the
// phone number library takes tens of microseconds to classify one (its
// regular expressions), most of a decision's cost, and the same customers
// and parties are called again and again.
type numberCache struct {
	mu sync.RWMutex
	m  map[string]*NumberInfo // nil: not a number
}

// agentCache remembers the tenant's agents by extension (nil for none),
// saving a database read per call. A change to a user, team or skill
// rebuilds the snapshot, and so empties it (ADR 0020).
type agentCache struct {
	mu sync.RWMutex
	m  map[string]*Agent
}

// agent returns the agent with this extension, read once per snapshot.
// ErrUnknownAgent.
func (s *Snapshot) agent(ctx context.Context, src Agents, ext string) (*Agent, error) {
	c := &s.agents
	c.mu.RLock()
	a, ok := c.m[ext]
	c.mu.RUnlock()
	if !ok {
		var err error
		a, err = src.AgentByExtension(ctx, s.TenantID, ext)
		if err != nil && !errors.Is(err, ErrUnknownAgent) {
			return nil, err
		}
		c.mu.Lock()
		if c.m == nil || len(c.m) >= maxCachedNumbers {
			c.m = map[string]*Agent{}
		}
		c.m[ext] = a
		c.mu.Unlock()
	}
	if a == nil {
		return nil, ErrUnknownAgent
	}
	return a, nil
}

// maxCachedNumbers bounds a snapshot's caches; a full one starts over.
const maxCachedNumbers = 65536

// parse is ParseNumber in the tenant's region, cached. The result is
// shared: callers must not change it.
func (s *Snapshot) parse(raw string) (*NumberInfo, bool) {
	c := &s.parsed
	c.mu.RLock()
	info, ok := c.m[raw]
	c.mu.RUnlock()
	if ok {
		return info, info != nil
	}
	info, _ = ParseNumber(raw, s.Region)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedNumbers {
		c.m = make(map[string]*NumberInfo, 1024)
	}
	c.m[raw] = info
	c.mu.Unlock()
	return info, info != nil
}

type compiledRule struct {
	*Rule
	cond *rule.Condition
}

// SnapshotData is what a snapshot is built from.
type SnapshotData struct {
	Settings *Settings
	Region   string
	Numbers  []*Number
	Rules    []*Rule // in position order
	Entries  []*ListEntry
	Bindings []*Binding
}

// Build compiles a tenant's shield. A stored rule that no longer compiles
// fails the build: skipping it could let through a call it should deny.
func Build(d *SnapshotData, builtAt time.Time) (*Snapshot, error) {
	s := &Snapshot{TenantID: d.Settings.TenantID, Settings: *d.Settings, Region: d.Region, local: map[string]string{},
		numbers: map[string]*Number{}, bindings: newBindingIndex(d.Bindings), BuiltAt: builtAt}
	loc, err := time.LoadLocation(d.Settings.Timezone)
	if err != nil {
		return nil, fmt.Errorf("shield: time zone %q: %w", d.Settings.Timezone, err)
	}
	s.loc = loc
	for _, n := range d.Numbers {
		s.numbers[n.Number] = n
		switch n.Purpose {
		case PurposeHotline:
			if s.hotline == "" {
				s.hotline = n.Number
			}
		case PurposeLocal:
			info, _ := ParseNumber(n.Number, "")
			if key := areaKey(info, n.Area); key != "" && s.local[key] == "" {
				s.local[key] = n.Number
			}
		}
	}
	for _, r := range d.Rules {
		c, err := rule.Compile(r.Condition, Env{})
		if err != nil {
			return nil, fmt.Errorf("shield: stored rule %s: %w", r.ID, err)
		}
		s.rules = append(s.rules, &compiledRule{Rule: r, cond: c})
	}
	for _, e := range d.Entries {
		if e.List == ListBlock {
			s.block.add(e)
		} else {
			s.allow.add(e)
		}
	}
	return s, nil
}

// areaKey is the key of a number's area in Snapshot.local; area overrides
// the one the number's own digits give.
func areaKey(info *NumberInfo, area string) string {
	if info == nil {
		return ""
	}
	if area == "" {
		area = info.Area
	}
	if area == "" {
		return ""
	}
	return info.Country + ":" + area
}

// callerID picks the number the callee sees: choice is "" or "hotline"
// (the hotline), "local" (the local number of dest's area, else the
// hotline) or a virtual number. "" when there is no such number.
func (s *Snapshot) callerID(choice string, dest *NumberInfo) string {
	switch choice {
	case "", CallerIDHotline:
		return s.hotline
	case CallerIDLocal:
		if n := s.local[areaKey(dest, "")]; n != "" {
			return n
		}
		return s.hotline
	}
	if _, ok := s.numbers[choice]; ok {
		return choice
	}
	return ""
}

// listed checks the lists: the block list always refuses (reason names the
// list), and a non-empty allow list refuses what it does not hold.
func (s *Snapshot) listed(number string) (reason string, entry *ListEntry) {
	if e := s.block.longest(number); e != nil {
		return "the number is on the block list", e
	}
	if s.allow.size > 0 {
		if e := s.allow.longest(number); e != nil {
			return "", e
		}
		return "the number is not on the allow list", nil
	}
	return "", nil
}

// PutBinding adds or replaces a binding in the snapshot's index.
func (s *Snapshot) PutBinding(b *Binding) { s.bindings.put(b) }

// RemoveBinding drops a binding from the snapshot's index.
func (s *Snapshot) RemoveBinding(id string) { s.bindings.remove(id) }
