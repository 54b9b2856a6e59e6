package course

import (
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// ruleLesson saves the fixture's lesson with rule and percent.
func ruleLesson(t *testing.T, f *fixture, rule lms.CompletionRule, percent int) *lms.Lesson {
	t.Helper()
	return must(f.svc.Content.UpdateLesson(t.Context(), f.as("instructor"), f.lesson.ID, LessonInput{Title: "Intro",
		BodyMD: "Hello", CompletionRule: rule, CompletionPercent: percent})).get(t)
}

// lastProgressEvent returns the last event on the course's progress topic.
func lastProgressEvent(t *testing.T, f *fixture) Event {
	t.Helper()
	evs := f.pub.on(lms.FeedProgress, (f.a.ID))
	if len(evs) == 0 {
		t.Fatal("no progress event")
	}
	return evs[len(evs)-1]
}

func TestCompletionRuleIsValidated(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name string
		in   LessonInput
		code string
	}{
		{"unknown rule", LessonInput{Title: "t", CompletionRule: "quiz"}, lms.EINVALID},
		{"video without a percentage", LessonInput{Title: "t", CompletionRule: lms.CompleteVideo}, lms.EINVALID},
		{"video above 100 %", LessonInput{Title: "t", CompletionRule: lms.CompleteVideo, CompletionPercent: 101}, lms.EINVALID},
		{"video below 0 %", LessonInput{Title: "t", CompletionRule: lms.CompleteVideo, CompletionPercent: -1}, lms.EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.svc.Content.UpdateLesson(t.Context(), f.as("instructor"), f.lesson.ID, c.in)
			wantCode(t, err, c.code)
		})
	}
	t.Run("a percentage with another rule is dropped", func(t *testing.T) {
		l := must(f.svc.Content.UpdateLesson(t.Context(), f.as("instructor"), f.lesson.ID,
			LessonInput{Title: "t", CompletionRule: lms.CompleteViewed, CompletionPercent: 50})).get(t)
		if l.CompletionRule != lms.CompleteViewed || l.CompletionPercent != 0 {
			t.Fatalf("saved %q %d, want viewed 0", l.CompletionRule, l.CompletionPercent)
		}
	})
	t.Run("no rule is manual", func(t *testing.T) {
		l := must(f.svc.Content.UpdateLesson(t.Context(), f.as("instructor"), f.lesson.ID, LessonInput{Title: "t"})).get(t)
		if l.CompletionRule != lms.CompleteManual {
			t.Fatalf("saved rule %q, want manual", l.CompletionRule)
		}
	})
}

func TestViewedLessonCompletesWhenOpened(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ruleLesson(t, f, lms.CompleteViewed, 0)
	learner := f.as("learner")
	st := must(f.svc.Content.GetLesson(ctx, learner, f.lesson.ID)).get(t)
	if !st.Progress.Completed() {
		t.Fatalf("opened lesson progress = %+v, want completed", st.Progress)
	}
	if ev := lastProgressEvent(t, f); !ev.Progress.Completed() || ev.Course == nil || ev.Course.Percent != 100 {
		t.Fatalf("progress event = %+v, want the completion with the course summary", ev)
	}
	_, err := f.svc.Progress.CompleteLesson(ctx, learner, f.lesson.ID, false)
	wantCode(t, err, lms.EFORBIDDEN)
	if st := must(f.svc.Content.GetLesson(ctx, f.as("instructor"), f.lesson.ID)).get(t); st.Progress != nil {
		t.Fatalf("staff opening the lesson recorded progress %+v", st.Progress)
	}
}

func TestVideoLessonCompletesAtItsPercentage(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ruleLesson(t, f, lms.CompleteVideo, 80)
	learner := f.as("learner")
	st := must(f.svc.Content.GetLesson(ctx, learner, f.lesson.ID)).get(t)
	if st.Progress.Completed() {
		t.Fatal("a video lesson completed on opening")
	}
	_, err := f.svc.Progress.CompleteLesson(ctx, learner, f.lesson.ID, true)
	wantCode(t, err, lms.EFORBIDDEN)
	for _, bad := range []int{-1, 101} {
		_, err := f.svc.Progress.HeartbeatVideo(ctx, learner, f.lesson.ID, 1, bad)
		wantCode(t, err, lms.EINVALID)
	}
	steps := []struct {
		report, kept int
		done         bool
	}{{50, 50, false}, {30, 50, false}, {79, 79, false}, {80, 80, true}, {10, 80, true}}
	for _, s := range steps {
		f.clock.Advance(5 * time.Second)
		p := must(f.svc.Progress.HeartbeatVideo(ctx, learner, f.lesson.ID, 5, s.report)).get(t)
		if p.VideoPercent != s.kept || p.Completed() != s.done {
			t.Fatalf("after reporting %d %%: kept %d %% completed %v, want %d %% %v",
				s.report, p.VideoPercent, p.Completed(), s.kept, s.done)
		}
	}
	evs := f.pub.on(lms.FeedProgress, (f.a.ID))
	completions := 0
	for _, ev := range evs {
		if ev.Course != nil {
			completions++
			if ev.Course.Percent != 100 {
				t.Fatalf("completion event summary = %+v", ev.Course)
			}
		}
	}
	if completions != 1 {
		t.Fatalf("%d events carried a course summary, want 1 (the completion)", completions)
	}
	cp := must(f.svc.Progress.CourseProgress(ctx, learner, f.a.ID, learner.ID)).get(t)
	if cp.Completed != 1 {
		t.Fatalf("course progress = %+v", cp)
	}
}

func TestVideoLessonCompletesWhenThePercentageIsLowered(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ruleLesson(t, f, lms.CompleteVideo, 90)
	learner := f.as("learner")
	if p := must(f.svc.Progress.HeartbeatVideo(ctx, learner, f.lesson.ID, 0, 60)).get(t); p.Completed() {
		t.Fatal("completed at 60 % of 90 %")
	}
	ruleLesson(t, f, lms.CompleteVideo, 50)
	if p := must(f.svc.Progress.Heartbeat(ctx, learner, f.lesson.ID, 0)).get(t); !p.Completed() || p.VideoPercent != 60 {
		t.Fatalf("after lowering to 50 %%: %+v, want completed at 60 %%", p)
	}
}
