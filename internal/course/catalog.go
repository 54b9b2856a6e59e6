package course

import (
	"cmp"
	"context"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// summaryChars bounds the part of a course's description a catalogue card
// shows.
const summaryChars = 280

// CatalogCard is what any signed-in person may see of a course in the
// catalogue, and of the course a join code opens: nothing of its content,
// its people (but the instructors' names) or its join code.
type CatalogCard struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Code     string `json:"code"`
	Summary  string `json:"summary"`   // the start of the description
	CoverURL string `json:"cover_url"` // the cover image; "" when none
	// Instructors are the names of the active instructors.
	Instructors []string  `json:"instructors"`
	StartsAt    time.Time `json:"starts_at,omitzero"`
	EndsAt      time.Time `json:"ends_at,omitzero"`
	// EnrolMode is how the caller may join through this door: the course's
	// mode in the catalogue; open or approval for a join code.
	EnrolMode lms.EnrolMode `json:"enrol_mode"`
	// Status is the caller's enrolment: "" (none), active or pending.
	Status lms.EnrollmentStatus `json:"status,omitempty"`
}

// CatalogSettings say whether the course is listed in the catalogue and how
// people enrol themselves from it.
type CatalogSettings struct {
	Listed    bool          `json:"listed"`
	EnrolMode lms.EnrolMode `json:"enrol_mode"`
}

// JoinCoverURL is where the HTTP layer serves the cover of the course a
// join code opens, to those who hold the code.
func JoinCoverURL(code string) string { return "/api/v1/join/" + url.PathEscape(code) + "/cover" }

// Catalog returns a page of the catalogue (published, listed courses
// matching f) as cards with the caller's own status, and the total. Any
// signed-in person may browse it.
func (s *Courses) Catalog(ctx context.Context, actor *lms.User, f lms.CatalogFilter) ([]*CatalogCard, int, error) {
	if err := requireUser(actor); err != nil {
		return nil, 0, err
	}
	list, total, err := s.store.ListCatalog(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	cards, err := s.cards(ctx, actor, list)
	if err != nil {
		return nil, 0, err
	}
	return cards, total, nil
}

// cards builds the cards of courses for actor: two queries for the page.
func (s *Courses) cards(ctx context.Context, actor *lms.User, list []*lms.Course) ([]*CatalogCard, error) {
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	instructors, err := s.store.CourseInstructors(ctx, ids)
	if err != nil {
		return nil, err
	}
	mine, err := s.store.UserEnrollments(ctx, actor.ID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*CatalogCard, len(list))
	for i, c := range list {
		card := &CatalogCard{ID: c.ID, Title: c.Title, Code: c.Code, Summary: summary(c.Description),
			Instructors: []string{}, StartsAt: c.StartsAt, EndsAt: c.EndsAt, EnrolMode: c.Enrolment()}
		if len(UploadRefs(c.CoverPath)) == 1 {
			card.CoverURL = c.CoverPath
		}
		for _, e := range instructors {
			if e.CourseID == c.ID {
				card.Instructors = append(card.Instructors, cmp.Or(e.Name, e.Username))
			}
		}
		for _, e := range mine {
			if e.CourseID == c.ID {
				card.Status = e.Status
			}
		}
		out[i] = card
	}
	return out, nil
}

// summary cuts a description to summaryChars at a word boundary, with an
// ellipsis when it was cut, and folds its whitespace.
func summary(desc string) string {
	s := strings.Join(strings.Fields(desc), " ")
	r := []rune(s)
	if len(r) <= summaryChars {
		return s
	}
	cut := summaryChars
	for cut > summaryChars/2 && !unicode.IsSpace(r[cut]) {
		cut--
	}
	return strings.TrimRightFunc(string(r[:cut]), unicode.IsSpace) + "…"
}

// SetCatalog lists or unlists the course and sets how people enrol
// themselves from the catalogue (manage_course). A listed course shows
// in the catalogue only while it is published.
func (s *Courses) SetCatalog(ctx context.Context, actor *lms.User, courseID int64, cs CatalogSettings) (*CourseView, error) {
	a, err := s.load(ctx, actor, courseID, lms.ActManageCourse)
	if err != nil {
		return nil, err
	}
	if !cs.EnrolMode.Valid() {
		return nil, lms.FieldError("enrol_mode", "The enrolment mode must be open, approval or closed.")
	}
	if err := s.patch(ctx, a, lms.CoursePatch{Listed: &cs.Listed, EnrolMode: &cs.EnrolMode}); err != nil {
		return nil, err
	}
	return a.view(), nil
}

// JoinPreview shows a signed-in person the course a join code opens, as a
// catalogue card (whether or not the course is listed), before they join:
// EnrolMode says whether joining with the code needs approval and
// CoverURL serves the cover to holders of the code. Errors are those of
// JoinByCode.
func (s *Courses) JoinPreview(ctx context.Context, actor *lms.User, code string) (*CatalogCard, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	c, err := openJoinCode(ctx, s.store, s.now(), code)
	if err != nil {
		return nil, err
	}
	cards, err := s.cards(ctx, actor, []*lms.Course{c})
	if err != nil {
		return nil, err
	}
	card := cards[0]
	card.EnrolMode = lms.EnrolOpen
	if c.JoinNeedsApprove {
		card.EnrolMode = lms.EnrolApproval
	}
	if card.CoverURL != "" {
		card.CoverURL = JoinCoverURL(strings.TrimSpace(code))
	}
	return card, nil
}

// JoinCover opens the cover image of the course a join code opens, for a
// signed-in holder of the code (ENOTFOUND when the code is not valid or
// the course has no image cover). The caller closes the file.
func (s *Courses) JoinCover(ctx context.Context, actor *lms.User, code string) (*lms.Upload, *os.File, error) {
	if err := requireUser(actor); err != nil {
		return nil, nil, err
	}
	c, err := openJoinCode(ctx, s.store, s.now(), code)
	if err != nil {
		return nil, nil, err
	}
	ids := UploadRefs(c.CoverPath)
	if len(ids) != 1 {
		return nil, nil, lms.Errorf(lms.ENOTFOUND, "upload not found")
	}
	u, err := s.coverUpload(ctx, ids[0])
	if err != nil {
		return nil, nil, err
	}
	return s.uploads.openUploadFile(u)
}

// coverUpload returns the upload when it is an image (what a cover may
// show to people outside the course); anything else is ENOTFOUND.
func (s *Courses) coverUpload(ctx context.Context, uploadID int64) (*lms.Upload, error) {
	u, err := s.store.UploadByID(ctx, uploadID)
	if err != nil {
		return nil, hideMissing(err, "upload")
	}
	if !strings.HasPrefix(u.ContentType, "image/") {
		return nil, lms.Errorf(lms.ENOTFOUND, "upload not found")
	}
	return u, nil
}

// coverVisible checks that actor may see the cover of the course (the
// upload referenced as "course:<id>"): members may, and so may anyone
// signed in while the course is in the catalogue and the upload an image.
func (s *Courses) coverVisible(ctx context.Context, actor *lms.User, courseID, uploadID int64) error {
	_, err := s.load(ctx, actor, courseID, lms.ActViewContent)
	if !lms.IsCode(err, lms.ENOTFOUND) {
		return err
	}
	c, cerr := s.store.CourseByID(ctx, courseID)
	switch {
	case cerr != nil && !lms.IsCode(cerr, lms.ENOTFOUND):
		return cerr
	case cerr != nil || !c.InCatalog() || !slices.Contains(UploadRefs(c.CoverPath), uploadID):
		return err
	}
	_, err = s.coverUpload(ctx, uploadID)
	return err
}
