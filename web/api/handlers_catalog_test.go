package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// cardKeys are the only fields a catalogue card (and a join-code lookup)
// may show; starts_at, ends_at and status appear only when set.
var cardKeys = []string{"code", "cover_url", "enrol_mode", "id", "instructors", "summary", "title"}

// wantCardKeys fails unless the JSON object raw has exactly the card's keys
// (plus the optional ones).
func wantCardKeys(t *testing.T, raw json.RawMessage) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for k := range m {
		if !slices.Contains(cardKeys, k) && k != "status" && k != "starts_at" && k != "ends_at" {
			t.Errorf("a card shows %q: %s", k, raw)
		}
	}
	for _, k := range cardKeys {
		if _, ok := m[k]; !ok {
			t.Errorf("a card lacks %q: %s", k, raw)
		}
	}
}

// catalogCourse creates a published course with a cover as teacher and
// returns it with its path.
func catalogCourse(t *testing.T, e *cenv, teacher client, title string) (course.CourseView, string) {
	t.Helper()
	c := decode[course.CourseView](t, e.do(t, teacher, "POST", "/api/v1/courses",
		course.CourseInput{Title: title, Description: "All about " + title}).want(t, http.StatusCreated))
	cp := "/api/v1/courses/" + id(c.ID)
	up := decode[UploadInfo](t, e.raw(t, teacher, "POST", cp+"/uploads?name=cover.png", "image/png", dotPNG).
		want(t, http.StatusCreated))
	e.do(t, teacher, "PATCH", cp, CoursePatch{CoverPath: &up.URL}).want(t, http.StatusOK)
	c = decode[course.CourseView](t, e.do(t, teacher, "POST", cp+"/visibility",
		VisibilityRequest{Visibility: lms.CoursePublished}).want(t, http.StatusOK))
	return c, cp
}

// TestCatalogFlow walks the catalogue on both backends: a teacher lists a
// course needing approval; a learner finds it, sees only the card and its
// cover, asks twice, is declined and told, asks again and is approved.
func TestCatalogFlow(t *testing.T) {
	t.Parallel()
	onBothBackends(t, catalogFlow)
}

func catalogFlow(t *testing.T, e *cenv) {
	admin := e.setup(t)
	teacher := e.addUser(t, admin, "teacher")
	learner := e.addUser(t, admin, "learner")
	c, cp := catalogCourse(t, e, teacher, "Physics")
	e.do(t, anon, "GET", "/api/v1/catalogue", nil).want(t, http.StatusUnauthorized).problem(t)
	if l := decode[CatalogList](t, e.do(t, learner, "GET", "/api/v1/catalogue", nil).want(t, http.StatusOK)); len(l.Items) != 0 {
		t.Fatalf("an unlisted course is in the catalogue: %+v", l.Items)
	}
	e.do(t, teacher, "PUT", cp+"/catalogue", course.CatalogSettings{Listed: true, EnrolMode: "anyone"}).
		want(t, http.StatusBadRequest)
	v := decode[course.CourseView](t, e.do(t, teacher, "PUT", cp+"/catalogue",
		course.CatalogSettings{Listed: true, EnrolMode: lms.EnrolApproval}).want(t, http.StatusOK))
	if !v.Listed || v.EnrolMode != lms.EnrolApproval {
		t.Fatalf("after PUT catalogue the course is %+v", v.Course)
	}

	r := e.do(t, learner, "GET", "/api/v1/catalogue?q=user+teacher", nil).want(t, http.StatusOK)
	var page struct {
		Items []json.RawMessage `json:"items"`
		Total int               `json:"total"`
	}
	r.json(t, &page)
	if len(page.Items) != 1 || page.Total != 1 {
		t.Fatalf("searching by the instructor's name found %s", r.Body)
	}
	wantCardKeys(t, page.Items[0])
	card := decode[CatalogList](t, r).Items[0]
	if card.ID != c.ID || card.Summary != "All about Physics" || card.EnrolMode != lms.EnrolApproval ||
		!slices.Equal(card.Instructors, []string{"User teacher"}) || card.CoverURL != c.CoverPath {
		t.Fatalf("card = %+v", card)
	}
	e.do(t, learner, "GET", card.CoverURL, nil).want(t, http.StatusOK)

	// Ask twice: one pending request; the course stays closed to them.
	for range 2 {
		enr := decode[lms.Enrollment](t, e.do(t, learner, "POST", cp+"/enrol", nil).want(t, http.StatusOK))
		if enr.Status != lms.EnrollPending {
			t.Fatalf("asking gave %+v, want pending", enr)
		}
	}
	for _, path := range []string{cp, cp + "/outline", cp + "/rooms", cp + "/forums", cp + "/members"} {
		e.do(t, learner, "GET", path, nil).want(t, http.StatusNotFound)
	}
	pending := decode[EnrollmentList](t, e.do(t, teacher, "GET", cp+"/members?status=pending", nil).want(t, http.StatusOK))
	if pending.Total != 1 {
		t.Fatalf("pending requests = %+v", pending)
	}
	lu := pending.Items[0].UserID

	e.do(t, teacher, "POST", cp+"/members/"+id(lu)+"/decline", nil).want(t, http.StatusNoContent)
	notes := decode[NotificationList](t, e.do(t, learner, "GET", "/api/v1/me/notifications", nil).want(t, http.StatusOK))
	if len(notes.Items) == 0 || notes.Items[0].Kind != lms.NotifyJoinDeclined {
		t.Fatalf("after the decline the learner's notifications are %+v", notes.Items)
	}
	e.do(t, teacher, "POST", cp+"/members/"+id(lu)+"/decline", nil).want(t, http.StatusNotFound)

	e.do(t, learner, "POST", cp+"/enrol", nil).want(t, http.StatusOK)
	e.do(t, teacher, "POST", cp+"/members/"+id(lu)+"/approve", nil).want(t, http.StatusOK)
	e.do(t, learner, "GET", cp+"/outline", nil).want(t, http.StatusOK)
	e.do(t, teacher, "POST", cp+"/members/"+id(lu)+"/decline", nil).want(t, http.StatusConflict).problem(t)
	if l := decode[CatalogList](t, e.do(t, learner, "GET", "/api/v1/catalogue", nil).want(t, http.StatusOK)); l.Items[0].Status != lms.EnrollActive {
		t.Fatalf("the member's card = %+v", l.Items[0])
	}
}

func TestCatalogPagesWithCursors(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	admin := e.setup(t)
	teacher := e.addUser(t, admin, "teacher")
	for _, title := range []string{"Delta", "alpha", "Charlie", "Bravo", "Echo"} {
		_, cp := catalogCourse(t, e, teacher, title)
		e.do(t, teacher, "PUT", cp+"/catalogue", course.CatalogSettings{Listed: true, EnrolMode: lms.EnrolOpen}).
			want(t, http.StatusOK)
	}
	var titles []string
	next := "/api/v1/catalogue?limit=2"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("the cursor never ends")
		}
		l := decode[CatalogList](t, e.do(t, admin, "GET", next, nil).want(t, http.StatusOK))
		if l.Total != 5 {
			t.Fatalf("total = %d, want 5", l.Total)
		}
		for _, c := range l.Items {
			titles = append(titles, c.Title)
		}
		next = ""
		if l.NextCursor != "" {
			next = "/api/v1/catalogue?limit=2&cursor=" + l.NextCursor
		}
	}
	if want := []string{"alpha", "Bravo", "Charlie", "Delta", "Echo"}; !slices.Equal(titles, want) {
		t.Fatalf("pages gave %v, want %v", titles, want)
	}
	e.do(t, admin, "GET", "/api/v1/catalogue?cursor=nonsense", nil).want(t, http.StatusBadRequest).problem(t)
}

func TestJoinPreviewRevealsOnlyTheCard(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	admin := e.setup(t)
	teacher := e.addUser(t, admin, "teacher")
	outsider := e.addUser(t, admin, "outsider")
	c, cp := catalogCourse(t, e, teacher, "Chemistry")
	c = decode[course.CourseView](t, e.do(t, teacher, "PUT", cp+"/join", course.JoinSettings{Enabled: true}).want(t, http.StatusOK))

	e.do(t, anon, "GET", "/api/v1/join/"+c.JoinCode, nil).want(t, http.StatusUnauthorized).problem(t)
	wrong := e.do(t, outsider, "GET", "/api/v1/join/NOPE1234", nil).want(t, http.StatusNotFound).problem(t)
	joinWrong := e.do(t, outsider, "POST", "/api/v1/join", JoinRequest{Code: "NOPE1234"}).want(t, http.StatusNotFound).problem(t)
	if wrong.Detail != joinWrong.Detail || wrong.Code != joinWrong.Code {
		t.Fatalf("a wrong code looks up as %+v but joins as %+v", wrong, joinWrong)
	}
	e.do(t, outsider, "GET", "/api/v1/join/NOPE1234/cover", nil).want(t, http.StatusNotFound).problem(t)

	r := e.do(t, outsider, "GET", "/api/v1/join/"+c.JoinCode, nil).want(t, http.StatusOK)
	wantCardKeys(t, r.Body)
	card := decode[course.CatalogCard](t, r)
	if card.ID != c.ID || card.Title != "Chemistry" || card.CoverURL != course.JoinCoverURL(c.JoinCode) || card.Status != "" ||
		!slices.Equal(card.Instructors, []string{"User teacher"}) {
		t.Fatalf("preview = %+v", card)
	}
	img := e.do(t, outsider, "GET", card.CoverURL, nil).want(t, http.StatusOK)
	if ct := img.Header.Get("Content-Type"); ct != "image/png" || string(img.Body) != string(dotPNG) {
		t.Fatalf("cover: %s, %d bytes", ct, len(img.Body))
	}
	// The course is not listed: its cover is not reachable by upload id.
	e.do(t, outsider, "GET", c.CoverPath, nil).want(t, http.StatusNotFound)
	// Nothing of it either.
	e.do(t, outsider, "GET", cp, nil).want(t, http.StatusNotFound)
}

func TestMyCoursesSaysWhoMayCreate(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	admin := e.setup(t)
	user := e.addUser(t, admin, "user")
	canCreate := func(c client) bool {
		t.Helper()
		return decode[MyCourseList](t, e.do(t, c, "GET", "/api/v1/me/courses", nil).want(t, http.StatusOK)).CanCreate
	}
	if !canCreate(user) || !canCreate(admin) {
		t.Fatal("with the default policy someone may not create courses")
	}
	e.do(t, admin, "PUT", "/api/v1/admin/course-settings", CourseSettingsBody{Creators: course.CreatorsAdmins}).want(t, http.StatusOK)
	if canCreate(user) || !canCreate(admin) {
		t.Fatal("with admins-only creation, can_create is wrong")
	}
}
