package course

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// list puts course A in the catalogue with the enrolment mode.
func (f *fixture) list(mode lms.EnrolMode) {
	f.t.Helper()
	must(f.svc.Courses.SetCatalog(f.t.Context(), f.as("instructor"), f.a.ID, CatalogSettings{Listed: true, EnrolMode: mode})).get(f.t)
}

// catalog returns the catalogue as u sees it.
func (f *fixture) catalog(u *lms.User, q string) []*CatalogCard {
	f.t.Helper()
	cards, total, err := f.svc.Courses.Catalog(f.t.Context(), u, lms.CatalogFilter{Query: q})
	ok(f.t, err)
	if total != len(cards) {
		f.t.Fatalf("catalogue total %d for %d cards", total, len(cards))
	}
	return cards
}

// kinds returns the kinds of u's notifications, newest first.
func (f *fixture) kinds(u *lms.User) []string {
	f.t.Helper()
	list, _, err := f.svc.Notifications.ListNotifications(f.t.Context(), u, false, 0, 50)
	ok(f.t, err)
	var out []string
	for _, n := range list {
		out = append(out, n.Kind)
	}
	return out
}

// withCover uploads a PNG and saves course A's details as in with it as
// the cover, as the instructor.
func (f *fixture) withCover(in CourseInput) *lms.Upload {
	f.t.Helper()
	ctx, ins := f.t.Context(), f.as("instructor")
	up := must(f.svc.Uploads.SaveUpload(ctx, ins, f.a.ID, "cover.png", bytes.NewReader(png))).get(f.t)
	in.CoverPath = UploadURL(up.ID)
	must(f.svc.Courses.UpdateCourse(ctx, ins, f.a.ID, details(in))).get(f.t)
	return up
}

// count returns how many times s is in list.
func count(list []string, s string) (n int) {
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

func TestSetCatalogNeedsManageCourse(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	cs := CatalogSettings{Listed: true, EnrolMode: lms.EnrolOpen}
	want := map[string]string{"anonymous": lms.EUNAUTHORIZED, "outsider": lms.ENOTFOUND, "learner": lms.EFORBIDDEN,
		"ta": lms.EFORBIDDEN, "instructor": "", "admin": ""}
	for _, name := range actors {
		_, err := f.svc.Courses.SetCatalog(ctx, f.as(name), f.a.ID, cs)
		if got := lms.ErrorCode(err); got != want[name] {
			t.Errorf("%s: code %q, want %q", name, got, want[name])
		}
	}
	for _, bad := range []lms.EnrolMode{"", "anyone"} {
		_, err := f.svc.Courses.SetCatalog(ctx, f.as("instructor"), f.a.ID, CatalogSettings{Listed: true, EnrolMode: bad})
		wantCode(t, err, lms.EINVALID)
	}
	v := must(f.svc.Courses.GetCourse(ctx, f.as("learner"), f.a.ID)).get(t)
	if !v.Listed || v.EnrolMode != lms.EnrolOpen {
		t.Fatalf("after SetCatalog the course is listed=%v mode %q", v.Listed, v.EnrolMode)
	}
	// Editing the details keeps the catalogue settings.
	must(f.svc.Courses.UpdateCourse(ctx, f.as("instructor"), f.a.ID, details(CourseInput{Title: "Renamed"}))).get(t)
	if v := must(f.svc.Courses.GetCourse(ctx, f.as("learner"), f.a.ID)).get(t); !v.Listed || v.EnrolMode != lms.EnrolOpen {
		t.Fatalf("saving the details changed the catalogue settings: listed=%v mode %q", v.Listed, v.EnrolMode)
	}
}

func TestCatalogShowsListedPublishedCoursesToAnyone(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	_, _, err := f.svc.Courses.Catalog(ctx, nil, lms.CatalogFilter{})
	wantCode(t, err, lms.EUNAUTHORIZED)
	if cards := f.catalog(f.newbie, ""); len(cards) != 0 {
		t.Fatalf("nothing is listed, the catalogue shows %+v", cards)
	}
	must(f.svc.Courses.UpdateCourse(ctx, f.as("instructor"), f.a.ID, details(CourseInput{Title: "Course A", Code: "A1",
		Description: "Vectors,   matrices\nand " + strings.Repeat("word ", 100)}))).get(t)
	f.list(lms.EnrolApproval)

	cards := f.catalog(f.newbie, "")
	if len(cards) != 1 {
		t.Fatalf("catalogue = %+v, want course A", cards)
	}
	c := cards[0]
	if c.ID != f.a.ID || c.Title != "Course A" || c.Code != "A1" || c.EnrolMode != lms.EnrolApproval || c.Status != "" ||
		len(c.Instructors) != 1 || c.Instructors[0] != "N instructor" {
		t.Fatalf("card = %+v", c)
	}
	if r := []rune(c.Summary); len(r) > summaryChars+1 || !strings.HasPrefix(c.Summary, "Vectors, matrices and word") ||
		!strings.HasSuffix(c.Summary, " word…") {
		t.Fatalf("summary = %q, want the description cut at a word with an ellipsis", c.Summary)
	}
	if got := f.catalog(f.as("learner"), "")[0].Status; got != lms.EnrollActive {
		t.Fatalf("a member's card says %q, want active", got)
	}
	for q, n := range map[string]int{"instructor": 1, "matrices": 1, "a1": 1, "nothing like it": 0} {
		if got := len(f.catalog(f.newbie, q)); got != n {
			t.Errorf("search %q: %d cards, want %d", q, got, n)
		}
	}
	for _, v := range []lms.CourseVisibility{lms.CourseDraft, lms.CourseArchived} {
		must(f.svc.Courses.SetVisibility(ctx, f.as("instructor"), f.a.ID, v)).get(t)
		if cards := f.catalog(f.newbie, ""); len(cards) != 0 {
			t.Errorf("a listed %s course is in the catalogue", v)
		}
	}
}

func TestEnrolSelfFollowsTheCourseMode(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	_, err := f.svc.Enrolment.EnrolSelf(ctx, nil, f.a.ID)
	wantCode(t, err, lms.EUNAUTHORIZED)
	_, err = f.svc.Enrolment.EnrolSelf(ctx, f.newbie, f.a.ID)
	wantCode(t, err, lms.ENOTFOUND) // not listed: like any course one is not in
	_, err = f.svc.Enrolment.EnrolSelf(ctx, f.newbie, 9999)
	wantCode(t, err, lms.ENOTFOUND)

	f.list(lms.EnrolClosed)
	_, err = f.svc.Enrolment.EnrolSelf(ctx, f.newbie, f.a.ID)
	wantCode(t, err, lms.EFORBIDDEN)

	f.list(lms.EnrolOpen)
	e := must(f.svc.Enrolment.EnrolSelf(ctx, f.newbie, f.a.ID)).get(t)
	if e.Status != lms.EnrollActive || e.Role != lms.CourseLearner {
		t.Fatalf("open enrolment gave %+v", e)
	}
	must(f.svc.Content.Outline(ctx, f.newbie, f.a.ID)).get(t)
	// A member asking again keeps their role.
	if e := must(f.svc.Enrolment.EnrolSelf(ctx, f.as("ta"), f.a.ID)).get(t); e.Role != lms.CourseTA || e.Status != lms.EnrollActive {
		t.Fatalf("the TA enrolling again became %+v", e)
	}

	for _, v := range []lms.CourseVisibility{lms.CourseDraft, lms.CourseArchived} {
		must(f.svc.Courses.SetVisibility(ctx, f.as("instructor"), f.a.ID, v)).get(t)
		_, err = f.svc.Enrolment.EnrolSelf(ctx, f.as("outsider"), f.a.ID)
		wantCode(t, err, lms.ENOTFOUND)
	}
}

func TestEnrolmentRequestsAreApprovedOrDeclined(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins, asker := f.as("instructor"), f.newbie
	f.list(lms.EnrolApproval)

	e := must(f.svc.Enrolment.EnrolSelf(ctx, asker, f.a.ID)).get(t)
	if e.Status != lms.EnrollPending {
		t.Fatalf("an approval course enrolled the asker as %s, want pending", e.Status)
	}
	again := must(f.svc.Enrolment.EnrolSelf(ctx, asker, f.a.ID)).get(t)
	if again.Status != lms.EnrollPending || !again.CreatedAt.Equal(e.CreatedAt) {
		t.Fatalf("asking twice gave %+v", again)
	}
	if n := count(f.kinds(ins), lms.NotifyJoinRequest); n != 1 {
		t.Fatalf("the instructor got %d join requests for one request asked twice, want 1", n)
	}
	if got := f.catalog(asker, "")[0].Status; got != lms.EnrollPending {
		t.Fatalf("the asker's card says %q, want pending", got)
	}

	// A pending learner sees nothing of the course.
	_, err := f.svc.Courses.GetCourse(ctx, asker, f.a.ID)
	wantCode(t, err, lms.ENOTFOUND)
	_, err = f.svc.Content.Outline(ctx, asker, f.a.ID)
	wantCode(t, err, lms.ENOTFOUND)
	_, err = f.svc.Content.GetLesson(ctx, asker, f.lesson.ID)
	wantCode(t, err, lms.ENOTFOUND)
	_, err = f.svc.Chat.ListRooms(ctx, asker, f.a.ID)
	wantCode(t, err, lms.ENOTFOUND)
	_, _, err = f.svc.Discussion.ListThreads(ctx, asker, f.forum.ID, 10, 0)
	wantCode(t, err, lms.ENOTFOUND)
	_, _, err = f.svc.Enrolment.ListMembers(ctx, asker, lms.EnrollmentFilter{CourseID: f.a.ID})
	wantCode(t, err, lms.ENOTFOUND)

	// Staff see the request; only those who manage people decide.
	pending, total, err := f.svc.Enrolment.ListMembers(ctx, ins, lms.EnrollmentFilter{CourseID: f.a.ID, Status: lms.EnrollPending})
	ok(t, err)
	if total != 1 || pending[0].UserID != asker.ID {
		t.Fatalf("pending requests = %+v (total %d)", pending, total)
	}
	want := map[string]string{"anonymous": lms.EUNAUTHORIZED, "outsider": lms.ENOTFOUND, "learner": lms.EFORBIDDEN,
		"ta": lms.EFORBIDDEN}
	for name, code := range want {
		wantCode(t, f.svc.Enrolment.DeclineEnrollment(ctx, f.as(name), f.a.ID, asker.ID), code)
	}
	wantCode(t, f.svc.Enrolment.DeclineEnrollment(ctx, ins, f.a.ID, f.as("learner").ID), lms.ECONFLICT)
	wantCode(t, f.svc.Enrolment.DeclineEnrollment(ctx, ins, f.a.ID, 9999), lms.ENOTFOUND)

	ok(t, f.svc.Enrolment.DeclineEnrollment(ctx, ins, f.a.ID, asker.ID))
	if _, err := f.st.EnrollmentOf(ctx, f.a.ID, asker.ID); !lms.IsCode(err, lms.ENOTFOUND) {
		t.Fatalf("a declined request is still stored: %v", err)
	}
	if k := f.kinds(asker); len(k) == 0 || k[0] != lms.NotifyJoinDeclined {
		t.Fatalf("the asker's notifications = %v, want join_declined first", k)
	}
	if got := f.catalog(asker, "")[0].Status; got != "" {
		t.Fatalf("after the decline the card says %q, want no status", got)
	}

	// They may ask again; approval lets them in and tells them.
	must(f.svc.Enrolment.EnrolSelf(ctx, asker, f.a.ID)).get(t)
	if n := count(f.kinds(ins), lms.NotifyJoinRequest); n != 2 {
		t.Fatalf("asking again after a decline notified %d times in all, want 2", n)
	}
	must(f.svc.Enrolment.ApproveEnrollment(ctx, ins, f.a.ID, asker.ID)).get(t)
	if k := f.kinds(asker); k[0] != lms.NotifyEnrolled {
		t.Fatalf("the asker's notifications = %v, want enrolled first", k)
	}
	must(f.svc.Content.Outline(ctx, asker, f.a.ID)).get(t)

	// A pending asker may withdraw.
	other := mkUser(t, f.st, "other", lms.SiteUser)
	must(f.svc.Enrolment.EnrolSelf(ctx, other, f.a.ID)).get(t)
	ok(t, f.svc.Enrolment.Unenrol(ctx, other, f.a.ID))
	if _, err := f.st.EnrollmentOf(ctx, f.a.ID, other.ID); !lms.IsCode(err, lms.ENOTFOUND) {
		t.Fatalf("a withdrawn request is still stored: %v", err)
	}
}

func TestJoinPreviewShowsOnlyTheCard(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins, code := f.as("instructor"), f.a.JoinCode
	up := f.withCover(CourseInput{Title: "Course A", Description: "About A"})

	_, err := f.svc.Courses.JoinPreview(ctx, nil, code)
	wantCode(t, err, lms.EUNAUTHORIZED)
	_, wrong := f.svc.Courses.JoinPreview(ctx, f.newbie, "WRONG123")
	wantCode(t, wrong, lms.ENOTFOUND)
	_, joinErr := f.svc.Enrolment.JoinByCode(ctx, f.newbie, "WRONG123")
	if wrong.Error() != joinErr.Error() {
		t.Fatalf("a wrong code previews as %q but joins as %q: the answers must match", wrong, joinErr)
	}

	card := must(f.svc.Courses.JoinPreview(ctx, f.newbie, strings.ToLower(code))).get(t)
	if card.ID != f.a.ID || card.Title != "Course A" || card.Summary != "About A" || card.EnrolMode != lms.EnrolOpen ||
		card.Status != "" || len(card.Instructors) != 1 || card.CoverURL != JoinCoverURL(strings.ToLower(code)) {
		t.Fatalf("preview = %+v", card)
	}
	if got := must(f.svc.Courses.JoinPreview(ctx, f.as("learner"), code)).get(t).Status; got != lms.EnrollActive {
		t.Fatalf("a member's preview says %q, want active", got)
	}

	// The cover: to holders of the code, not by its upload id.
	_, file, err := f.svc.Courses.JoinCover(ctx, f.newbie, code)
	ok(t, err)
	_ = file.Close()
	_, _, err = f.svc.Courses.JoinCover(ctx, f.newbie, "WRONG123")
	wantCode(t, err, lms.ENOTFOUND)
	_, _, err = f.svc.Uploads.OpenUpload(ctx, f.newbie, up.ID)
	wantCode(t, err, lms.ENOTFOUND)

	// Approval and closing the code show in the preview.
	must(f.svc.Courses.ConfigureJoin(ctx, ins, f.a.ID, JoinSettings{Enabled: true, NeedsApproval: true})).get(t)
	if got := must(f.svc.Courses.JoinPreview(ctx, f.newbie, code)).get(t).EnrolMode; got != lms.EnrolApproval {
		t.Fatalf("a code needing approval previews as %q", got)
	}
	must(f.svc.Courses.ConfigureJoin(ctx, ins, f.a.ID, JoinSettings{Enabled: false})).get(t)
	_, err = f.svc.Courses.JoinPreview(ctx, f.newbie, code)
	if lms.ErrorCode(err) != lms.ENOTFOUND || err.Error() != joinErr.Error() {
		t.Fatalf("a disabled code previews as %v, want the wrong-code answer", err)
	}
	_, _, err = f.svc.Courses.JoinCover(ctx, f.newbie, code)
	wantCode(t, err, lms.ENOTFOUND)
}

func TestListedCoverIsVisibleToAnyoneSignedIn(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins := f.as("instructor")
	up := f.withCover(CourseInput{Title: "Course A"})
	_, _, err := f.svc.Uploads.OpenUpload(ctx, f.newbie, up.ID)
	wantCode(t, err, lms.ENOTFOUND)

	f.list(lms.EnrolClosed)
	if got := f.catalog(f.newbie, "")[0].CoverURL; got != UploadURL(up.ID) {
		t.Fatalf("card cover = %q, want %q", got, UploadURL(up.ID))
	}
	_, file, err := f.svc.Uploads.OpenUpload(ctx, f.newbie, up.ID)
	ok(t, err)
	_ = file.Close()
	_, _, err = f.svc.Uploads.OpenUpload(ctx, nil, up.ID)
	wantCode(t, err, lms.EUNAUTHORIZED)

	// Only the cover: a lesson's file of a listed course stays private.
	doc := must(f.svc.Uploads.SaveUpload(ctx, ins, f.a.ID, "notes.png", bytes.NewReader(append([]byte{}, png[:len(png)-1]...)))).get(t)
	must(f.svc.Content.UpdateLesson(ctx, ins, f.lesson.ID, LessonInput{Title: "Intro", BodyMD: "![n](" + UploadURL(doc.ID) + ")"})).get(t)
	_, _, err = f.svc.Uploads.OpenUpload(ctx, f.newbie, doc.ID)
	wantCode(t, err, lms.ENOTFOUND)

	must(f.svc.Courses.SetVisibility(ctx, ins, f.a.ID, lms.CourseArchived)).get(t)
	_, _, err = f.svc.Uploads.OpenUpload(ctx, f.newbie, up.ID)
	wantCode(t, err, lms.ENOTFOUND)
}

// TestConcurrentCoursePatchesKeepEveryField saves different fields of one
// course at once, as several people would from pages loaded earlier: every
// change survives (a read-merge-write would lose all but one).
func TestConcurrentCoursePatchesKeepEveryField(t *testing.T) {
	f := newFixture(t)
	ctx, ins := t.Context(), f.as("instructor")
	title, code, desc, listed := "Patched title", "P-1", "Patched description", true
	mode, ends := lms.EnrolApproval, time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	patches := []lms.CoursePatch{{Title: &title}, {Code: &code}, {Description: &desc}, {Listed: &listed},
		{EnrolMode: &mode}, {EndsAt: &ends}}
	errs := make(chan error, len(patches))
	for _, p := range patches {
		go func() {
			_, err := f.svc.Courses.UpdateCourse(ctx, ins, f.a.ID, p)
			errs <- err
		}()
	}
	for range patches {
		ok(t, <-errs)
	}
	v := must(f.svc.Courses.GetCourse(ctx, ins, f.a.ID)).get(t)
	if v.Title != title || v.Code != code || v.Description != desc || !v.Listed || v.EnrolMode != mode ||
		!v.EndsAt.Equal(ends) || v.Visibility != lms.CoursePublished || v.JoinCode == "" {
		t.Fatalf("after concurrent patches the course is %+v", v.Course)
	}
	// A join-only patch is manage_people's; the others manage_course's.
	on := false
	_, err := f.svc.Courses.UpdateCourse(ctx, f.as("ta"), f.a.ID, lms.CoursePatch{JoinEnabled: &on})
	wantCode(t, err, lms.EFORBIDDEN)
	_, err = f.svc.Courses.UpdateCourse(ctx, ins, f.a.ID, lms.CoursePatch{Title: new(string)})
	wantCode(t, err, lms.EINVALID)
}
