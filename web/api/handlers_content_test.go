package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

const hostileMarkdown = "Hi <script>alert(1)</script>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n" +
	"[click](javascript:alert(1)) <img src=x onerror=alert(1)> <a href=\"JaVaScRiPt:alert(2)\">y</a>"

// checkSafe fails when html keeps anything active from hostileMarkdown.
func checkSafe(t *testing.T, what, html string) {
	t.Helper()
	low := strings.ToLower(html)
	for _, bad := range []string{"<script", "<iframe", "javascript:", "onerror", "alert(1)</script"} {
		if strings.Contains(low, bad) {
			t.Errorf("%s keeps %q: %s", what, bad, html)
		}
	}
}

func TestMarkdownIsSanitised(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	inst, learner := w.people[roleInstructor].c, w.people[roleLearner].c
	lp := "/api/v1/lessons/" + id(w.lesson.ID)
	saved := decode[lms.Lesson](t, e.do(t, inst, "PUT", lp, course.LessonInput{Title: "Intro", BodyMD: hostileMarkdown}).want(t, http.StatusOK))
	checkSafe(t, "saved lesson", saved.BodyHTML)
	if saved.BodyMD != hostileMarkdown {
		t.Errorf("the Markdown source was not kept verbatim: %q", saved.BodyMD)
	}
	got := decode[course.LessonState](t, e.do(t, learner, "GET", lp, nil).want(t, http.StatusOK))
	checkSafe(t, "lesson as read", got.BodyHTML)
	prev := decode[MarkdownPreview](t, e.do(t, inst, "POST", "/api/v1/markdown/preview", MarkdownRequest{Markdown: hostileMarkdown}).
		want(t, http.StatusOK))
	checkSafe(t, "preview", prev.HTML)
	if prev.HTML != saved.BodyHTML {
		t.Errorf("preview differs from the saved rendering:\n%s\n%s", prev.HTML, saved.BodyHTML)
	}
	post := decode[lms.Post](t, e.do(t, learner, "POST", "/api/v1/threads/"+id(w.thread.ID)+"/posts",
		ReplyRequest{BodyMD: hostileMarkdown}).want(t, http.StatusCreated))
	checkSafe(t, "post", post.BodyHTML)
	tv := decode[course.ThreadView](t, e.do(t, w.people[roleTA].c, "GET", "/api/v1/threads/"+id(w.thread.ID), nil).want(t, http.StatusOK))
	for _, p := range tv.Posts {
		checkSafe(t, "post as read", p.BodyHTML)
	}
	e.do(t, inst, "POST", "/api/v1/markdown/preview", MarkdownRequest{Markdown: strings.Repeat("a", lms.MaxBodyBytes+1)}).
		want(t, http.StatusRequestEntityTooLarge)
}

func TestLessonValidation(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	inst := w.people[roleInstructor].c
	outline := func() string {
		return string(e.do(t, inst, "GET", "/api/v1/courses/"+id(w.a.ID)+"/outline", nil).want(t, http.StatusOK).Body)
	}
	before := outline()
	mp := "/api/v1/modules/" + id(w.module.ID) + "/lessons"
	e.do(t, inst, "POST", mp, course.LessonInput{Title: " "}).want(t, http.StatusBadRequest).problem(t)
	e.do(t, inst, "POST", mp, course.LessonInput{Title: "Big", BodyMD: strings.Repeat("x", lms.MaxBodyBytes+1)}).
		want(t, http.StatusRequestEntityTooLarge)
	e.do(t, inst, "POST", mp, `{"title":"x","colour":"red"}`).want(t, http.StatusBadRequest)
	e.do(t, inst, "PUT", "/api/v1/lessons/"+id(w.lesson.ID), course.LessonInput{Title: strings.Repeat("t", lms.MaxTitleChars+1)}).
		want(t, http.StatusBadRequest)
	if after := outline(); after != before {
		t.Errorf("refused edits changed the outline:\n%s\n%s", before, after)
	}
}

func TestReorder(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	inst := w.people[roleInstructor].c
	path := "/api/v1/courses/" + id(w.a.ID) + "/layout"
	seen := w.layout()

	t.Run("a layout in a new order is applied", func(t *testing.T) {
		swapped := w.layout()
		ls := swapped.Modules[0].LessonIDs
		ls[0], ls[1] = ls[1], ls[0]
		o := decode[course.Outline](t, e.do(t, inst, "PUT", path, swapped).want(t, http.StatusOK))
		if got := o.Modules[0].Lessons; got[0].ID != ls[0] || got[0].Position != 1 || got[1].ID != ls[1] {
			t.Errorf("outline after reorder: %+v, %+v", got[0].Lesson, got[1].Lesson)
		}
		seen = swapped
	})
	t.Run("a stale layout is a conflict and moves nothing", func(t *testing.T) {
		// Someone else adds a lesson after the client loaded the outline.
		try(e.courses.Content.CreateLesson(t.Context(), w.people[roleInstructor].u, w.module.ID, course.LessonInput{Title: "New"})).must(t)
		before := w.layout()
		stale := LayoutRequest{Modules: []lms.ModuleLayout{{ModuleID: seen.Modules[0].ModuleID,
			LessonIDs: []int64{seen.Modules[0].LessonIDs[1], seen.Modules[0].LessonIDs[0]}}}}
		e.do(t, inst, "PUT", path, stale).want(t, http.StatusConflict).problem(t)
		if after := w.layout(); !sameLayout(before, after) {
			t.Errorf("a stale reorder moved things: %+v -> %+v", before, after)
		}
	})
	t.Run("a lesson of another course is a conflict", func(t *testing.T) {
		bad := w.layout()
		bad.Modules[0].LessonIDs = append(bad.Modules[0].LessonIDs, w.bLesson.ID)
		e.do(t, inst, "PUT", path, bad).want(t, http.StatusConflict)
	})
	t.Run("a missing layout is invalid", func(t *testing.T) {
		e.do(t, inst, "PUT", path, `{}`).want(t, http.StatusBadRequest)
	})
}

func sameLayout(a, b LayoutRequest) bool {
	if len(a.Modules) != len(b.Modules) {
		return false
	}
	for i := range a.Modules {
		if a.Modules[i].ModuleID != b.Modules[i].ModuleID || len(a.Modules[i].LessonIDs) != len(b.Modules[i].LessonIDs) {
			return false
		}
		for j := range a.Modules[i].LessonIDs {
			if a.Modules[i].LessonIDs[j] != b.Modules[i].LessonIDs[j] {
				return false
			}
		}
	}
	return true
}

func TestDraftLessonsAreHidden(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	learner := w.people[roleLearner].c
	e.do(t, learner, "GET", "/api/v1/lessons/"+id(w.draft.ID), nil).want(t, http.StatusNotFound)
	o := decode[course.Outline](t, e.do(t, learner, "GET", "/api/v1/courses/"+id(w.a.ID)+"/outline", nil).want(t, http.StatusOK))
	for _, l := range o.Modules[0].Lessons {
		if l.Draft {
			t.Errorf("learner's outline shows the draft %q", l.Title)
		}
	}
	res := decode[LessonList](t, e.do(t, learner, "GET", "/api/v1/courses/"+id(w.a.ID)+"/search?q=draft", nil).want(t, http.StatusOK))
	if len(res.Items) != 0 {
		t.Errorf("search shows drafts to a learner: %+v", res.Items)
	}
	staff := decode[LessonList](t, e.do(t, w.people[roleTA].c, "GET", "/api/v1/courses/"+id(w.a.ID)+"/search?q=secret", nil).want(t, http.StatusOK))
	if len(staff.Items) != 1 {
		t.Errorf("search hides the draft from staff: %+v", staff.Items)
	}
}

func TestVideoCompletionRuleIsDecidedByTheServer(t *testing.T) {
	t.Parallel()
	e := newCourseEnv(t)
	w := newWorld(t, e)
	inst, learner := w.people[roleInstructor].c, w.people[roleLearner].c
	lp := "/api/v1/lessons/" + id(w.lesson.ID)
	e.do(t, inst, "PUT", lp, course.LessonInput{Title: "Intro", CompletionRule: "video", CompletionPercent: 101}).
		want(t, http.StatusBadRequest).problem(t)
	saved := decode[lms.Lesson](t, e.do(t, inst, "PUT", lp, course.LessonInput{Title: "Intro",
		CompletionRule: lms.CompleteVideo, CompletionPercent: 80}).want(t, http.StatusOK))
	if saved.CompletionRule != lms.CompleteVideo || saved.CompletionPercent != 80 {
		t.Fatalf("saved rule %q %d", saved.CompletionRule, saved.CompletionPercent)
	}
	e.do(t, learner, "POST", lp+"/complete", nil).want(t, http.StatusForbidden).problem(t)
	e.do(t, learner, "POST", lp+"/heartbeat", HeartbeatRequest{VideoPercent: 120}).want(t, http.StatusBadRequest).problem(t)
	p := decode[lms.LessonProgress](t, e.do(t, learner, "POST", lp+"/heartbeat", HeartbeatRequest{VideoPercent: 50}).
		want(t, http.StatusOK))
	if p.VideoPercent != 50 || p.Completed() {
		t.Fatalf("at 50 %%: %+v", p)
	}
	p = decode[lms.LessonProgress](t, e.do(t, learner, "POST", lp+"/heartbeat", HeartbeatRequest{Seconds: 1, VideoPercent: 85}).
		want(t, http.StatusOK))
	if p.VideoPercent != 85 || !p.Completed() {
		t.Fatalf("at 85 %% of 80 %%: %+v, want completed", p)
	}
}
