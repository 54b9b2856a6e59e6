// Package userimport owns the site-wide user import: an administrator
// creates accounts from a CSV file (and updates or keeps the ones that
// exist), optionally enrolling them in courses in the same file. Every
// import is first planned row by row: a preview (dry run) shows what each
// row will do and each row's problems (line, field, reason); applying
// writes all rows in one transaction, and only when no row has a problem
// unless the administrator chose to import only the valid rows. Accounts
// created without a password get a one-time "set your password" link
// (auth.Service.IssuePasswordLink), returned in the report.
//
// The CSV is read by internal/csvin and enrolments follow the course
// roster's rule (course.PlanEnrolment), so both imports behave alike.
package userimport

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/csvin"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// Import limits.
const (
	MaxFileBytes  = 8 << 20 // an import file is at most 8 MiB
	MaxRows       = 20000   // and at most this many rows
	progressSteps = 100     // Options.Progress hears at most this many times per stage (and at its end)
)

// Row actions: what a row does as a whole.
const (
	ActionCreate = "create" // creates an account (and enrols it, when the row names a course)
	ActionUpdate = "update" // changes an existing account (and enrols it)
	ActionEnrol  = "enrol"  // adds or changes an enrolment of an account created or kept elsewhere
	ActionSkip   = "skip"   // nothing to do: the account and enrolment are as the row says
	ActionError  = "error"  // the row has problems and is not imported
)

// What happens to rows naming accounts that exist (Options.Existing).
const (
	ExistingSkip   = "skip"   // keep the account as it is (enrolments are still added)
	ExistingUpdate = "update" // set its name from the file; a new set-password link if it has no password yet
)

// Progress stages.
const (
	StageCheck = "checking" // planning each row
	StageHash  = "hashing"  // hashing the passwords given in the file
	StageSave  = "saving"   // writing the rows
)

// Options say how to import.
type Options struct {
	// DryRun plans and reports without writing anything.
	DryRun bool
	// ValidOnly imports the rows without problems and skips the others;
	// without it a file with any problem imports nothing.
	ValidOnly bool
	// Existing is ExistingSkip ("" too) or ExistingUpdate.
	Existing string
	// Progress, when set, hears how far each stage is (on the caller's
	// goroutine).
	Progress func(Progress)
}

// Progress is how far one stage of an import is.
type Progress struct {
	Stage string
	Done  int
	Total int
}

// Problem is one reason a row cannot be imported.
type Problem struct {
	Field  string `json:"field,omitempty"` // the column, "" for the whole line
	Reason string `json:"reason"`
}

// Row is the plan (or, once applied, the outcome) of one CSV row.
type Row struct {
	Line        int            `json:"line"` // 1-based line in the file (the header is line 1)
	Email       string         `json:"email"`
	Username    string         `json:"username"`
	Name        string         `json:"name"`
	CourseID    int64          `json:"course_id,omitzero"`
	CourseTitle string         `json:"course_title,omitempty"`
	Role        lms.CourseRole `json:"role,omitempty"` // course role, with a course
	Action      string         `json:"action"`
	// Account is what happens to the account on this row: "create",
	// "update" or "keep" ("" on later rows of the same account and on errors).
	Account string `json:"account,omitempty"`
	// Enrolment is "enrol", "update" or "unchanged"; "" without a course.
	Enrolment string `json:"enrolment,omitempty"`
	// Password is how a created account gets its password: "given" (in the
	// file) or "link" (a set-password link); "" otherwise.
	Password string `json:"password,omitempty"`
	UserID   int64  `json:"user_id,omitzero"` // the account (existing, or created once applied)
	// SetPasswordURL is the account's one-time set-password link, once
	// applied, on the row that created (or updated) it.
	SetPasswordURL string    `json:"set_password_url,omitempty"`
	Note           string    `json:"note,omitempty"` // something the administrator should know
	Problems       []Problem `json:"problems,omitempty"`

	acct    *account // the account the row is about (nil for unreadable lines)
	groupID int64    // the group an enrolment keeps
}

// Report is a planned (DryRun) or applied import.
type Report struct {
	DryRun  bool   `json:"dry_run"`
	Applied bool   `json:"applied"`
	Message string `json:"message"` // one sentence saying what happened
	Rows    []Row  `json:"rows"`
	// Rows by action, and the enrolments they add or change.
	Create     int `json:"create"`
	Update     int `json:"update"`
	Enrol      int `json:"enrol"`
	Skip       int `json:"skip"`
	Errors     int `json:"errors"`
	Enrolments int `json:"enrolments"`
}

// Params are the dependencies of a Service.
type Params struct {
	Store  store.Store
	Auth   *auth.Service
	Logger zerolog.Logger
	// PublicURL prefixes set-password links: <PublicURL>/set-password/<token>.
	PublicURL string
}

// Service imports users.
type Service struct {
	store     store.Store
	auth      *auth.Service
	log       zerolog.Logger
	publicURL string
}

// New returns a Service.
func New(p Params) (*Service, error) {
	if p.Store == nil || p.Auth == nil {
		return nil, fmt.Errorf("userimport: Params.Store and Params.Auth are required")
	}
	return &Service{store: p.Store, auth: p.Auth, log: p.Logger, publicURL: strings.TrimRight(p.PublicURL, "/")}, nil
}

// Import reads a CSV file of users and plans it; unless o.DryRun it then
// applies the plan (administrators only). The first row names the columns:
// email, username and name (required), password, course (a course id) and
// role (learner, ta or instructor; with a course) (optional). An account
// may appear on several rows to be enrolled in several courses. A file
// that cannot be read as a whole (empty, too large, no such columns) is an
// error; problems of single rows are in the report, and then nothing is
// written unless o.ValidOnly.
func (s *Service) Import(ctx context.Context, actor *lms.User, r io.Reader, o Options) (*Report, error) {
	if _, err := auth.RequireAdmin(actor); err != nil {
		return nil, err
	}
	switch o.Existing {
	case "":
		o.Existing = ExistingSkip
	case ExistingSkip, ExistingUpdate:
	default:
		return nil, lms.FieldError("existing", "Existing accounts are either skipped or updated.")
	}
	t, err := csvin.Read(r, fileFormat)
	if err != nil {
		return nil, err
	}
	if err := checkColumns(t); err != nil {
		return nil, err
	}
	rep, err := s.plan(ctx, t, o)
	if err != nil {
		return nil, err
	}
	rep.DryRun = o.DryRun
	switch {
	case o.DryRun:
		rep.Message = "Preview: " + rep.summary(true) + " Nothing was changed."
		return rep, nil
	case rep.Errors > 0 && !o.ValidOnly:
		rep.Message = fmt.Sprintf("Nothing was imported: %s with problems. Fix them, or import only the valid rows.",
			plural(rep.Errors, "row"))
		return rep, nil
	case rep.Create+rep.Update+rep.Enrol == 0:
		rep.Message = "Nothing to import: " + rep.summary(true)
		return rep, nil
	}
	if err := s.apply(ctx, actor, rep, o); err != nil {
		return nil, err
	}
	rep.Applied = true
	rep.Message = "Imported: " + rep.summary(false)
	switch {
	case rep.Errors == 1:
		rep.Message += " 1 row with problems was skipped."
	case rep.Errors > 1:
		rep.Message += fmt.Sprintf(" %d rows with problems were skipped.", rep.Errors)
	}
	return rep, nil
}

// summary counts the rows by action, e.g. "2 new accounts, 1 updated, 3
// enrolments, 1 unchanged, 1 row with problems." (without the last part
// unless withErrors).
func (rep *Report) summary(withErrors bool) string {
	parts := []string{plural(rep.Create, "new account")}
	if rep.Update > 0 {
		parts = append(parts, fmt.Sprintf("%d updated", rep.Update))
	}
	parts = append(parts, plural(rep.Enrolments, "enrolment"))
	if rep.Skip > 0 {
		parts = append(parts, fmt.Sprintf("%d unchanged", rep.Skip))
	}
	if withErrors {
		parts = append(parts, plural(rep.Errors, "row")+" with problems")
	}
	return strings.Join(parts, ", ") + "."
}

// plural writes "1 row", "2 rows", "0 rows".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// report calls o.Progress every 1/progressSteps of a stage and at its end.
func (o Options) report(stage string, done, total int) {
	if o.Progress != nil && (done%max(1, total/progressSteps) == 0 || done == total) {
		o.Progress(Progress{Stage: stage, Done: done, Total: total})
	}
}
