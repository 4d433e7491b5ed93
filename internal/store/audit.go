package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

type auditQueries struct {
	Insert string `query:"AuditInsert"`
	List   string `query:"AuditList"`
}

// Audit implements audit.Store.
type Audit struct {
	c     conn
	q     *auditQueries
	newID func() string
}

var _ audit.Store = (*Audit)(nil)

// Audit returns the transaction's audit store.
func (t *Tx) Audit() audit.Store { return t.s.Audit }

// Append implements audit.Store. An entry without an ID gets one.
func (s *Audit) Append(ctx context.Context, e *audit.Entry) error {
	if e.ID == "" {
		e.ID = s.newID()
	}
	details := []byte("{}")
	if len(e.Details) > 0 {
		var err error
		if details, err = json.Marshal(e.Details); err != nil {
			return wrap("append audit", err)
		}
	}
	_, err := s.c.write().Exec(ctx, s.q.Insert, e.ID, e.TenantID, e.ActorID, e.Action, e.TargetType, e.TargetID,
		e.IP, string(details), ms(e.At))
	return wrap("append audit", err)
}

// List implements audit.Store.
func (s *Audit) List(ctx context.Context, p *audit.ListParams) ([]*audit.Entry, error) {
	exact, prefix := p.Action, ""
	if strings.HasSuffix(p.Action, ".") {
		exact, prefix = "", p.Action+"%"
	}
	rows, err := s.c.read().Query(ctx, s.q.List, p.TenantID, p.Before, exact, prefix, p.ActorID, p.TargetID, limit(p.Limit))
	return collect(rows, err, scanAudit, "list audit")
}

func scanAudit(r sqldb.Row) (*audit.Entry, error) {
	var e audit.Entry
	var details string
	var at int64
	if err := r.Scan(&e.ID, &e.TenantID, &e.ActorID, &e.Action, &e.TargetType, &e.TargetID, &e.IP, &details, &at); err != nil {
		return nil, err
	}
	e.At = fromMS(at)
	if details != "{}" {
		if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
			return nil, err
		}
	}
	return &e, nil
}
