package assess

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/question"
)

// statsBins is how many equal bins the score distribution has (0-10 %,
// 10-20 % ... 90-100 %).
const statsBins = 10

// statsTopAnswers bounds the answer frequencies listed per question.
const statsTopAnswers = 10

// QuizStats are a quiz's statistics over its finished attempts.
type QuizStats struct {
	QuizID   int64 `json:"quiz_id"`
	Attempts int   `json:"attempts"` // finished attempts counted
	Learners int   `json:"learners"`
	// MeanPercent is the average score, 0..100.
	MeanPercent float64 `json:"mean_percent"`
	// Distribution counts attempts per 10 % band of the score: [0] is
	// 0 ≤ score < 10 %, …, [9] is 90 % ≤ score ≤ 100 %.
	Distribution []int `json:"distribution"`
	// AverageSeconds is the mean time from start to submission.
	AverageSeconds float64         `json:"average_seconds"`
	Questions      []QuestionStats `json:"questions"`
}

// QuestionStats describe one question (a version) over the attempts that
// asked it.
type QuestionStats struct {
	QuestionID int64            `json:"question_id"`
	FamilyID   int64            `json:"family_id"`
	Version    int              `json:"version"`
	Title      string           `json:"title"`
	Type       lms.QuestionType `json:"type"`
	Asked      int              `json:"asked"`
	// Facility is the mean fraction of the marks earned, in percent.
	Facility float64 `json:"facility"`
	// Discrimination is the correlation (-1..1) between the question's
	// fraction and the rest of the attempt's score; nil with fewer than
	// two attempts or no spread.
	Discrimination *float64 `json:"discrimination,omitempty"`
	// Answers are the most frequent answers, most chosen first; Label
	// names a choice by its text, Right says it earns full credit.
	Answers []AnswerCount `json:"answers"`
}

// AnswerCount is how often one answer was given.
type AnswerCount struct {
	Key    string  `json:"key"`
	Label  string  `json:"label"`
	Count  int     `json:"count"`
	Credit float64 `json:"credit"` // a choice's credit (single, multiple); 0 otherwise
}

// statsData is what Stats and ResponsesCSV gather: the finished attempts
// with their slots and the questions asked.
type statsData struct {
	quiz      *lms.Quiz
	attempts  []*lms.Attempt
	slots     map[int64][]*lms.AttemptSlot // by attempt id
	questions map[int64]*lms.Question      // by question id
}

func (s *Service) statsData(ctx context.Context, actor *lms.User, quizID int64) (*statsData, error) {
	q, _, err := s.quiz(ctx, actor, quizID, actSeeGrades)
	if err != nil {
		return nil, err
	}
	list, err := s.store.ListAttempts(ctx, lms.AttemptFilter{QuizID: quizID, State: lms.AttemptSubmitted})
	if err != nil {
		return nil, err
	}
	d := &statsData{quiz: q, slots: map[int64][]*lms.AttemptSlot{}, questions: map[int64]*lms.Question{}}
	var ids []int64
	for _, at := range list {
		if !at.Finished() {
			continue
		}
		d.attempts = append(d.attempts, at)
		sl, err := s.store.AttemptSlots(ctx, at.ID)
		if err != nil {
			return nil, err
		}
		d.slots[at.ID] = sl
		for _, x := range sl {
			if _, ok := d.questions[x.QuestionID]; !ok {
				d.questions[x.QuestionID] = nil
				ids = append(ids, x.QuestionID)
			}
		}
	}
	if len(ids) > 0 {
		qs, err := s.store.QuestionsByIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, x := range qs {
			d.questions[x.ID] = x
		}
	}
	return d, nil
}

// Stats computes a quiz's statistics over its finished attempts
// (view_grades): score distribution, per-question facility, discrimination
// and answer frequencies, and the average time taken.
func (s *Service) Stats(ctx context.Context, actor *lms.User, quizID int64) (*QuizStats, error) {
	d, err := s.statsData(ctx, actor, quizID)
	if err != nil {
		return nil, err
	}
	st := &QuizStats{QuizID: quizID, Distribution: make([]int, statsBins), Questions: []QuestionStats{}}
	learners := map[int64]bool{}
	var sumPct, sumSecs float64
	type pair struct{ q, rest float64 }
	pairs := map[int64][]pair{}
	tallies := map[int64]*question.Tally{}
	var order []int64
	for _, at := range d.attempts {
		st.Attempts++
		learners[at.UserID] = true
		f := at.Fraction()
		sumPct += 100 * f
		st.Distribution[min(statsBins-1, max(0, int(f*statsBins)))]++
		sumSecs += at.SubmittedAt.Sub(at.StartedAt).Seconds()
		for _, sl := range d.slots[at.ID] {
			qq := d.questions[sl.QuestionID]
			if qq == nil || qq.Type == lms.QDescription {
				continue
			}
			if _, ok := pairs[qq.ID]; !ok {
				order = append(order, qq.ID)
				tallies[qq.ID] = question.NewTally(qq)
			}
			rest := 0.0
			if m := at.MaxPoints - sl.MaxPoints; m > 0 {
				rest = (at.Points - sl.Points) / m
			}
			frac := 0.0
			if sl.MaxPoints > 0 {
				frac = sl.Points / sl.MaxPoints
			}
			pairs[qq.ID] = append(pairs[qq.ID], pair{frac, rest})
			if sl.Response != nil {
				tallies[qq.ID].Add(*sl.Response)
			}
		}
	}
	st.Learners = len(learners)
	if st.Attempts > 0 {
		st.MeanPercent = sumPct / float64(st.Attempts)
		st.AverageSeconds = sumSecs / float64(st.Attempts)
	}
	for _, id := range order {
		qq := d.questions[id]
		ps := pairs[id]
		qs := QuestionStats{QuestionID: id, FamilyID: qq.FamilyID, Version: qq.Version, Title: qq.Title,
			Type: qq.Type, Asked: len(ps), Answers: answerCounts(qq, tallies[id])}
		xs, ys := make([]float64, len(ps)), make([]float64, len(ps))
		sum := 0.0
		for i, p := range ps {
			xs[i], ys[i] = p.q, p.rest
			sum += p.q
		}
		qs.Facility = 100 * sum / float64(len(ps))
		if r, ok := correlation(xs, ys); ok {
			qs.Discrimination = &r
		}
		st.Questions = append(st.Questions, qs)
	}
	return st, nil
}

// answerCounts lists a tally's most frequent answers, choices named by their
// text.
func answerCounts(q *lms.Question, t *question.Tally) []AnswerCount {
	choices := map[string]lms.Choice{}
	if q.Body.Choice != nil {
		for _, c := range q.Body.Choice.Choices {
			choices[c.ID] = c
		}
	}
	out := []AnswerCount{}
	for _, c := range question.Top(t.Counts, statsTopAnswers) {
		ac := AnswerCount{Key: c.Key, Label: c.Key, Count: c.Count}
		if ch, ok := choices[c.Key]; ok {
			ac.Label, ac.Credit = ch.TextMD, ch.Fraction
		}
		out = append(out, ac)
	}
	return out
}

// correlation is Pearson's coefficient of xs and ys; false when it is not
// defined (fewer than two values, or one side without spread).
func correlation(xs, ys []float64) (float64, bool) {
	n := float64(len(xs))
	if len(xs) < 2 {
		return 0, false
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx < 1e-12 || syy < 1e-12 {
		return 0, false
	}
	return sxy / math.Sqrt(sxx*syy), true
}

// ResponsesCSV writes every answer of the quiz's finished attempts as CSV
// (view_grades), one row per attempt and question: the attempt, the
// learner, the question, the stored answer as JSON, the marks.
func (s *Service) ResponsesCSV(ctx context.Context, actor *lms.User, quizID int64, w io.Writer) error {
	d, err := s.statsData(ctx, actor, quizID)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"attempt_id", "user_id", "attempt", "started_at", "submitted_at", "slot", "question_id",
		"question_title", "type", "response", "state", "points", "max_points"})
	sort.Slice(d.attempts, func(i, j int) bool { return d.attempts[i].ID < d.attempts[j].ID })
	ff := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	for _, at := range d.attempts {
		for _, sl := range d.slots[at.ID] {
			title, typ := "", ""
			if qq := d.questions[sl.QuestionID]; qq != nil {
				title, typ = qq.Title, string(qq.Type)
			}
			resp := ""
			if sl.Response != nil {
				b, _ := json.Marshal(sl.Response)
				resp = string(b)
			}
			_ = cw.Write([]string{strconv.FormatInt(at.ID, 10), strconv.FormatInt(at.UserID, 10),
				strconv.Itoa(at.Number), at.StartedAt.UTC().Format(time.RFC3339), at.SubmittedAt.UTC().Format(time.RFC3339),
				strconv.Itoa(sl.Slot + 1), strconv.FormatInt(sl.QuestionID, 10), defuse(title), typ, defuse(resp),
				sl.State, ff(sl.Points), ff(sl.MaxPoints)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from running a cell as a formula.
func defuse(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
