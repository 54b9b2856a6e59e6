package course

import (
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestRenderMarkdownStripsActiveContent(t *testing.T) {
	cases := []struct {
		name, src string
		banned    []string // must not appear in the output (case-insensitive)
		kept      []string // must appear
	}{
		{"script tag", "Hi <script>alert(1)</script>", []string{"<script", "alert(1)"}, []string{"Hi"}},
		{"iframe", `<iframe src="https://evil.example/"></iframe> text`, []string{"<iframe", "evil.example"}, []string{"text"}},
		{"javascript link", "[click](javascript:alert(1))", []string{"javascript:"}, []string{"click"}},
		{"javascript link in HTML", `<a href="JaVaScRiPt:alert(1)">x</a>`, []string{"javascript:"}, []string{"x"}},
		{"event handler", `<img src="/a.png" onerror="alert(1)">`, []string{"onerror", "alert"}, []string{`src="/a.png"`}},
		{"style and object", `<style>body{}</style><object data="x"></object>ok`, []string{"<style", "<object"}, []string{"ok"}},
		{"data URL image", `![x](data:text/html;base64,PHNjcmlwdD4=)`, []string{"data:text/html"}, nil},
		{"markdown survives", "# Title\n\n**bold** and `code`\n\n```go\nfmt.Println()\n```",
			nil, []string{"<h1", "<strong>bold</strong>", "<code>code</code>", `class="language-go"`}},
		{"video embed survives", `<video controls src="/api/v1/uploads/3"></video>`, nil,
			[]string{"<video", "controls", `src="/api/v1/uploads/3"`}},
		{"external link is nofollow", "[site](https://example.com)", nil, []string{`rel="nofollow`, "https://example.com"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := RenderMarkdown(c.src)
			for _, b := range c.banned {
				if strings.Contains(strings.ToLower(out), strings.ToLower(b)) {
					t.Errorf("output contains %q: %s", b, out)
				}
			}
			for _, k := range c.kept {
				if !strings.Contains(out, k) {
					t.Errorf("output lacks %q: %s", k, out)
				}
			}
		})
	}
}

func TestLessonIsStoredSanitised(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	md := "Intro <script>steal()</script> [x](javascript:steal()) <iframe src=//evil></iframe>"
	l := must(f.svc.Content.UpdateLesson(ctx, f.as("instructor"), f.lesson.ID, LessonInput{Title: "T", BodyMD: md})).get(t)
	stored, err := f.st.LessonByID(ctx, l.ID)
	ok(t, err)
	if stored.BodyMD != md {
		t.Fatalf("the Markdown source was altered: %q", stored.BodyMD)
	}
	for _, bad := range []string{"<script", "steal()", "javascript:", "<iframe"} {
		if strings.Contains(stored.BodyHTML, bad) {
			t.Fatalf("stored HTML contains %q: %s", bad, stored.BodyHTML)
		}
	}
}

func TestLessonInputIsValidated(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins := f.as("instructor")
	cases := []struct {
		name string
		in   LessonInput
		code string
	}{
		{"blank title", LessonInput{Title: "  "}, lms.EINVALID},
		{"control character in title", LessonInput{Title: "a\x00b"}, lms.EINVALID},
		{"huge body", LessonInput{Title: "t", BodyMD: strings.Repeat("x", lms.MaxBodyBytes+1)}, lms.ETOOLARGE},
		{"invalid UTF-8", LessonInput{Title: "t", BodyMD: "\xff"}, lms.EINVALID},
	}
	for _, c := range cases {
		_, err := f.svc.Content.CreateLesson(ctx, ins, f.module.ID, c.in)
		wantCode(t, err, c.code)
	}
	lessons, err := f.st.ListLessons(ctx, f.a.ID, false)
	ok(t, err)
	if len(lessons) != 2 {
		t.Fatalf("%d lessons after rejected creates, want 2", len(lessons))
	}
}

func TestReorderWithStaleLayoutConflicts(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins := f.as("instructor")
	stale := []lms.ModuleLayout{{ModuleID: f.module.ID, LessonIDs: []int64{f.draft.ID, f.lesson.ID}}}
	// Someone else adds a lesson after this layout was loaded.
	must(f.svc.Content.CreateLesson(ctx, ins, f.module.ID, LessonInput{Title: "Added"})).get(t)
	wantCode(t, f.svc.Content.Reorder(ctx, ins, f.a.ID, stale), lms.ECONFLICT)
	out := must(f.svc.Content.Outline(ctx, ins, f.a.ID)).get(t)
	if got := out.Modules[0].Lessons[0].ID; got != f.lesson.ID {
		t.Fatalf("the first lesson is %d after a refused reorder, want %d", got, f.lesson.ID)
	}
}

func TestReleaseRules(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins, learner := f.as("instructor"), f.as("learner")
	later := must(f.svc.Content.CreateLesson(ctx, ins, f.module.ID, LessonInput{Title: "Later",
		AvailableFrom: t0.Add(24 * time.Hour)})).get(t)
	gated := must(f.svc.Content.CreateLesson(ctx, ins, f.module.ID, LessonInput{Title: "Gated", RequiresPrevious: true})).get(t)
	_, err := f.svc.Content.GetLesson(ctx, learner, later.ID)
	wantCode(t, err, lms.EFORBIDDEN)
	_, err = f.svc.Progress.CompleteLesson(ctx, learner, later.ID, true)
	wantCode(t, err, lms.EFORBIDDEN)
	must(f.svc.Content.GetLesson(ctx, ins, later.ID)).get(t) // staff see everything

	out := must(f.svc.Content.Outline(ctx, learner, f.a.ID)).get(t)
	var titles []string
	for _, st := range out.Modules[0].Lessons {
		titles = append(titles, st.Title)
		if st.Title == "Gated" && !st.Locked {
			t.Fatal("the gated lesson is open before the previous one is completed")
		}
	}
	if strings.Join(titles, ",") != "Intro,Later,Gated" {
		t.Fatalf("learner's outline = %v, want drafts hidden", titles)
	}
	f.clock.Advance(25 * time.Hour)
	_, err = f.svc.Content.GetLesson(ctx, learner, gated.ID)
	wantCode(t, err, lms.EFORBIDDEN)
	must(f.svc.Progress.CompleteLesson(ctx, learner, later.ID, true)).get(t)
	must(f.svc.Content.GetLesson(ctx, learner, gated.ID)).get(t)
}

func TestSearchHidesDraftsFromLearners(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if got := must(f.svc.Content.Search(ctx, f.as("learner"), f.a.ID, "wip", 10)).get(t); len(got) != 0 {
		t.Fatalf("learner found drafts: %+v", got)
	}
	if got := must(f.svc.Content.Search(ctx, f.as("ta"), f.a.ID, "wip", 10)).get(t); len(got) != 1 {
		t.Fatalf("TA search = %+v, want the draft", got)
	}
}

func TestProgressHeartbeatIsBoundedAndCompletionIsLive(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	learner := f.as("learner")
	must(f.svc.Content.GetLesson(ctx, learner, f.lesson.ID)).get(t) // opens it at t0
	f.clock.Advance(10 * time.Second)
	p := must(f.svc.Progress.Heartbeat(ctx, learner, f.lesson.ID, 3600)).get(t)
	if want := 10 + int(heartbeatSlack/time.Second); p.SecondsSpent != want {
		t.Fatalf("a claimed hour after 10 s counted %d s, want %d", p.SecondsSpent, want)
	}
	f.clock.Advance(time.Hour)
	p = must(f.svc.Progress.Heartbeat(ctx, learner, f.lesson.ID, 3600)).get(t)
	if max := 15 + int(DefaultMaxHeartbeat/time.Second); p.SecondsSpent != max {
		t.Fatalf("after an idle hour SecondsSpent = %d, want %d (one heartbeat at most)", p.SecondsSpent, max)
	}
	_, err := f.svc.Progress.Heartbeat(ctx, learner, f.lesson.ID, -1)
	wantCode(t, err, lms.EINVALID)

	must(f.svc.Progress.CompleteLesson(ctx, learner, f.lesson.ID, true)).get(t)
	evs := f.pub.on(lms.FeedProgress, (f.a.ID))
	last := evs[len(evs)-1]
	if last.Kind != EventProgress || !last.Progress.Completed() || last.Course == nil || last.Course.Percent != 100 {
		t.Fatalf("last progress event = %+v", last)
	}
	cp := must(f.svc.Progress.CourseProgress(ctx, learner, f.a.ID, learner.ID)).get(t)
	if cp.Completed != 1 || cp.Total != 1 || cp.Percent != 100 || cp.LastLessonID != f.lesson.ID {
		t.Fatalf("course progress = %+v", cp)
	}
	rep := must(f.svc.Progress.ProgressReport(ctx, f.as("ta"), f.a.ID)).get(t)
	if len(rep.Learners) != 1 || rep.Rates[0].Percent != 100 || len(rep.Lessons) != 1 {
		t.Fatalf("report = %+v", rep)
	}
	var csv strings.Builder
	ok(t, f.svc.Progress.WriteProgressCSV(ctx, f.as("instructor"), f.a.ID, &csv))
	if !strings.HasPrefix(csv.String(), "username,name,completed,total,percent,seconds_spent,Intro\nlearner,N learner,1,1,100,") {
		t.Fatalf("CSV = %q", csv.String())
	}
}
