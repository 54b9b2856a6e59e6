package reports_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/reports"
	"github.com/lyceumhq/lyceum/internal/store"
)

func TestEngagementEqualsHandComputedFigures(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		r := must(w.svc.Engagement(t.Context(), w.as("ins"), w.course.ID, day(0, 0), day(10, 0))).of(t)
		if !r.From.Equal(day(0, 0)) || !r.To.Equal(day(11, 0)) || len(r.Days) != 11 || r.Learners != 3 {
			t.Fatalf("period %v..%v, %d days, %d learners; want 11 days from %v, 3 learners", r.From, r.To, len(r.Days), r.Learners, day(0, 0))
		}
		want := map[int]lms.ActivityDay{
			0: {Active: 1, Views: 2, Seconds: 180, Posts: 1}, // l1 read and posted: active once
			1: {Active: 2, Views: 2, Seconds: 330},           // the instructor's 100 s are not a learner's
			2: {Active: 1, Posts: 2},                         // the instructor's opening post counts, not as active
			3: {Active: 1, Messages: 2},
			9: {Active: 1, Views: 1, Seconds: 600},
		}
		for i, d := range r.Days {
			w := want[i]
			w.Day = day(i, 0)
			if diff := cmp.Diff(w, d); diff != "" {
				t.Errorf("day %d (-want +got):\n%s", i, diff)
			}
		}
		wantLessons := []reports.LessonRow{
			{LessonID: w.a.ID, Module: "M1", Title: "A", Views: 3, Learners: 2, Minutes: 8}, // 450 s
			{LessonID: w.b.ID, Module: "M1", Title: "B", Views: 1, Learners: 1, Minutes: 1},
			{LessonID: w.c.ID, Module: "M2", Title: "C", Views: 1, Learners: 1, Minutes: 10},
		}
		if diff := cmp.Diff(wantLessons, r.Lessons); diff != "" {
			t.Errorf("lessons (-want +got):\n%s", diff)
		}
		wantModules := []reports.ModuleFunnel{
			{ModuleID: w.m1.ID, Title: "M1", Lessons: 2, Learners: 3, Started: 2, Completed: 1, StartedPercent: 66, CompletedPercent: 33},
			{ModuleID: w.m2.ID, Title: "M2", Lessons: 1, Learners: 3, Started: 1, Completed: 1, StartedPercent: 33, CompletedPercent: 33},
		}
		if diff := cmp.Diff(wantModules, r.Modules); diff != "" {
			t.Errorf("modules (-want +got):\n%s", diff)
		}
		if len(r.Live) != 1 || r.Live[0].People != 2 || r.Live[0].Minutes != 40 || r.Live[0].Room != "Main" {
			t.Errorf("live = %+v, want one session in Main, 2 people, 40 minutes", r.Live)
		}
		// A shorter period counts only its days.
		r2 := must(w.svc.Engagement(t.Context(), w.as("ta"), w.course.ID, day(1, 0), day(1, 0))).of(t)
		if len(r2.Days) != 1 || r2.Days[0].Views != 2 || r2.Lessons[0].Views != 2 || r2.Lessons[1].Views != 0 {
			t.Errorf("day 1 only: days %+v lessons %+v", r2.Days, r2.Lessons)
		}
	})
}

func TestPerformanceEqualsHandComputedFigures(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		r := must(w.svc.Performance(t.Context(), w.as("ins"), w.course.ID)).of(t)
		if len(r.Items) != 1 {
			t.Fatalf("items = %+v, want the essay", r.Items)
		}
		want := reports.Distribution{Count: 2, Mean: 65, Median: 65}
		want.Bins[4], want.Bins[9] = 1, 1 // 40 % and 90 %
		if diff := cmp.Diff(want, r.Items[0].Distribution); diff != "" {
			t.Errorf("essay (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, r.Total); diff != "" {
			t.Errorf("course total (-want +got):\n%s", diff)
		}
		if len(r.Quizzes) != 1 || r.Quizzes[0].Title != "Quiz 1" || r.Quizzes[0].Questions[0].Title != "Q1" {
			t.Errorf("quizzes = %+v", r.Quizzes)
		}
	})
}

func TestAtRiskGivesEachReason(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		r := must(w.svc.AtRisk(t.Context(), w.as("ta"), w.course.ID)).of(t)
		got := map[string][]string{}
		for _, l := range r.Learners {
			for _, x := range l.Reasons {
				got[l.Username] = append(got[l.Username], x.Rule+": "+x.Text)
			}
		}
		want := map[string][]string{
			// l1: active yesterday, handed everything in, 90 %: not at risk.
			"l2": {"inactive: No activity for 7 days (threshold 7 days).", // last: the post on day 2 at 15:00
				"missed_deadlines: Missed 1 deadline: Essay (due 20 Mar).", // the quiz override runs to day 20
				"low_score: Course grade 40% is below 50%."},
			// l3: last active in the chat on day 3 at 11:00, 6 days 22 hours ago.
			"l3": {"missed_deadlines: Missed 2 deadlines: Essay (due 20 Mar), Quiz 1 (due 21 Mar)."},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("reasons (-want +got):\n%s", diff)
		}
		if r.Rules != reports.DefaultRules {
			t.Errorf("rules = %+v", r.Rules)
		}
	})
}

func TestLearnerReport(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		ctx := t.Context()
		must(w.svc.SetQuestionLessons(ctx, w.as("ins"), w.q1.ID, []int64{w.b.ID, w.b.ID})).of(t)
		_, err := w.svc.SetQuestionLessons(ctx, w.as("ta"), w.q1.ID, []int64{w.b.ID})
		wantCode(t, err, lms.EFORBIDDEN) // TAs do not edit content
		r := must(w.svc.Learner(ctx, w.as("l1"), w.course.ID, w.as("l1").ID)).of(t)
		if r.Progress.Completed != 3 || r.Progress.Total != 3 {
			t.Errorf("progress = %+v, want 3 of 3", r.Progress)
		}
		if len(r.Grades) != 1 || r.Grades[0].Points == nil || *r.Grades[0].Points != 9 || r.Total == nil || *r.Total != 90 {
			t.Errorf("grades = %+v total %v", r.Grades, r.Total)
		}
		if diff := cmp.Diff([]reports.ReviewLesson{{LessonID: w.b.ID, Title: "B", Questions: []string{"Q1"}}}, r.Review); diff != "" {
			t.Errorf("review (-want +got):\n%s", diff)
		}
		kinds := []string{}
		for _, e := range r.Timeline {
			kinds = append(kinds, e.Kind+" "+e.At.Format("01-02"))
		}
		wantKinds := []string{"lesson 03-23", "assignment 03-20", "quiz 03-18", "lesson 03-15", "post 03-14", "lesson 03-14", "lesson 03-14"}
		if diff := cmp.Diff(wantKinds, kinds); diff != "" {
			t.Errorf("timeline (-want +got):\n%s", diff)
		}
		if len(r.Reasons) != 0 {
			t.Errorf("the learner sees reasons %+v", r.Reasons)
		}
		staff := must(w.svc.Learner(ctx, w.as("ta"), w.course.ID, w.as("l3").ID)).of(t)
		if len(staff.Reasons) != 1 || staff.Reasons[0].Rule != reports.ReasonMissed {
			t.Errorf("l3's reasons for staff = %+v, want the missed deadlines", staff.Reasons)
		}
	})
}

func TestPermissions(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		ctx := t.Context()
		id := w.course.ID
		for _, tc := range []struct {
			who  string
			code string // "" allowed
		}{{"l1", lms.EFORBIDDEN}, {"outsider", lms.ENOTFOUND}, {"ta", ""}, {"ins", ""}, {"admin", ""}} {
			_, err := w.svc.Engagement(ctx, w.as(tc.who), id, time.Time{}, time.Time{})
			wantCode(t, err, tc.code)
			_, err = w.svc.Performance(ctx, w.as(tc.who), id)
			wantCode(t, err, tc.code)
			_, err = w.svc.AtRisk(ctx, w.as(tc.who), id)
			wantCode(t, err, tc.code)
			_, err = w.svc.Learner(ctx, w.as(tc.who), id, w.as("l2").ID)
			wantCode(t, err, tc.code)
		}
		_, err := w.svc.Engagement(ctx, nil, id, time.Time{}, time.Time{})
		wantCode(t, err, lms.EUNAUTHORIZED)
		must(w.svc.Learner(ctx, w.as("l2"), id, w.as("l2").ID)).of(t)     // one's own
		_, err = w.svc.Learner(ctx, w.as("ins"), id, w.as("outsider").ID) // not a member: not even their name
		wantCode(t, err, lms.ENOTFOUND)
		for _, who := range []string{"l1", "ins"} {
			_, err = w.svc.Site(ctx, w.as(who))
			wantCode(t, err, lms.EFORBIDDEN)
		}
		site := must(w.svc.Site(ctx, w.as("admin"))).of(t)
		if site.Courses != 2 || site.Users != 7 || site.Connections != 3 {
			t.Errorf("site = %+v, want 2 courses, 7 users, 3 connections", site)
		}
		_, err = w.svc.Engagement(ctx, w.as("ins"), id, day(5, 0), day(1, 0))
		wantCode(t, err, lms.EINVALID)
	})
}

func TestMessageReachesOnlyLearners(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		ctx := t.Context()
		l2, l3 := w.as("l2").ID, w.as("l3").ID
		n := must(w.svc.Message(ctx, w.as("ta"), w.course.ID, []int64{l2, l3, l2}, "  Can we help?  ")).of(t)
		if n != 2 || len(w.note.sent) != 2 || w.note.sent[0].user != l2 || w.note.sent[1].payload["text"] != "Can we help?" {
			t.Fatalf("sent %d: %+v", n, w.note.sent)
		}
		_, err := w.svc.Message(ctx, w.as("ta"), w.course.ID, []int64{w.as("outsider").ID}, "hi")
		wantCode(t, err, lms.EINVALID)
		_, err = w.svc.Message(ctx, w.as("ta"), w.course.ID, []int64{l2}, " ")
		wantCode(t, err, lms.EINVALID)
		_, err = w.svc.Message(ctx, w.as("l1"), w.course.ID, []int64{l2}, "hi")
		wantCode(t, err, lms.EFORBIDDEN)
		if len(w.note.sent) != 2 {
			t.Errorf("a refused message was sent: %+v", w.note.sent)
		}
	})
}

func TestCSVMatchesTheTable(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		r := must(w.svc.Engagement(t.Context(), w.as("ins"), w.course.ID, day(0, 0), day(10, 0))).of(t)
		if got := reports.TableNames(r); !slices.Equal(got, []string{"days", "lessons", "modules", "live"}) {
			t.Fatalf("tables = %v", got)
		}
		tb, _ := reports.FindTable(r, "lessons")
		var buf bytes.Buffer
		noErr(t, reports.WriteCSV(&buf, tb))
		rows := must(csv.NewReader(&buf).ReadAll()).of(t)
		want := [][]string{{"lesson_id", "module", "lesson", "views", "learners", "minutes"}}
		for _, l := range r.Lessons {
			want = append(want, []string{itoa(l.LessonID), l.Module, l.Title, itoa(int64(l.Views)), itoa(int64(l.Learners)), itoa(l.Minutes)})
		}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("lessons csv (-want +got):\n%s", diff)
		}
		days, _ := reports.FindTable(r, "days")
		if days.Rows[1][0] != "2026-03-15" || days.Rows[1][1] != "2" || days.Rows[1][3] != "6" { // 330 s
			t.Errorf("days row 1 = %v", days.Rows[1])
		}
		risk := must(w.svc.AtRisk(t.Context(), w.as("ins"), w.course.ID)).of(t)
		at, _ := reports.FindTable(risk, "at_risk")
		if len(at.Rows) != 2 || at.Rows[0][1] != "l2" || !strings.Contains(at.Rows[0][6], "below 50%") {
			t.Errorf("at-risk rows = %v", at.Rows)
		}
		buf.Reset()
		noErr(t, reports.WriteCSV(&buf, reports.Table{Name: "x", Header: []string{"a"}, Rows: [][]string{{"=1+1"}, {"-3"}}}))
		if buf.String() != "a\n'=1+1\n-3\n" {
			t.Errorf("formula cells = %q", buf.String())
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
