package course

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Courses owns courses themselves: creating, listing, updating (by patch),
// publishing, deleting, who may create them, and the catalogue.
type Courses struct {
	core
	store   CoursesStore
	uploads *Uploads
}

// NewCourses returns the Courses service.
func NewCourses(b Base, st CoursesStore, uploads *Uploads) *Courses {
	return &Courses{core: newCore(b), store: st, uploads: uploads}
}

// apply runs fn in one transaction and announces what it records.
func (s *Courses) apply(ctx context.Context, fn func(tx *Courses, ch *change) error) ([]*lms.FeedPosition, error) {
	return apply(ctx, &s.core, s.store, func(st CoursesStore) *Courses { t := *s; t.store = st; return &t }, fn)
}

// CreatorPolicy says who may create courses (a site setting).
type CreatorPolicy string

// Creator policies.
const (
	CreatorsAnyone CreatorPolicy = lms.CreatorsAnyone // every signed-in user (the default)
	CreatorsAdmins CreatorPolicy = lms.CreatorsAdmins // only site administrators
)

// CourseInput is what a person edits of a course.
type CourseInput struct {
	Title       string    `json:"title"`
	Code        string    `json:"code"`
	Description string    `json:"description"`
	CoverPath   string    `json:"cover_path"`
	StartsAt    time.Time `json:"starts_at,omitzero"`
	EndsAt      time.Time `json:"ends_at,omitzero"`
}

// CourseView is a course as one caller sees it.
type CourseView struct {
	*lms.Course
	// Role is the caller's course role ("" for an administrator who is
	// not a member).
	Role lms.CourseRole `json:"role"`
	// Can lists the actions the caller may do (for the UI).
	Can []lms.CourseAction `json:"can"`
	// GroupID is the caller's group in the course; 0 when none.
	GroupID int64 `json:"group_id,omitzero"`
}

var allActions = []lms.CourseAction{lms.ActViewContent, lms.ActViewDrafts, lms.ActEditContent,
	lms.ActManagePeople, lms.ActViewGrades, lms.ActGrade, lms.ActModerate, lms.ActRunLive, lms.ActManageCourse, lms.ActAnnounce}

// view returns the course as a's caller sees it: the join code only for
// those who manage people.
func (a *Access) view() *CourseView {
	c := *a.Course
	if !a.Can(lms.ActManagePeople) {
		c.JoinCode, c.JoinEnabled, c.JoinExpiresAt, c.JoinNeedsApprove = "", false, time.Time{}, false
	}
	v := &CourseView{Course: &c, Role: a.Role, Can: []lms.CourseAction{}}
	if a.Enrollment != nil {
		v.GroupID = a.Enrollment.GroupID
	}
	for _, act := range allActions {
		if a.Can(act) {
			v.Can = append(v.Can, act)
		}
	}
	return v
}

// CreatorPolicy returns who may create courses.
func (s *Courses) CreatorPolicy(ctx context.Context) (CreatorPolicy, error) {
	set, err := s.store.GetSettings(ctx)
	switch {
	case err != nil:
		return "", err
	case CreatorPolicy(set.CourseCreators) == CreatorsAdmins:
		return CreatorsAdmins, nil
	default:
		return CreatorsAnyone, nil
	}
}

// SetCreatorPolicy changes who may create courses (administrators only).
func (s *Courses) SetCreatorPolicy(ctx context.Context, actor *lms.User, p CreatorPolicy) error {
	if err := requireUser(actor); err != nil {
		return err
	}
	if !actor.IsAdmin() {
		return lms.Errorf(lms.EFORBIDDEN, "Only administrators may do this.")
	}
	if p != CreatorsAnyone && p != CreatorsAdmins {
		return lms.FieldError("policy", "The policy must be anyone or admins.")
	}
	return s.store.InTx(ctx, func(tx CoursesStore) error {
		set, err := tx.GetSettings(ctx)
		if err != nil {
			return err
		}
		set.CourseCreators = string(p)
		return tx.PutSettings(ctx, set)
	})
}

// CreateCourse creates a draft course with the caller as its instructor, a
// main chat room and a general forum.
func (s *Courses) CreateCourse(ctx context.Context, actor *lms.User, in CourseInput) (*CourseView, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	policy, err := s.CreatorPolicy(ctx)
	if err != nil {
		return nil, err
	}
	if policy == CreatorsAdmins && !actor.IsAdmin() {
		return nil, lms.Errorf(lms.EFORBIDDEN, "Only administrators may create courses on this site.")
	}
	c := &lms.Course{Visibility: lms.CourseDraft, CreatedBy: actor.ID}
	applyCourseInput(c, in)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx CoursesStore) error {
		if err := tx.CreateCourse(ctx, c); err != nil {
			return err
		}
		if err := tx.PutEnrollment(ctx, &lms.Enrollment{CourseID: c.ID, UserID: actor.ID,
			Role: lms.CourseInstructor, Status: lms.EnrollActive}); err != nil {
			return err
		}
		if err := tx.CreateRoom(ctx, &lms.Room{CourseID: c.ID, Name: lms.MainRoomName, Main: true}); err != nil {
			return err
		}
		if err := usableUploads(ctx, tx, actor, c.ID, "cover_path", UploadRefs(c.CoverPath)); err != nil {
			return err
		}
		if err := tx.SetUploadRefs(ctx, c.ID, courseRef(c.ID), UploadRefs(c.CoverPath)); err != nil {
			return err
		}
		return tx.CreateForum(ctx, &lms.Forum{CourseID: c.ID, Title: "General", Description: "Questions and discussion"})
	})
	if err != nil {
		return nil, err
	}
	a := &Access{User: actor, Course: c, Role: lms.CourseInstructor}
	return a.view(), nil
}

func applyCourseInput(c *lms.Course, in CourseInput) {
	c.Title, c.Code, c.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Code), in.Description
	c.CoverPath, c.StartsAt, c.EndsAt = in.CoverPath, in.StartsAt, in.EndsAt
}

// GetCourse returns the course as the caller sees it.
func (s *Courses) GetCourse(ctx context.Context, actor *lms.User, courseID int64) (*CourseView, error) {
	a, err := s.load(ctx, actor, courseID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	return a.view(), nil
}

// ListCourses returns the courses the caller belongs to (administrators:
// every course), each as the caller sees it. Learners do not see draft
// courses; the total is reduced by the drafts hidden from this page only.
func (s *Courses) ListCourses(ctx context.Context, actor *lms.User, f lms.CourseFilter) ([]*CourseView, int, error) {
	if err := requireUser(actor); err != nil {
		return nil, 0, err
	}
	if !actor.IsAdmin() {
		f.MemberID = actor.ID
	}
	list, total, err := s.store.ListCourses(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*CourseView, 0, len(list))
	for _, c := range list {
		a := &Access{User: actor, Course: c}
		e, err := s.store.EnrollmentOf(ctx, c.ID, actor.ID)
		switch {
		case err == nil && e.Status == lms.EnrollActive:
			a.Enrollment, a.Role = e, e.Role
		case err != nil && !lms.IsCode(err, lms.ENOTFOUND):
			return nil, 0, err
		}
		if c.Visibility == lms.CourseDraft && !a.Can(lms.ActViewDrafts) {
			total--
			continue
		}
		out = append(out, a.view())
	}
	return out, total, nil
}

// UpdateCourse changes the fields p sets and nothing else, so two people
// saving different fields at once both keep their change: details,
// visibility, catalogue settings and join settings are all fields of the
// one patch. Join settings need manage_people, every other field
// manage_course. A join code is generated when p enables joins on a course
// without one, or asks for a new one. Hiding a course (a visibility
// change) re-checks its members' live subscriptions.
func (s *Courses) UpdateCourse(ctx context.Context, actor *lms.User, courseID int64, p lms.CoursePatch) (*CourseView, error) {
	act := lms.ActManageCourse
	if !p.Settings() {
		act = lms.ActManagePeople
	}
	a, err := s.load(ctx, actor, courseID, act)
	if err != nil {
		return nil, err
	}
	if p.Joins() && !a.Can(lms.ActManagePeople) {
		return nil, errForbidden()
	}
	if p.EnrolMode != nil && !p.EnrolMode.Valid() {
		return nil, lms.FieldError("enrol_mode", "The enrolment mode must be open, approval or closed.")
	}
	newCode := p.RegenerateJoinCode || (p.JoinEnabled != nil && *p.JoinEnabled && a.Course.JoinCode == "")
	if !newCode {
		if err := s.patch(ctx, a, p); err != nil {
			return nil, err
		}
		return a.view(), nil
	}
	for range joinCodeAttempts {
		code := newJoinCode()
		p.JoinCode = &code
		err = s.patch(ctx, a, p)
		if !lms.IsCode(err, lms.ECONFLICT) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return a.view(), nil
}

// patch stores p over the course of a, checking the course that results,
// and leaves the stored course in a.
func (s *Courses) patch(ctx context.Context, a *Access, p lms.CoursePatch) error {
	p.Trim()
	if p.Empty() {
		return nil
	}
	id := a.Course.ID
	_, err := s.apply(ctx, func(tx *Courses, ch *change) error {
		cur, err := tx.store.CourseByID(ctx, id)
		if err != nil {
			return err
		}
		next := *cur
		p.Apply(&next)
		if err := next.Validate(); err != nil {
			return err
		}
		stored, err := tx.store.PatchCourse(ctx, id, p)
		if err != nil {
			return err
		}
		if p.CoverPath != nil {
			if err := usableUploads(ctx, tx.store, a.User, id, "cover_path", UploadRefs(stored.CoverPath)); err != nil {
				return err
			}
			// The cover image is seen by everyone in the course and kept from the sweep.
			if err := tx.store.SetUploadRefs(ctx, id, courseRef(id), UploadRefs(stored.CoverPath)); err != nil {
				return err
			}
		}
		if stored.Visibility != cur.Visibility {
			ch.accessChanged(id, 0) // a hidden course is closed to its learners
		}
		ch.audit(a.User, lms.AuditCourseUpdate, courseRef(id), patchDetail(p))
		a.Course = stored
		return nil
	})
	return err
}

// patchDetail names the fields a patch changes, for the audit log.
func patchDetail(p lms.CoursePatch) string {
	b, _ := json.Marshal(p) // plain data
	return string(b)
}

func courseRef(id int64) string { return "course:" + strconv.FormatInt(id, 10) }

// SetVisibility publishes, archives or un-publishes the course
// (manage_course): UpdateCourse with only the visibility.
func (s *Courses) SetVisibility(ctx context.Context, actor *lms.User, courseID int64, v lms.CourseVisibility) (*CourseView, error) {
	return s.UpdateCourse(ctx, actor, courseID, lms.CoursePatch{Visibility: &v})
}

// DeleteCourse deletes the course and everything in it (manage_course).
func (s *Courses) DeleteCourse(ctx context.Context, actor *lms.User, courseID int64) error {
	if _, err := s.load(ctx, actor, courseID, lms.ActManageCourse); err != nil {
		return err
	}
	_, err := s.apply(ctx, func(tx *Courses, ch *change) error {
		ch.accessChanged(courseID, 0)
		ch.audit(actor, lms.AuditCourseDelete, courseRef(courseID), "")
		return tx.store.DeleteCourse(ctx, courseID)
	})
	return err
}

// JoinSettings configure a course's join code.
type JoinSettings struct {
	Enabled       bool      `json:"enabled"`
	ExpiresAt     time.Time `json:"expires_at,omitzero"` // zero: never
	NeedsApproval bool      `json:"needs_approval"`
	// Regenerate replaces the code (the old one stops working).
	Regenerate bool `json:"regenerate"`
}

// ConfigureJoin sets all of the join code's settings (manage_people):
// UpdateCourse with the join fields. A code is generated when there is
// none (even while joins stay disabled) or Regenerate is set.
func (s *Courses) ConfigureJoin(ctx context.Context, actor *lms.User, courseID int64, js JoinSettings) (*CourseView, error) {
	a, err := s.load(ctx, actor, courseID, lms.ActManagePeople)
	if err != nil {
		return nil, err
	}
	return s.UpdateCourse(ctx, actor, courseID, lms.CoursePatch{JoinEnabled: &js.Enabled, JoinExpiresAt: &js.ExpiresAt,
		JoinNeedsApprove: &js.NeedsApproval, RegenerateJoinCode: js.Regenerate || a.Course.JoinCode == ""})
}

// joinCodeAlphabet avoids characters people confuse (0/O, 1/I/L).
const joinCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newJoinCode returns a random join code.
func newJoinCode() string {
	b := make([]byte, joinCodeLength)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = joinCodeAlphabet[int(b[i])%len(joinCodeAlphabet)]
	}
	return string(b)
}
