package sqldb

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"strings"
)

// A query file holds named blocks:
//
//	-- name: UserGet
//	SELECT … FROM users WHERE tenant_id = $1 AND id = $2;
//
// Placeholders are written PostgreSQL-style ($1, $2, …); for SQLite they are
// rewritten to ?1, ?2, … which binds by number, so a placeholder may repeat.
// A file under <dir>/<dialect>/ overrides blocks of the same name for that
// engine only: that is where non-portable SQL goes.

var placeholder = regexp.MustCompile(`\$(\d+)`)

// Load fills the string fields of dst, a pointer to a struct whose fields are
// tagged `query:"Name"`, with the named blocks for dialect from dir in fsys.
// Every tagged field must be found, so a typo fails at start-up, not on the
// first call.
func Load(fsys fs.FS, dir, dialect string, dst any) error {
	blocks, err := parseDir(fsys, dir)
	if err != nil {
		return err
	}
	if over, err := parseDir(fsys, path.Join(dir, dialect)); err == nil {
		for k, v := range over {
			blocks[k] = v
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	for i := range t.NumField() {
		name := t.Field(i).Tag.Get("query")
		if name == "" {
			continue
		}
		q, ok := blocks[name]
		if !ok {
			return fmt.Errorf("sqldb: query %q not found in %s", name, dir)
		}
		if dialect == "sqlite" {
			q = placeholder.ReplaceAllString(q, "?$1")
		}
		v.Field(i).SetString(q)
	}
	return nil
}

func parseDir(fsys fs.FS, dir string) (map[string]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	blocks := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		if err := parseFile(fsys, path.Join(dir, e.Name()), blocks); err != nil {
			return nil, err
		}
	}
	return blocks, nil
}

func parseFile(fsys fs.FS, name string, into map[string]string) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	var cur string
	var b strings.Builder
	flush := func() error {
		if cur == "" {
			return nil
		}
		if _, dup := into[cur]; dup {
			return fmt.Errorf("sqldb: %s: query %q defined twice", name, cur)
		}
		into[cur] = strings.TrimSpace(b.String())
		b.Reset()
		return nil
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			if err := flush(); err != nil {
				return err
			}
			cur = strings.TrimSpace(n)
			continue
		}
		if cur != "" && !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return flush()
}
