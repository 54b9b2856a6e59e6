package course

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

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
func (s *Service) ImportRoster(ctx context.Context, actor *lms.User, courseID int64, r io.Reader, apply bool) (*RosterReport, error) {
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
	_, err = s.apply(ctx, func(tx *Service, ch *change) error {
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
func (s *Service) checkRosterRow(ctx context.Context, courseID int64, row *RosterRow, groups map[string]int64, seen map[int64]int) {
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
	switch {
	case lms.IsCode(err, lms.ENOTFOUND):
		row.Outcome = RowEnrol
	case err != nil:
		fail("The enrolment could not be checked.")
	case old.Role == lms.CourseInstructor && row.Role != lms.CourseInstructor:
		fail("Instructors are not demoted by a roster import.")
	case old.Role == row.Role && old.Status == lms.EnrollActive && (row.Group == "" || old.GroupID == row.groupID):
		row.Outcome = RowUnchanged
	default:
		if row.Group == "" {
			row.groupID = old.GroupID
		}
		row.Outcome = RowUpdate
	}
}

// parseRoster reads the CSV into rows; bad rows are marked RowError.
func parseRoster(r io.Reader) ([]RosterRow, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxRosterBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read roster: %w", err)
	}
	if len(data) > MaxRosterBytes {
		return nil, &lms.Error{Code: lms.ETOOLARGE, Field: "file", Message: "The roster file is larger than 1 MiB."}
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, lms.FieldError("file", "The roster file is empty.")
	}
	if err != nil {
		return nil, lms.FieldError("file", "The roster file is not valid CSV: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "email" || h == "username" {
			h = "login"
		}
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	if _, ok := col["login"]; !ok {
		return nil, lms.FieldError("file", "The first row must name the columns, with one called login, email or username.")
	}
	field := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	rows := []RosterRow{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line := 0
		if err == nil && len(rec) > 0 {
			line, _ = cr.FieldPos(0)
		}
		if len(rows) >= MaxRosterRows {
			return nil, &lms.Error{Code: lms.ETOOLARGE, Field: "file",
				Message: fmt.Sprintf("The roster has more than %d rows.", MaxRosterRows)}
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			rows = append(rows, RosterRow{Line: line, Outcome: RowError, Reason: "This line is not valid CSV."})
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		row := RosterRow{Line: line, Login: field(rec, "login"), Group: field(rec, "group")}
		role := lms.CourseRole(strings.ToLower(field(rec, "role")))
		if role == "" {
			role = lms.CourseLearner
		}
		row.Role = role
		switch {
		case row.Login == "":
			row.Outcome, row.Reason = RowError, "The login is empty."
		case !role.Valid():
			row.Outcome, row.Reason = RowError, fmt.Sprintf("Unknown role %q: use instructor, ta or learner.", field(rec, "role"))
		}
		rows = append(rows, row)
	}
	return rows, nil
}
