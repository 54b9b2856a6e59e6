package grades

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/lyceumhq/lyceum/internal/csvin"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// CSV columns and limits.
const (
	colUsername     = "username"
	colName         = "name"
	colTotal        = "total %"
	colLetter       = "letter"
	excusedMark     = "EX" // an excused grade in a CSV cell
	MaxImportBytes  = 4 << 20
	MaxImportRows   = 10_000
	ImportSourceCSV = "import"
)

var importFormat = csvin.Format{Noun: "grades", MaxBytes: MaxImportBytes, MaxRows: MaxImportRows,
	Aliases: map[string]string{"user": colUsername, "login": colUsername, "email": colUsername, "e-mail": colUsername,
		"full name": colName, "total": colTotal, "course total": colTotal}}

// ExportCSV writes the gradebook as CSV (ActViewGrades): a row per learner
// with username, name, a column per item (named by its title; excused
// grades as EX, overrides as the points that count), the total percentage
// and the letter. Cells that a spreadsheet would run as a formula are
// prefixed with an apostrophe.
func (s *Service) ExportCSV(ctx context.Context, actor *lms.User, courseID int64, w io.Writer) error {
	b, err := s.Book(ctx, actor, courseID)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := []string{colUsername, colName}
	for _, it := range b.Items {
		head = append(head, safeCell(it.Title))
	}
	head = append(head, colTotal, colLetter)
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, r := range b.Rows {
		rec := []string{safeCell(r.Username), safeCell(r.Name)}
		for _, it := range b.Items {
			rec = append(rec, cell(r.Grades[it.ID]))
		}
		total := ""
		if r.Totals.Counted {
			total = strconv.FormatFloat(r.Totals.Percent, 'f', 2, 64)
		}
		rec = append(rec, total, safeCell(r.Totals.Letter))
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell is a grade as a CSV cell.
func cell(g *lms.Grade) string {
	if g != nil && g.Excused {
		return excusedMark
	}
	if p, ok := g.Effective(); ok {
		return strconv.FormatFloat(p, 'f', -1, 64)
	}
	return ""
}

// safeCell defuses text a spreadsheet would read as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ImportOptions say how to import grades.
type ImportOptions struct {
	// DryRun plans and reports without writing anything (the preview).
	DryRun bool
	// ValidOnly imports the rows without problems; without it a file with
	// any problem imports nothing.
	ValidOnly bool
	// Release shows the imported grades to the learners.
	Release bool
}

// Problem is one reason a row (or one of its cells) cannot be imported.
type Problem struct {
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

// ImportRow is what one line of the file does.
type ImportRow struct {
	Line     int       `json:"line"`
	Login    string    `json:"login"`
	UserID   int64     `json:"user_id,omitzero"`
	Changes  int       `json:"changes"` // grades this row changes
	Problems []Problem `json:"problems,omitempty"`
	edits    map[int64]GradeEdit
}

// ImportReport is the preview or the result of an import.
type ImportReport struct {
	Items   []*lms.GradeItem `json:"items"` // the manual items the file's columns name
	Rows    []ImportRow      `json:"rows"`
	Changes int              `json:"changes"` // grades changed (or to change) by rows without problems
	Errors  int              `json:"errors"`  // rows with problems
	Applied bool             `json:"applied"`
}

// ImportCSV reads manual grades from CSV (ActGrade): a username (or email)
// column and one column per manual item, named by its title; a cell is the
// points, EX for excused, or empty for no change; name, total and letter
// columns (as exported) are ignored. Every row is checked first; with
// DryRun the report is the preview. Otherwise the rows are applied in one
// transaction (all of them, or with ValidOnly those without problems), each
// change audited, and announced after the commit.
func (s *Service) ImportCSV(ctx context.Context, actor *lms.User, courseID int64, r io.Reader, o ImportOptions) (*ImportReport, error) {
	if _, err := s.access.Load(ctx, actor, courseID, lms.ActGrade); err != nil {
		return nil, err
	}
	t, err := csvin.Read(r, importFormat)
	if err != nil {
		return nil, err
	}
	rep, err := s.planImport(ctx, courseID, t, o)
	if err != nil {
		return nil, err
	}
	if o.DryRun || (rep.Errors > 0 && !o.ValidOnly) {
		return rep, nil
	}
	items := map[int64]*lms.GradeItem{}
	for _, it := range rep.Items {
		items[it.ID] = it
	}
	var changes []change
	err = s.store.InTx(ctx, func(st Store) error {
		changes = changes[:0]
		for _, row := range rep.Rows {
			if len(row.Problems) > 0 {
				continue
			}
			for itemID, e := range row.edits {
				_, changed, err := s.apply(ctx, st, actor, items[itemID], row.UserID, e, ImportSourceCSV)
				if err != nil {
					return err
				}
				if changed {
					changes = append(changes, change{courseID, row.UserID, itemID})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep.Applied = true
	s.announce(ctx, changes...)
	return rep, nil
}

// planImport checks every row against the course's items and learners.
func (s *Service) planImport(ctx context.Context, courseID int64, t *csvin.Table, o ImportOptions) (*ImportReport, error) {
	if !t.Has(colUsername) {
		return nil, lms.FieldError("file", "The first row must name the columns, with a username (or email) column.")
	}
	all, err := s.store.ListGradeItems(ctx, courseID)
	if err != nil {
		return nil, err
	}
	byTitle := map[string]*lms.GradeItem{}
	for _, it := range all {
		key := strings.ToLower(strings.TrimSpace(it.Title))
		if prev := byTitle[key]; prev == nil || it.Source == lms.GradeManual && prev.Source != lms.GradeManual {
			byTitle[key] = it
		}
	}
	rep := &ImportReport{Items: []*lms.GradeItem{}, Rows: []ImportRow{}}
	columns := map[string]*lms.GradeItem{}
	for _, c := range t.Columns() {
		switch c {
		case colUsername, colName, colTotal, colLetter, "":
			continue
		}
		it := byTitle[strings.TrimPrefix(c, "'")]
		switch {
		case it == nil:
			return nil, lms.FieldError("file", "The column %q names no item of the gradebook: add a manual item with that title first.", c)
		case it.Source != lms.GradeManual:
			return nil, lms.FieldError("file", "The column %q is graded by its %s: only manual items are imported.", c, it.Source)
		}
		columns[c] = it
		rep.Items = append(rep.Items, it)
	}
	people, err := learners(ctx, s.store, courseID)
	if err != nil {
		return nil, err
	}
	enrolled := map[int64]bool{}
	for _, e := range people {
		enrolled[e.UserID] = true
	}
	users, err := s.lookup(ctx, t)
	if err != nil {
		return nil, err
	}
	current, err := s.store.ListGrades(ctx, courseID, 0)
	if err != nil {
		return nil, err
	}
	have := map[[2]int64]*lms.Grade{}
	for _, g := range current {
		have[[2]int64{g.ItemID, g.UserID}] = g
	}
	seen := map[int64]int{}
	for _, rec := range t.Records {
		row := ImportRow{Line: rec.Line, edits: map[int64]GradeEdit{}}
		problem := func(col, format string, args ...any) {
			row.Problems = append(row.Problems, Problem{Column: col, Reason: fmt.Sprintf(format, args...)})
		}
		switch row.Login = t.Get(rec, colUsername); {
		case rec.Bad:
			problem("", "This line is not valid CSV.")
		case row.Login == "":
			problem(colUsername, "The username is missing.")
		case users[strings.ToLower(row.Login)] == nil:
			problem(colUsername, "No account has the username or email %q.", row.Login)
		default:
			u := users[strings.ToLower(row.Login)]
			switch {
			case !enrolled[u.ID]:
				problem(colUsername, "%s is not a learner of this course.", row.Login)
			case seen[u.ID] != 0:
				problem(colUsername, "Line %d already has grades for %s.", seen[u.ID], row.Login)
			default:
				row.UserID, seen[u.ID] = u.ID, rec.Line
			}
		}
		for col, it := range columns {
			v := t.Get(rec, col)
			e, ok := parseCell(v, it, o.Release)
			if !ok {
				problem(col, "%q is not a grade: write points from 0 to %g, %s for excused, or leave it empty.", v, it.MaxPoints, excusedMark)
				continue
			}
			if e != nil && row.UserID != 0 {
				row.edits[it.ID] = *e
				if changes(have[[2]int64{it.ID, row.UserID}], *e) {
					row.Changes++
				}
			}
		}
		if len(row.Problems) > 0 {
			rep.Errors++
			row.Changes = 0
		} else {
			rep.Changes += row.Changes
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep, nil
}

// parseCell reads one cell: nil for no change, false when it is no grade.
func parseCell(v string, it *lms.GradeItem, release bool) (*GradeEdit, bool) {
	if v == "" {
		return nil, true
	}
	yes, no := true, false
	e := &GradeEdit{Excused: &no}
	if release {
		e.Released = &yes
	}
	if strings.EqualFold(v, excusedMark) || strings.EqualFold(v, "excused") {
		e.Excused = &yes
		return e, true
	}
	p, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
	if err != nil || !lms.ValidPoints(p) || p > it.MaxPoints {
		return nil, false
	}
	e.Points = &p
	return e, true
}

// changes reports whether applying e would change g (nil: no grade yet).
func changes(g *lms.Grade, e GradeEdit) bool {
	if g == nil {
		g = &lms.Grade{}
	}
	return e.Points != nil && (!g.Graded || g.Points != *e.Points) ||
		e.Excused != nil && g.Excused != *e.Excused ||
		e.Released != nil && g.Released != *e.Released
}

// lookup finds the accounts the file names, by lower-cased login.
func (s *Service) lookup(ctx context.Context, t *csvin.Table) (map[string]*lms.User, error) {
	var logins []string
	for _, rec := range t.Records {
		if l := t.Get(rec, colUsername); l != "" {
			logins = append(logins, l)
		}
	}
	out := map[string]*lms.User{}
	for len(logins) > 0 {
		n := min(len(logins), store.MaxLoginsPerLookup)
		users, err := s.store.UsersByLogins(ctx, logins[:n])
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			out[strings.ToLower(u.Username)] = u
			out[strings.ToLower(u.Email)] = u
		}
		logins = logins[n:]
	}
	return out, nil
}
