package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// The two migration folders (internal/store/sqlite/migrations and
// internal/store/postgres/migrations) describe one schema in two dialects.
// This test migrates both backends and compares what they built: tables,
// columns (name, kind, NOT NULL, whether they have a default), primary
// keys, indexes (uniqueness and what they index), foreign keys (with their
// ON DELETE rule) and how many CHECK constraints each table has.

// column is one column, in dialect-neutral terms.
type column struct {
	Kind       string // int, text, bytes, float, bool
	NotNull    bool
	HasDefault bool
}

// table is one table's shape.
type table struct {
	Columns     map[string]column
	PrimaryKey  []string
	Indexes     []string // "unique (lower(email))" ..., sorted; primary keys excluded
	ForeignKeys []string // "user_id -> users(id) on delete cascade", sorted
	Checks      int
}

// sqlDB is what both backends give tests.
type sqlDB interface{ SQLDB() *sql.DB }

func TestBackendsBuildTheSameSchema(t *testing.T) {
	ctx := t.Context()
	lite := sqliteSchema(t, ctx, storetest.SQLite(t).(sqlDB).SQLDB())
	pg := postgresSchema(t, ctx, storetest.Postgres(t).(sqlDB).SQLDB())
	if len(lite) < 10 {
		t.Fatalf("only %d SQLite tables read: the reader is broken", len(lite))
	}
	if diff := cmp.Diff(lite, pg); diff != "" {
		t.Errorf("the SQLite (-) and PostgreSQL (+) schemas differ: keep both migration folders in step\n%s", diff)
	}
}

// kinds maps declared types of either dialect to one kind.
var kinds = map[string]string{
	"integer": "int", "bigint": "int", "smallint": "int", "int": "int",
	"text": "text", "character varying": "text", "varchar": "text",
	"blob": "bytes", "bytea": "bytes",
	"real": "float", "double precision": "float",
	"boolean": "bool",
}

func kindOf(t *testing.T, typ string) string {
	t.Helper()
	k, ok := kinds[strings.ToLower(strings.TrimSpace(typ))]
	if !ok {
		t.Fatalf("column type %q: add it to the parity test's kinds", typ)
	}
	return k
}

// skipTables are the migration tool's own.
var skipTables = map[string]bool{"goose_db_version": true, "sqlite_sequence": true}

// normIndex reduces an index's definition to what it indexes: "unique
// (lower(email))" or "(course_id, id) where ...".
var (
	indexOn    = regexp.MustCompile(`(?is)\bON\s+\S+\s*(?:USING\s+\w+\s*)?(\(.*)$`)
	spaces     = regexp.MustCompile(`\s+`)
	pgCasts    = regexp.MustCompile(`::[a-z ]+`)
	opClasses  = regexp.MustCompile(`(?i)\s+\w+_pattern_ops\b`) // PostgreSQL-only operator classes (LIKE 'x%' on an index)
	outerParen = regexp.MustCompile(`^\((.*)\)$`)
)

func normIndex(unique bool, def string) string {
	m := indexOn.FindStringSubmatch(def)
	body := def
	if m != nil {
		body = m[1]
	}
	body = strings.ToLower(pgCasts.ReplaceAllString(opClasses.ReplaceAllString(body, ""), ""))
	body = strings.NewReplacer(`"`, "", "public.", "").Replace(body)
	body = spaces.ReplaceAllString(body, "")
	// PostgreSQL writes WHERE conditions in extra parentheses.
	if i := strings.Index(body, "where"); i >= 0 {
		cond := body[i+len("where"):]
		for {
			n := outerParen.ReplaceAllString(cond, "$1")
			if n == cond {
				break
			}
			cond = n
		}
		body = body[:i] + "where" + cond
	}
	if unique {
		return "unique " + body
	}
	return body
}

func sqliteSchema(t *testing.T, ctx context.Context, db *sql.DB) map[string]table {
	t.Helper()
	out := map[string]table{}
	names := queryStrings(t, ctx, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	for _, name := range names {
		if skipTables[name] {
			continue
		}
		tb := table{Columns: map[string]column{}}
		rows := query(t, ctx, db, `SELECT name, type, "notnull", dflt_value IS NOT NULL, pk FROM pragma_table_info(?) ORDER BY pk`, name)
		pk := map[int]string{}
		for rows.Next() {
			var col, typ string
			var notNull, hasDefault bool
			var pkPos int
			scan(t, rows, &col, &typ, &notNull, &hasDefault, &pkPos)
			if pkPos > 0 {
				pk[pkPos] = col
				notNull = true // PostgreSQL makes primary keys NOT NULL
			}
			tb.Columns[col] = column{Kind: kindOf(t, typ), NotNull: notNull, HasDefault: hasDefault}
		}
		for i := 1; i <= len(pk); i++ {
			tb.PrimaryKey = append(tb.PrimaryKey, pk[i])
		}
		rows = query(t, ctx, db, `SELECT name, "unique", origin FROM pragma_index_list(?)`, name)
		type idx struct {
			name, origin string
			unique       bool
		}
		var idxs []idx
		for rows.Next() {
			var x idx
			scan(t, rows, &x.name, &x.unique, &x.origin)
			idxs = append(idxs, x)
		}
		for _, x := range idxs {
			switch x.origin {
			case "pk":
				continue
			case "c": // CREATE INDEX: its SQL says what it indexes
				def := queryStrings(t, ctx, db, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, x.name)
				tb.Indexes = append(tb.Indexes, normIndex(x.unique, def[0]))
			default: // a UNIQUE constraint: list its columns
				cols := queryStrings(t, ctx, db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, x.name)
				tb.Indexes = append(tb.Indexes, normIndex(x.unique, "("+strings.Join(cols, ",")+")"))
			}
		}
		slices.Sort(tb.Indexes)
		rows = query(t, ctx, db, `SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?)`, name)
		for rows.Next() {
			var from, ref, to, onDelete string
			scan(t, rows, &from, &ref, &to, &onDelete)
			tb.ForeignKeys = append(tb.ForeignKeys, fmt.Sprintf("%s -> %s(%s) on delete %s", from, ref, to, strings.ToLower(onDelete)))
		}
		slices.Sort(tb.ForeignKeys)
		def := queryStrings(t, ctx, db, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, name)
		tb.Checks = strings.Count(strings.ToUpper(def[0]), "CHECK (") + strings.Count(strings.ToUpper(def[0]), "CHECK(")
		out[name] = tb
	}
	return out
}

// pgOnDelete names confdeltype's letters as SQLite does.
var pgOnDelete = map[string]string{"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}

func postgresSchema(t *testing.T, ctx context.Context, db *sql.DB) map[string]table {
	t.Helper()
	out := map[string]table{}
	names := queryStrings(t, ctx, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	for _, name := range names {
		if skipTables[name] {
			continue
		}
		tb := table{Columns: map[string]column{}}
		rows := query(t, ctx, db, `SELECT column_name, data_type, is_nullable = 'NO',
			column_default IS NOT NULL AND is_identity = 'NO' AND column_default NOT LIKE 'nextval(%'
			FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`, name)
		for rows.Next() {
			var col, typ string
			var notNull, hasDefault bool
			scan(t, rows, &col, &typ, &notNull, &hasDefault)
			tb.Columns[col] = column{Kind: kindOf(t, typ), NotNull: notNull, HasDefault: hasDefault}
		}
		tb.PrimaryKey = queryStrings(t, ctx, db, `SELECT a.attname FROM pg_constraint c
			JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) ON true
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
			WHERE c.contype = 'p' AND c.conrelid = to_regclass($1) ORDER BY k.n`, name)
		rows = query(t, ctx, db, `SELECT i.indisunique, pg_get_indexdef(i.indexrelid) FROM pg_index i
			WHERE i.indrelid = to_regclass($1) AND NOT i.indisprimary`, name)
		for rows.Next() {
			var unique bool
			var def string
			scan(t, rows, &unique, &def)
			tb.Indexes = append(tb.Indexes, normIndex(unique, def))
		}
		slices.Sort(tb.Indexes)
		rows = query(t, ctx, db, `SELECT a.attname, c.confrelid::regclass::text, fa.attname, c.confdeltype
			FROM pg_constraint c
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
			JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
			WHERE c.contype = 'f' AND c.conrelid = to_regclass($1)`, name)
		for rows.Next() {
			var from, ref, to, onDelete string
			scan(t, rows, &from, &ref, &to, &onDelete)
			ref = ref[strings.LastIndex(ref, ".")+1:]
			tb.ForeignKeys = append(tb.ForeignKeys, fmt.Sprintf("%s -> %s(%s) on delete %s", from, ref, to, pgOnDelete[onDelete]))
		}
		slices.Sort(tb.ForeignKeys)
		n := queryStrings(t, ctx, db, `SELECT count(*)::text FROM pg_constraint WHERE contype = 'c' AND conrelid = to_regclass($1)`, name)
		fmt.Sscan(n[0], &tb.Checks)
		out[name] = tb
	}
	return out
}

func query(t *testing.T, ctx context.Context, db *sql.DB, q string, args ...any) *sql.Rows {
	t.Helper()
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	t.Cleanup(func() { rows.Close() })
	return rows
}

func scan(t *testing.T, rows *sql.Rows, dest ...any) {
	t.Helper()
	if err := rows.Scan(dest...); err != nil {
		t.Fatal(err)
	}
}

func queryStrings(t *testing.T, ctx context.Context, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows := query(t, ctx, db, q, args...)
	var out []string
	for rows.Next() {
		var s string
		scan(t, rows, &s)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
