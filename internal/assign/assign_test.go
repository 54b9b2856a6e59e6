package assign

import (
	"archive/zip"
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestLatePenalties(t *testing.T) {
	cases := []struct {
		name    string
		policy  lms.LatePolicy
		at      time.Duration // after the due date
		open    bool
		percent float64
	}{
		{"on time", lms.LatePolicy{Unit: lms.LatePerDay, Percent: 10}, -time.Minute, true, 0},
		{"at the due date exactly", lms.LatePolicy{Unit: lms.LatePerDay, Percent: 10}, 0, true, 0},
		{"a minute late is a started day", lms.LatePolicy{Unit: lms.LatePerDay, Percent: 10}, time.Minute, true, 10},
		{"25 hours late is two days", lms.LatePolicy{Unit: lms.LatePerDay, Percent: 10}, 25 * time.Hour, true, 20},
		{"90 minutes late is two hours", lms.LatePolicy{Unit: lms.LatePerHour, Percent: 5}, 90 * time.Minute, true, 10},
		{"the penalty stops at the whole score", lms.LatePolicy{Unit: lms.LatePerHour, Percent: 30}, 47 * time.Hour, true, 100},
		{"no penalty policy", lms.LatePolicy{}, 30 * time.Hour, true, 0},
		{"at the cut-off still open", lms.LatePolicy{Unit: lms.LatePerDay, Percent: 10}, 48 * time.Hour, true, 20},
		{"after the cut-off closed", lms.LatePolicy{Unit: lms.LatePerDay, Percent: 10}, 48*time.Hour + time.Second, false, 30},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			a := f.create(t, Input{Late: c.policy, CutoffAt: t0.Add(48 * time.Hour)})
			f.clock.Set(t0.Add(c.at))
			p := must(f.svc.LatePenalty(t.Context(), f.as("learner3"), a.ID)).of(t)
			if p.Open != c.open || p.Percent != c.percent {
				t.Fatalf("penalty %+v, want open %v, %v %%", p, c.open, c.percent)
			}
			_, err := f.svc.Submit(t.Context(), f.as("learner3"), a.ID, Work{Text: "my essay", Final: true})
			if !c.open {
				wantCode(t, err, lms.EFORBIDDEN)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Graded, the penalty is taken off the score the grader gave.
			rows := must(f.svc.Submissions(t.Context(), f.as("ta"), a.ID, Filter{})).of(t)
			sub := rows[slices.IndexFunc(rows, func(r Row) bool { return r.UserID == f.as("learner3").ID })].Submission
			g := must(f.svc.Grade(t.Context(), f.as("ta"), sub.ID, Marking{Score: ptr(8.0), Release: true})).of(t)
			if want := 8 * (1 - c.percent/100); g.Grade() != want {
				t.Fatalf("grade %v (score %v, penalty %v), want %v", g.Grade(), g.Score, g.Penalty, want)
			}
		})
	}
}

func TestVersionsAreKeptUntilTheDueDate(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	a := f.create(t, Input{CutoffAt: t0.Add(24 * time.Hour)})
	me := f.as("learner3")
	for i, w := range []Work{{Text: "draft one"}, {Text: "draft two"}, {Text: "final", Final: true}, {Text: "final 2", Final: true}} {
		f.clock.Set(t0.Add(time.Duration(i-4) * time.Hour))
		must(f.svc.Submit(ctx, me, a.ID, w)).of(t)
	}
	m := must(f.svc.MySubmission(ctx, me, a.ID)).of(t)
	if len(m.Versions) != 4 || m.Submission.Version != 4 || m.Submission.Text != "final 2" ||
		m.Submission.Status != lms.SubmissionSubmitted || !m.Submission.SubmittedAt.Equal(t0.Add(-time.Hour)) {
		t.Fatalf("mine: %+v, %d versions", m.Submission, len(m.Versions))
	}
	for i, v := range m.Versions {
		if v.Number != i+1 || !v.CreatedAt.Equal(t0.Add(time.Duration(i-4)*time.Hour)) || v.By != me.ID {
			t.Fatalf("version %d: %+v", i, v)
		}
	}
	if m.Versions[0].Status != lms.SubmissionDraft || m.Versions[0].Text != "draft one" {
		t.Fatalf("first version: %+v", m.Versions[0])
	}
	f.clock.Set(t0.Add(time.Minute))
	_, err := f.svc.Submit(ctx, me, a.ID, Work{Text: "too late", Final: true})
	wantCode(t, err, lms.EFORBIDDEN)
	// Someone who has not submitted may still hand in late, until the cut-off.
	must(f.svc.Submit(ctx, f.as("learner"), f.create(t, Input{CutoffAt: t0.Add(time.Hour)}).ID, Work{Text: "late", Final: true})).of(t)
	_, err = f.svc.Submit(ctx, me, a.ID, Work{Final: true})
	wantCode(t, err, lms.EFORBIDDEN)
	f.clock.Set(t0.Add(-time.Hour))
	_, err = f.svc.Submit(ctx, f.as("learner2"), a.ID, Work{Final: true})
	wantCode(t, err, lms.EINVALID) // nothing to submit
	_, err = f.svc.Submit(ctx, f.as("ta"), a.ID, Work{Text: "x"})
	wantCode(t, err, lms.EFORBIDDEN) // staff do not hand in work
}

func TestGroupSubmissionGivesEveryMemberTheGrade(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	a := f.create(t, Input{GroupMode: true, OnlineText: true, Files: true, FileTypes: []string{"pdf"}})
	report := f.files.add(f.as("learner").ID, "report.pdf", "%PDF-1.4 report")
	must(f.svc.Submit(ctx, f.as("learner"), a.ID, Work{Text: "our work", Files: []int64{report}, Final: true})).of(t)
	// The other member sees and may resubmit the group's work, keeping the file.
	m := must(f.svc.MySubmission(ctx, f.as("learner2"), a.ID)).of(t)
	if m.Submission == nil || m.Submission.GroupID != f.group.ID || m.Submission.Text != "our work" {
		t.Fatalf("learner2 sees %+v", m.Submission)
	}
	sub := must(f.svc.Submit(ctx, f.as("learner2"), a.ID, Work{Text: "our work, v2", Files: []int64{report}, Final: true})).of(t)
	if sub.Version != 2 || sub.SubmittedBy != f.as("learner2").ID {
		t.Fatalf("resubmission: %+v", sub)
	}
	if got := f.files.refsOf(ref("submission", sub.ID)); !slices.Equal(got, []int64{report}) {
		t.Fatalf("refs %v", got)
	}
	_, err := f.svc.Submit(ctx, f.as("learner3"), a.ID, Work{Text: "alone", Final: true})
	wantCode(t, err, lms.EINVALID) // in no group

	must(f.svc.Grade(ctx, f.as("ta"), sub.ID, Marking{Score: ptr(9.0), FeedbackMD: "Good **team** <script>x</script>"})).of(t)
	for _, who := range []string{"learner", "learner2"} {
		row := must(f.book.MyGrades(ctx, f.as(who), f.course.ID)).of(t).Rows[0]
		if len(row.Grades) != 0 {
			t.Fatalf("%s sees an unreleased grade: %+v", who, row.Grades)
		}
		if m := must(f.svc.MySubmission(ctx, f.as(who), a.ID)).of(t); m.Submission.Graded || m.Submission.FeedbackMD != "" {
			t.Fatalf("%s sees unreleased feedback: %+v", who, m.Submission)
		}
	}
	if got := f.notes.list(); len(got) != 0 {
		t.Fatalf("notified before the release: %v", got)
	}
	released := must(f.svc.Release(ctx, f.as("ta"), a.ID, nil)).of(t)
	if len(released) != 1 {
		t.Fatalf("released %d", len(released))
	}
	// Both members are told their feedback is there, with a link to it.
	link := "/courses/" + itoa(f.course.ID) + "/assignments/" + itoa(a.ID)
	want := []string{itoa(f.as("learner").ID) + " feedback " + link, itoa(f.as("learner2").ID) + " feedback " + link}
	if got := f.notes.list(); !slices.Equal(got, want) {
		t.Fatalf("notifications %v, want %v", got, want)
	}
	for _, who := range []string{"learner", "learner2"} {
		row := must(f.book.MyGrades(ctx, f.as(who), f.course.ID)).of(t).Rows[0]
		if len(row.Grades) != 1 || row.Totals.Percent != 90 {
			t.Fatalf("%s: grades %+v totals %+v", who, row.Grades, row.Totals)
		}
		m := must(f.svc.MySubmission(ctx, f.as(who), a.ID)).of(t)
		if !m.Submission.Graded || m.Submission.Grade() != 9 || strings.Contains(m.Submission.FeedbackHTML, "<script") ||
			!strings.Contains(m.Submission.FeedbackHTML, "<strong>team</strong>") {
			t.Fatalf("%s sees %+v", who, m.Submission)
		}
	}
	if row := must(f.book.MyGrades(ctx, f.as("learner3"), f.course.ID)).of(t).Rows[0]; len(row.Grades) != 0 {
		t.Fatalf("learner3 got the group's grade")
	}
}

func TestRubricScoreAndReleaseOneByOne(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	rubric := &lms.Rubric{Criteria: []lms.RubricCriterion{
		{Title: "Argument", Levels: []lms.RubricLevel{{Title: "Weak", Points: 1}, {Title: "Strong", Points: 6}}},
		{Title: "Style", Levels: []lms.RubricLevel{{Title: "Poor", Points: 0}, {Title: "Fair", Points: 2}, {Title: "Fine", Points: 4}}},
	}}
	a := f.create(t, Input{Rubric: rubric, MaxPoints: 99})
	if a.MaxPoints != 10 {
		t.Fatalf("max points %v, want the rubric's 10", a.MaxPoints)
	}
	s1 := must(f.svc.Submit(ctx, f.as("learner"), a.ID, Work{Text: "one", Final: true})).of(t)
	s2 := must(f.svc.Submit(ctx, f.as("learner2"), a.ID, Work{Text: "two", Final: true})).of(t)
	g := must(f.svc.Grade(ctx, f.as("ta"), s1.ID, Marking{RubricLevels: []int{1, 1}})).of(t)
	if g.Score != 8 {
		t.Fatalf("rubric score %v, want 8", g.Score)
	}
	for _, bad := range [][]int{{1}, {2, 0}, {0, -1}} {
		_, err := f.svc.Grade(ctx, f.as("ta"), s2.ID, Marking{RubricLevels: bad})
		wantCode(t, err, lms.EINVALID)
	}
	_, err := f.svc.Grade(ctx, f.as("ta"), s2.ID, Marking{Score: ptr(11.0)})
	wantCode(t, err, lms.EINVALID)
	must(f.svc.Grade(ctx, f.as("ta"), s2.ID, Marking{Score: ptr(3.0)})).of(t)
	must(f.svc.Release(ctx, f.as("ta"), a.ID, []int64{s1.ID})).of(t)
	if m := must(f.svc.MySubmission(ctx, f.as("learner"), a.ID)).of(t); !m.Submission.Released || !slices.Equal(m.Submission.RubricLevels, []int{1, 1}) {
		t.Fatalf("learner: %+v", m.Submission)
	}
	if m := must(f.svc.MySubmission(ctx, f.as("learner2"), a.ID)).of(t); m.Submission.Graded || m.Submission.RubricLevels != nil {
		t.Fatalf("learner2 sees an unreleased grade: %+v", m.Submission)
	}
	// A gradebook that lost the reports gets them back, once each.
	items := must(f.st.ListGradeItems(ctx, f.course.ID)).of(t)
	if err := f.st.DeleteGradeItem(ctx, items[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := must(f.svc.Resync(ctx, f.as("ta"), a.ID)).of(t); n != 2 {
		t.Fatalf("resynced %d", n)
	}
	must(f.svc.Resync(ctx, f.as("ta"), a.ID)).of(t)
	book := must(f.book.Book(ctx, f.as("ta"), f.course.ID)).of(t)
	if len(book.Items) != 1 || len(book.Rows[0].Grades) != 1 || len(book.Rows[1].Grades) != 1 {
		t.Fatalf("after resync: %d items, rows %+v", len(book.Items), book.Rows)
	}
	entries := must(f.st.ListAudit(ctx, lms.AuditFilter{Action: lms.AuditSubmissionGrade})).of(t)
	if len(entries) != 2 || entries[1].ActorID != f.as("ta").ID {
		t.Fatalf("audit: %+v", entries)
	}
}

func TestSubmissionsTableAndFiles(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	a := f.create(t, Input{OnlineText: true, Files: true, FileTypes: []string{"pdf", "txt"}, MaxFileBytes: 20, MaxFiles: 2,
		InstructionsMD: "# Task\n<script>alert(1)</script><img src=x onerror=alert(1)>", CutoffAt: t0.Add(time.Hour)})
	if strings.Contains(a.InstructionsHTML, "script") || strings.Contains(a.InstructionsHTML, "onerror") ||
		!strings.Contains(a.InstructionsHTML, "<h1>Task</h1>") {
		t.Fatalf("instructions not sanitised: %s", a.InstructionsHTML)
	}
	me := f.as("learner")
	cases := map[string]struct {
		files []int64
		code  string
	}{
		"a refused type":        {[]int64{f.files.add(me.ID, "virus.exe", "MZ")}, lms.EUNSUPPORTED},
		"too large":             {[]int64{f.files.add(me.ID, "big.pdf", strings.Repeat("x", 21))}, lms.ETOOLARGE},
		"someone else's upload": {[]int64{f.files.add(f.as("learner2").ID, "theirs.pdf", "x")}, lms.EINVALID},
		"no such upload":        {[]int64{999}, lms.EINVALID},
		"too many files":        {[]int64{f.files.add(me.ID, "a.txt", "a"), f.files.add(me.ID, "b.txt", "b"), f.files.add(me.ID, "c.txt", "c")}, lms.EINVALID},
	}
	for name, c := range cases {
		_, err := f.svc.Submit(ctx, me, a.ID, Work{Files: c.files, Final: true})
		if lms.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	doc := f.files.add(me.ID, "Essay: final.PDF", "%PDF essay")
	must(f.svc.Submit(ctx, me, a.ID, Work{Text: "see file", Files: []int64{doc}, Final: true})).of(t)
	f.clock.Set(t0.Add(30 * time.Minute))
	late := must(f.svc.Submit(ctx, f.as("learner2"), a.ID, Work{Text: "late work", Final: true})).of(t)
	must(f.svc.Submit(ctx, f.as("learner3"), a.ID, Work{Text: "just a draft"})).of(t)
	must(f.svc.Grade(ctx, f.as("instructor"), late.ID, Marking{Score: ptr(5.0)})).of(t)

	state := func(flt Filter) map[string]string {
		out := map[string]string{}
		for _, r := range must(f.svc.Submissions(ctx, f.as("ta"), a.ID, flt)).of(t) {
			out[r.Name] = r.State
			if r.Late > 0 && r.Late != 30*time.Minute {
				t.Errorf("%s late by %v", r.Name, r.Late)
			}
		}
		return out
	}
	all := state(Filter{})
	if all["N learner"] != StateSubmitted || all["N learner2"] != StateGraded || all["N learner3"] != StateDraft || len(all) != 3 {
		t.Fatalf("table: %v", all)
	}
	if got := state(Filter{Late: true}); len(got) != 1 || got["N learner2"] == "" {
		t.Fatalf("late: %v", got)
	}
	if got := state(Filter{State: StateSubmitted}); len(got) != 1 || got["N learner"] == "" {
		t.Fatalf("submitted: %v", got)
	}
	if got := state(Filter{Unreleased: true}); len(got) != 1 || got["N learner2"] == "" {
		t.Fatalf("unreleased: %v", got)
	}
	missing := f.create(t, Input{Title: "Other"})
	if got := must(f.svc.Submissions(ctx, f.as("ta"), missing.ID, Filter{State: StateMissing})).of(t); len(got) != 3 {
		t.Fatalf("missing: %d", len(got))
	}

	var buf bytes.Buffer
	if err := f.svc.DownloadAll(ctx, f.as("ta"), a.ID, &buf); err != nil {
		t.Fatal(err)
	}
	zr := must(zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))).of(t)
	got := map[string]string{}
	for _, zf := range zr.File {
		rc := must(zf.Open()).of(t)
		b := must(io.ReadAll(rc)).of(t)
		_ = rc.Close()
		got[zf.Name] = string(b)
	}
	id := func(n string) string { return itoa(f.as(n).ID) }
	want := map[string]string{
		"N learner (" + id("learner") + ")/text.md":          "see file",
		"N learner (" + id("learner") + ")/Essay_ final.PDF": "%PDF essay",
		"N learner2 (" + id("learner2") + ")/text.md":        "late work",
	}
	if len(got) != len(want) {
		t.Fatalf("zip has %v, want %v", keys(got), keys(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("zip entry %q = %q, want %q (entries %v)", k, got[k], v, keys(got))
		}
	}
}
