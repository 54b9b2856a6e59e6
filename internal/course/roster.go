package course

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/lyceumhq/lyceum/internal/csvin"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// Roster import limits.
const (
	MaxRosterBytes = 1 << 20 // a roster CSV is at most 1 MiB
	MaxRosterRows  = 5000    // and at most this many rows
)

// Roster row outcomes.
const (
	RowEnrol     = "enrol"     // the user will be (or was) enrolled
	RowUpdate    = "update"    // an existing member's role or group changes
	RowUnchanged = "unchanged" // the member is already enrolled like this
	RowError     = "error"     // the row is skipped; Reason says why
)

// RosterRow is the report of one CSV row.
type RosterRow struct {
	Line    int            `json:"line"` // 1-based line in the file (the header is line 1)
	Login   string         `json:"login"`
	Role    lms.CourseRole `json:"role,omitempty"`
	Group   string         `json:"group,omitempty"`
	UserID  int64          `json:"user_id,omitzero"`
	Outcome string         `json:"outcome"`
	Reason  string         `json:"reason,omitempty"`
	groupID int64
}

// RosterReport is the outcome of a roster import or its preview.
type RosterReport struct {
	Applied bool        `json:"applied"` // false for a preview
	Rows    []RosterRow `json:"rows"`
	Enrol   int         `json:"enrol"`
	Update  int         `json:"update"`
	Errors  int         `json:"errors"`
}

// ImportRoster reads a CSV of existing users and enrols them
// (manage_people). The first row is a header naming the columns: "login"
// (or "email" or "username"; required), "role" (instructor, ta or learner;
// default learner) and "group" (the name of an existing group; optional).
// With apply false nothing is written: the report is a preview. With apply
// true the valid rows are written in one transaction and the bad rows are
// reported and skipped. A malformed file (no header, not CSV, too large) is
// an error for the whole file.
func (s *Enrolment) ImportRoster(ctx context.Context, actor *lms.User, courseID int64, r io.Reader, apply bool) (*RosterReport, error) {
	if _, err := s.load(ctx, actor, courseID, lms.ActManagePeople); err != nil {
		return nil, err
	}
	rows, err := parseRoster(r)
	if err != nil {
		return nil, err
	}
	groups, err := s.store.ListGroups(ctx, courseID)
	if err != nil {
		return nil, err
	}
	groupByName := map[string]int64{}
	for _, g := range groups {
		groupByName[strings.ToLower(g.Name)] = g.ID
	}
	rep := &RosterReport{Rows: rows}
	seen := map[int64]int{}
	for i := range rep.Rows {
		row := &rep.Rows[i]
		if row.Outcome == RowError {
			continue
		}
		s.checkRosterRow(ctx, courseID, row, groupByName, seen)
	}
	for _, row := range rep.Rows {
		switch row.Outcome {
		case RowEnrol:
			rep.Enrol++
		case RowUpdate:
			rep.Update++
		case RowError:
			rep.Errors++
		}
	}
	if !apply {
		return rep, nil
	}
	_, err = s.apply(ctx, func(tx *Enrolment, ch *change) error {
		ch.audit(actor, lms.AuditEnrol, courseRef(courseID), fmt.Sprintf("roster: %d rows", len(rep.Rows)))
		for _, row := range rep.Rows {
			if row.Outcome != RowEnrol && row.Outcome != RowUpdate {
				continue
			}
			e := &lms.Enrollment{CourseID: courseID, UserID: row.UserID, Role: row.Role, Status: lms.EnrollActive,
				GroupID: row.groupID}
			if err := tx.store.PutEnrollment(ctx, e); err != nil {
				return fmt.Errorf("line %d: %w", row.Line, err)
			}
			if row.Outcome == RowUpdate { // a role or group may have been taken away
				ch.accessChanged(courseID, row.UserID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep.Applied = true
	return rep, nil
}

// checkRosterRow resolves the row's user and group and decides its outcome.
func (s *Enrolment) checkRosterRow(ctx context.Context, courseID int64, row *RosterRow, groups map[string]int64, seen map[int64]int) {
	fail := func(format string, args ...any) {
		row.Outcome, row.Reason = RowError, fmt.Sprintf(format, args...)
	}
	u, err := s.store.UserByLogin(ctx, row.Login)
	switch {
	case lms.IsCode(err, lms.ENOTFOUND):
		fail("No user has this email address or username.")
		return
	case err != nil:
		fail("The user could not be looked up.")
		s.log.Warn().Err(err).Msg("roster lookup")
		return
	case u.Disabled:
		fail("This account is disabled.")
		return
	}
	row.UserID = u.ID
	if line, dup := seen[u.ID]; dup {
		fail("This user is already on line %d.", line)
		return
	}
	seen[u.ID] = row.Line
	if row.Group != "" {
		id, ok := groups[strings.ToLower(row.Group)]
		if !ok {
			fail("There is no group named %q in this course.", row.Group)
			return
		}
		row.groupID = id
	}
	old, err := s.store.EnrollmentOf(ctx, courseID, u.ID)
	if err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
		fail("The enrolment could not be checked.")
		return
	}
	row.Outcome, row.groupID, row.Reason = PlanEnrolment(old, row.Role, row.groupID)
}

// PlanEnrolment decides what an import row that enrols a user with role
// (and groupID; 0 keeps the current group) does to the user's enrolment
// old (nil: none): RowEnrol, RowUpdate or RowUnchanged with the group to
// store, or RowError with the reason. Imports never demote an instructor.
// The course roster import and the site-wide user import share it.
func PlanEnrolment(old *lms.Enrollment, role lms.CourseRole, groupID int64) (outcome string, group int64, reason string) {
	switch {
	case old == nil:
		return RowEnrol, groupID, ""
	case old.Role == lms.CourseInstructor && role != lms.CourseInstructor:
		return RowError, 0, "Instructors are not demoted by an import."
	case old.Role == role && old.Status == lms.EnrollActive && (groupID == 0 || old.GroupID == groupID):
		return RowUnchanged, old.GroupID, ""
	case groupID == 0:
		return RowUpdate, old.GroupID, ""
	default:
		return RowUpdate, groupID, ""
	}
}

// ParseImportRole reads the course role of an import row: instructor, ta
// or learner in any case, "" meaning learner. The error names the field
// "role".
func ParseImportRole(s string) (lms.CourseRole, error) {
	role := lms.CourseRole(strings.ToLower(s))
	if role == "" {
		return lms.CourseLearner, nil
	}
	if !role.Valid() {
		return role, lms.FieldError("role", "Unknown role %q: use instructor, ta or learner.", s)
	}
	return role, nil
}

// rosterFormat is the roster CSV: "email" and "username" are read as
// "login".
var rosterFormat = csvin.Format{Noun: "roster", MaxBytes: MaxRosterBytes, MaxRows: MaxRosterRows,
	Aliases: map[string]string{"email": "login", "username": "login"}}

// parseRoster reads the CSV into rows; bad rows are marked RowError.
func parseRoster(r io.Reader) ([]RosterRow, error) {
	t, err := csvin.Read(r, rosterFormat)
	if err != nil {
		return nil, err
	}
	if !t.Has("login") {
		return nil, lms.FieldError("file", "The first row must name the columns, with one called login, email or username.")
	}
	rows := []RosterRow{}
	for _, rec := range t.Records {
		if rec.Bad {
			rows = append(rows, RosterRow{Line: rec.Line, Outcome: RowError, Reason: "This line is not valid CSV."})
			continue
		}
		row := RosterRow{Line: rec.Line, Login: t.Get(rec, "login"), Group: t.Get(rec, "group")}
		role, err := ParseImportRole(t.Get(rec, "role"))
		row.Role = role
		switch {
		case row.Login == "":
			row.Outcome, row.Reason = RowError, "The login is empty."
		case err != nil:
			row.Outcome, row.Reason = RowError, lms.ErrorMessage(err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}
