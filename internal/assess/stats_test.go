package assess

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestStatsAndResponsesCSV: two learners, one right on both questions, one
// right on one only; the statistics count what they did and the CSV lists
// every answer. Learners may not see either.
func TestStatsAndResponsesCSV(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	q1, q2 := f.add(tf("easy", true)), f.add(tf("hard", true))
	qz := f.quiz(nil, q1, q2)

	a := f.start(f.learner, qz)
	for slot := range 2 {
		_, err := f.svc.SaveAnswer(ctx, f.learner, a.Attempt.ID, slot, f.right(a, slot))
		must(t, err)
	}
	f.clock.Advance(90 * time.Second)
	_, err := f.svc.Submit(ctx, f.learner, a.Attempt.ID)
	must(t, err)

	b := f.start(f.learner2, qz)
	_, err = f.svc.SaveAnswer(ctx, f.learner2, b.Attempt.ID, 0, f.right(b, 0))
	must(t, err)
	no := false
	_, err = f.svc.SaveAnswer(ctx, f.learner2, b.Attempt.ID, 1, lms.Response{Bool: &no})
	must(t, err)
	f.clock.Advance(30 * time.Second)
	_, err = f.svc.Submit(ctx, f.learner2, b.Attempt.ID)
	must(t, err)

	st, err := f.svc.Stats(ctx, f.ta, qz.ID)
	must(t, err)
	if st.Attempts != 2 || st.Learners != 2 || st.MeanPercent != 75 {
		t.Fatalf("attempts %d learners %d mean %v, want 2, 2, 75", st.Attempts, st.Learners, st.MeanPercent)
	}
	if st.Distribution[5] != 1 || st.Distribution[9] != 1 {
		t.Errorf("distribution %v, want one at 50 %% and one at 100 %%", st.Distribution)
	}
	if st.AverageSeconds != 60 {
		t.Errorf("average time %v s, want 60", st.AverageSeconds)
	}
	if len(st.Questions) != 2 {
		t.Fatalf("%d questions, want 2", len(st.Questions))
	}
	byTitle := map[string]QuestionStats{}
	for _, q := range st.Questions {
		byTitle[q.Title] = q
	}
	if e, h := byTitle["easy"], byTitle["hard"]; e.Facility != 100 || h.Facility != 50 || h.Asked != 2 {
		t.Errorf("facility easy %v hard %v (asked %d), want 100 and 50", e.Facility, h.Facility, h.Asked)
	}
	if h := byTitle["hard"]; len(h.Answers) != 2 || h.Answers[0].Count != 1 {
		t.Errorf("answers to hard: %+v, want true and false once each", h.Answers)
	}
	if e := byTitle["easy"]; e.Discrimination != nil {
		t.Errorf("discrimination of a question everyone got right: %v, want none", *e.Discrimination)
	}

	var buf bytes.Buffer
	must(t, f.svc.ResponsesCSV(ctx, f.instructor, qz.ID, &buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	must(t, err)
	if len(rows) != 1+4 || rows[0][0] != "attempt_id" {
		t.Fatalf("csv has %d rows, want a header and 4: %q", len(rows), rows)
	}

	_, err = f.svc.Stats(ctx, f.learner, qz.ID)
	wantCode(t, err, lms.EFORBIDDEN)
	wantCode(t, f.svc.ResponsesCSV(ctx, f.learner, qz.ID, &buf), lms.EFORBIDDEN)
	_, err = f.svc.Stats(ctx, f.outsider, qz.ID)
	wantCode(t, err, lms.ENOTFOUND)
}
