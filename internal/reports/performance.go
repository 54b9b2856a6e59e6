package reports

import (
	"context"
	"slices"

	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// Bins is how many bands a grade distribution has: 0-9 %, 10-19 %, ...,
// 90-100 % (100 % falls in the last).
const Bins = 10

// Distribution is how a set of percentages spreads.
type Distribution struct {
	Count  int       `json:"count"`
	Mean   float64   `json:"mean"`   // percent, 0 when Count is 0
	Median float64   `json:"median"` // percent
	Bins   [Bins]int `json:"bins"`
}

// distribute returns the distribution of percentages.
func distribute(pcts []float64) Distribution {
	d := Distribution{Count: len(pcts)}
	if len(pcts) == 0 {
		return d
	}
	slices.Sort(pcts)
	var sum float64
	for _, p := range pcts {
		sum += p
		d.Bins[min(max(int(p/10), 0), Bins-1)]++
	}
	d.Mean = round1(sum / float64(len(pcts)))
	if n := len(pcts); n%2 == 1 {
		d.Median = round1(pcts[n/2])
	} else {
		d.Median = round1((pcts[n/2-1] + pcts[n/2]) / 2)
	}
	return d
}

// round1 rounds to one decimal.
func round1(x float64) float64 {
	if x < 0 {
		return -round1(-x)
	}
	return float64(int64(x*10+0.5)) / 10
}

// ItemDistribution is one gradebook item's grades.
type ItemDistribution struct {
	ItemID    int64   `json:"item_id"`
	Title     string  `json:"title"`
	MaxPoints float64 `json:"max_points"`
	Distribution
}

// QuizSummary is one quiz's item analysis (assess.Service.Stats) in short.
type QuizSummary struct {
	QuizID      int64         `json:"quiz_id"`
	Title       string        `json:"title"`
	Attempts    int           `json:"attempts"`
	Learners    int           `json:"learners"`
	MeanPercent float64       `json:"mean_percent"`
	Questions   []QuestionRow `json:"questions"`
}

// QuestionRow is one question's facility (mean share of the marks, percent)
// and discrimination (absent with too few attempts).
type QuestionRow struct {
	Title          string   `json:"title"`
	Asked          int      `json:"asked"`
	Facility       float64  `json:"facility"`
	Discrimination *float64 `json:"discrimination,omitempty"`
}

// Performance is a course's grades and quiz results.
type Performance struct {
	CourseID int64              `json:"course_id"`
	Items    []ItemDistribution `json:"grade_items"` // gradebook items in gradebook order (hidden ones too)
	Total    Distribution       `json:"total"`       // course totals of learners with a counted total
	Quizzes  []QuizSummary      `json:"quizzes"`
}

// effective returns a grade's points (the override when set) and whether it
// counts: graded and not excused.
func effective(g *lms.Grade) (float64, bool) {
	if g == nil || g.Excused || (!g.Graded && g.Override == nil) {
		return 0, false
	}
	if g.Override != nil {
		return *g.Override, true
	}
	return g.Points, true
}

// Performance returns the course's grade distributions and quiz item
// analysis, for those who see grades.
func (s *Service) Performance(ctx context.Context, actor *lms.User, courseID int64) (*Performance, error) {
	if _, err := s.staff(ctx, actor, courseID); err != nil {
		return nil, err
	}
	book, err := s.p.Gradebook.Book(ctx, actor, courseID)
	if err != nil {
		return nil, err
	}
	r := &Performance{CourseID: courseID, Items: []ItemDistribution{}, Quizzes: []QuizSummary{},
		Total: distribute(totals(book))}
	for _, it := range book.Items {
		var pcts []float64
		for _, row := range book.Rows {
			if pts, ok := effective(row.Grades[it.ID]); ok && it.MaxPoints > 0 {
				pcts = append(pcts, 100*pts/it.MaxPoints)
			}
		}
		r.Items = append(r.Items, ItemDistribution{ItemID: it.ID, Title: it.Title, MaxPoints: it.MaxPoints,
			Distribution: distribute(pcts)})
	}
	quizzes, err := s.p.Store.ListQuizzes(ctx, courseID)
	if err != nil {
		return nil, err
	}
	for _, q := range quizzes {
		st, err := s.p.Quizzes.Stats(ctx, actor, q.ID)
		if err != nil {
			return nil, err
		}
		qs := QuizSummary{QuizID: q.ID, Title: q.Title, Attempts: st.Attempts, Learners: st.Learners,
			MeanPercent: round1(st.MeanPercent), Questions: []QuestionRow{}}
		for _, qq := range st.Questions {
			qs.Questions = append(qs.Questions, QuestionRow{Title: qq.Title, Asked: qq.Asked,
				Facility: qq.Facility, Discrimination: qq.Discrimination})
		}
		r.Quizzes = append(r.Quizzes, qs)
	}
	return r, nil
}

// totals returns the counted course totals of the book's rows.
func totals(b *grades.Book) []float64 {
	var out []float64
	for _, row := range b.Rows {
		if row.Totals.Counted {
			out = append(out, row.Totals.Percent)
		}
	}
	return out
}
