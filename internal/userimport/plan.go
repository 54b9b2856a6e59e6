package userimport

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/csvin"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Columns of an import file.
const (
	colEmail    = "email"
	colUsername = "username"
	colName     = "name"
	colPassword = "password"
	colCourse   = "course"
	colRole     = "role"
)

var (
	requiredColumns = []string{colEmail, colUsername, colName}
	knownColumns    = []string{colEmail, colUsername, colName, colPassword, colCourse, colRole}
	fileFormat      = csvin.Format{Noun: "user list", MaxBytes: MaxFileBytes, MaxRows: MaxRows,
		Aliases: map[string]string{"e-mail": colEmail, "course_id": colCourse, "course id": colCourse,
			"full name": colName, "display name": colName}}
)

// checkColumns refuses files without the required columns or with columns
// it does not know (a misspelt "pasword" must not quietly become links).
func checkColumns(t *csvin.Table) error {
	for _, c := range t.Columns() {
		if c != "" && !slices.Contains(knownColumns, c) {
			return lms.FieldError("file", "Unknown column %q: the columns are %s.", c, strings.Join(knownColumns, ", "))
		}
	}
	for _, c := range requiredColumns {
		if !t.Has(c) {
			return lms.FieldError("file", "The first row must name the columns, with at least email, username and name (missing: %s).", c)
		}
	}
	return nil
}

// account is one account the file names, on one or more rows.
type account struct {
	line     int       // the first row naming it
	user     *lms.User // the existing account, or the one to create (ID 0 until created)
	existing bool
	bad      bool   // its first row has problems: its other rows are not imported either
	name     string // the name on the first row ("" when not given)
	password string // the password on the first row (new accounts; "" gets a link)
	rename   bool   // update the existing account's name to name
	link     bool   // issue a set-password link
	courses  map[int64]int
	token    string // the set-password link token, once applied
}

// planner holds what planning has seen so far.
type planner struct {
	s          *Service
	o          Options
	t          *csvin.Table
	byEmail    map[string]*account // lower-cased email -> account
	byUsername map[string]*account
	courses    map[int64]*lms.Course // looked-up courses; nil value: no such course
	// Existing accounts named by the file, loaded before planning.
	usersByEmail, usersByName map[string]*lms.User // lower-cased email / username -> account
}

// plan decides what every row does, reading the store but writing nothing.
func (s *Service) plan(ctx context.Context, t *csvin.Table, o Options) (*Report, error) {
	p := &planner{s: s, o: o, t: t, byEmail: map[string]*account{}, byUsername: map[string]*account{},
		courses: map[int64]*lms.Course{}}
	if err := p.loadUsers(ctx); err != nil {
		return nil, err
	}
	rep := &Report{Rows: make([]Row, 0, len(t.Records))}
	for i, rec := range t.Records {
		row, err := p.row(ctx, rec)
		if err != nil {
			return nil, err
		}
		rep.Rows = append(rep.Rows, row)
		o.report(StageCheck, i+1, len(t.Records))
	}
	for _, row := range rep.Rows {
		switch row.Action {
		case ActionCreate:
			rep.Create++
		case ActionUpdate:
			rep.Update++
		case ActionEnrol:
			rep.Enrol++
		case ActionSkip:
			rep.Skip++
		case ActionError:
			rep.Errors++
		}
		if row.Action != ActionError && (row.Enrolment == course.RowEnrol || row.Enrolment == course.RowUpdate) {
			rep.Enrolments++
		}
	}
	return rep, nil
}

// row plans one record. Only store failures are errors.
func (p *planner) row(ctx context.Context, rec csvin.Record) (Row, error) {
	t := p.t
	row := Row{Line: rec.Line, Action: ActionError}
	if rec.Bad {
		row.Problems = []Problem{{Reason: "This line is not valid CSV."}}
		return row, nil
	}
	row.Email, row.Username, row.Name = t.Get(rec, colEmail), t.Get(rec, colUsername), t.Get(rec, colName)
	password := t.Get(rec, colPassword)
	problem := func(field string, err error) {
		row.Problems = append(row.Problems, Problem{Field: field, Reason: lms.ErrorMessage(err)})
	}
	// Clean values replace the raw ones; a bad value is shown as written.
	clean := func(field string, v *string, fn func(string) (string, error)) bool {
		c, err := fn(*v)
		if err != nil {
			problem(field, err)
			return false
		}
		*v = c
		return true
	}
	named := clean(colEmail, &row.Email, auth.CleanEmail)
	named = clean(colUsername, &row.Username, auth.CleanUsername) && named
	if row.Name != "" {
		clean(colName, &row.Name, func(n string) (string, error) { return auth.CleanName(colName, n) })
	}
	if password != "" {
		if err := auth.ValidatePassword(colPassword, password); err != nil {
			problem(colPassword, err)
		}
	}
	if err := p.course(ctx, &row, t.Get(rec, colCourse), t.Get(rec, colRole)); err != nil {
		return row, err
	}
	if !named {
		return row, nil // no account to speak of
	}
	a, first, err := p.account(ctx, &row, password)
	if err != nil || a == nil {
		return row, err
	}
	row.acct = a
	if first {
		if len(row.Problems) > 0 {
			a.bad = true
			row.Account, row.Password = "", ""
			return row, nil
		}
	} else if a.bad {
		row.Problems = append(row.Problems, Problem{Reason: fmt.Sprintf("Line %d, which names this account first, has problems.", a.line)})
	}
	if row.CourseID != 0 {
		if line, dup := a.courses[row.CourseID]; dup {
			row.Problems = append(row.Problems, Problem{Field: colCourse,
				Reason: fmt.Sprintf("Line %d already enrols this account in this course.", line)})
		} else if len(row.Problems) == 0 {
			a.courses[row.CourseID] = row.Line
			if err := p.enrolment(ctx, &row, a); err != nil {
				return row, err
			}
		}
	}
	if len(row.Problems) > 0 {
		row.Account, row.Password, row.Enrolment = "", "", ""
		return row, nil
	}
	row.UserID = a.user.ID
	switch {
	case first && !a.existing:
		row.Action = ActionCreate
	case first && a.rename || first && a.link:
		row.Action = ActionUpdate
	case row.Enrolment == course.RowEnrol || row.Enrolment == course.RowUpdate:
		row.Action = ActionEnrol
	default:
		row.Action = ActionSkip
	}
	return row, nil
}

// course reads the course and role columns into row.
func (p *planner) course(ctx context.Context, row *Row, id, role string) error {
	if id == "" {
		if role != "" {
			row.Problems = append(row.Problems, Problem{Field: colRole, Reason: "A role needs a course: add the course id."})
		}
		return nil
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		row.Problems = append(row.Problems, Problem{Field: colCourse, Reason: fmt.Sprintf("%q is not a course id (a number).", id)})
		return nil
	}
	c, seen := p.courses[n]
	if !seen {
		c, err = p.s.store.CourseByID(ctx, n)
		if lms.IsCode(err, lms.ENOTFOUND) {
			c, err = nil, nil
		}
		if err != nil {
			return fmt.Errorf("userimport: course %d: %w", n, err)
		}
		p.courses[n] = c
	}
	if c == nil {
		row.Problems = append(row.Problems, Problem{Field: colCourse, Reason: fmt.Sprintf("No course has the id %d.", n)})
		return nil
	}
	row.CourseID, row.CourseTitle = c.ID, c.Title
	r, err := course.ParseImportRole(role)
	row.Role = r
	if err != nil {
		row.Problems = append(row.Problems, Problem{Field: colRole, Reason: lms.ErrorMessage(err)})
	}
	return nil
}

// account finds the account a row names: one named on an earlier row
// (first = false), else an existing one or a new one (first = true). It
// returns nil when the row contradicts another row or account.
func (p *planner) account(ctx context.Context, row *Row, password string) (a *account, first bool, err error) {
	email, username := strings.ToLower(row.Email), row.Username
	byEmail, byName := p.byEmail[email], p.byUsername[username]
	switch {
	case byEmail != nil && byEmail != byName:
		row.Problems = append(row.Problems, Problem{Field: colUsername,
			Reason: fmt.Sprintf("Line %d gives this email address the username %s.", byEmail.line, byEmail.user.Username)})
		return nil, false, nil
	case byName != nil && byEmail == nil:
		row.Problems = append(row.Problems, Problem{Field: colEmail,
			Reason: fmt.Sprintf("Line %d gives this username the email address %s.", byName.line, byName.user.Email)})
		return nil, false, nil
	case byEmail != nil:
		a := byEmail
		if row.Name != "" && a.name != "" && row.Name != a.name {
			row.Problems = append(row.Problems, Problem{Field: colName, Reason: fmt.Sprintf("Line %d gives this account another name.", a.line)})
		}
		if password != "" && password != a.password {
			row.Problems = append(row.Problems, Problem{Field: colPassword, Reason: fmt.Sprintf("Line %d gives this account another password.", a.line)})
		}
		return a, false, nil
	}
	if a = p.lookup(row, password); a == nil {
		return nil, true, nil
	}
	p.byEmail[email], p.byUsername[username] = a, a
	return a, true, nil
}

// lookup plans the first row of an account: an existing account (by email
// and username) or a new one.
func (p *planner) lookup(row *Row, password string) *account {
	byEmail, byName := p.usersByEmail[strings.ToLower(row.Email)], p.usersByName[row.Username]
	a := &account{line: row.Line, name: row.Name, courses: map[int64]int{}}
	switch {
	case byEmail == nil && byName == nil:
		a.user = &lms.User{Email: row.Email, Username: row.Username, Name: row.Name, Role: lms.SiteUser}
		a.password = password
		a.link = password == ""
		row.Account = "create"
		row.Password = map[bool]string{true: "link", false: "given"}[a.link]
		if row.Name == "" {
			row.Problems = append(row.Problems, Problem{Field: colName, Reason: "The name is required for a new account."})
		}
		return a
	case byEmail != nil && (byName == nil || byName.ID != byEmail.ID):
		row.Problems = append(row.Problems, Problem{Field: colUsername,
			Reason: fmt.Sprintf("This email address belongs to the account %s.", byEmail.Username)})
		return nil
	case byEmail == nil:
		row.Problems = append(row.Problems, Problem{Field: colUsername,
			Reason: "This username belongs to an account with another email address."})
		return nil
	}
	u := byEmail
	a.user, a.existing = u, true
	row.Account = "keep"
	if u.Disabled {
		row.Problems = append(row.Problems, Problem{Field: colEmail, Reason: "This account is disabled: enable it first."})
		return a
	}
	var notes []string
	if password != "" {
		notes = append(notes, "The password is ignored: the account exists.")
	}
	update := p.o.Existing == ExistingUpdate
	if row.Name != "" && row.Name != u.Name {
		if update {
			a.rename = true
			notes = append(notes, fmt.Sprintf("The name changes from %q.", u.Name))
		} else {
			notes = append(notes, fmt.Sprintf("The account's name %q is kept.", u.Name))
		}
	}
	switch {
	case u.PasswordHash == "" && update:
		a.link = true
		notes = append(notes, "The account has no password yet: it gets a new set-password link.")
	case u.PasswordHash == "":
		notes = append(notes, "The account has no password yet: update existing accounts to issue a new set-password link.")
	}
	if a.rename || a.link {
		row.Account = "update"
	}
	row.Note = strings.Join(notes, " ")
	return a
}

// loadUsers loads the existing accounts whose email or username the file
// names, store.MaxLoginsPerLookup logins per query.
func (p *planner) loadUsers(ctx context.Context) error {
	p.usersByEmail, p.usersByName = map[string]*lms.User{}, map[string]*lms.User{}
	var logins []string
	for _, rec := range p.t.Records {
		for _, c := range []string{colEmail, colUsername} {
			if v := p.t.Get(rec, c); v != "" {
				logins = append(logins, v)
			}
		}
	}
	for len(logins) > 0 {
		n := min(len(logins), store.MaxLoginsPerLookup)
		users, err := p.s.store.UsersByLogins(ctx, logins[:n])
		if err != nil {
			return fmt.Errorf("userimport: look up accounts: %w", err)
		}
		for _, u := range users {
			p.usersByEmail[strings.ToLower(u.Email)] = u
			p.usersByName[strings.ToLower(u.Username)] = u
		}
		logins = logins[n:]
	}
	return nil
}

// enrolment plans the row's enrolment of a with the course roster's rule.
func (p *planner) enrolment(ctx context.Context, row *Row, a *account) error {
	var old *lms.Enrollment
	if a.existing {
		e, err := p.s.store.EnrollmentOf(ctx, row.CourseID, a.user.ID)
		if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
			return fmt.Errorf("userimport: enrolment: %w", err)
		}
		old = e
	}
	outcome, group, reason := course.PlanEnrolment(old, row.Role, 0)
	if outcome == course.RowError {
		row.Problems = append(row.Problems, Problem{Field: colRole, Reason: reason})
		return nil
	}
	row.Enrolment, row.groupID = outcome, group
	return nil
}
