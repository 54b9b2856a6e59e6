package reports

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// TimelineLimit is how many timeline entries a learner report shows.
const TimelineLimit = 100

// LearnerReport is one learner's report in a course.
type LearnerReport struct {
	CourseID int64               `json:"course_id"`
	UserID   int64               `json:"user_id"`
	Username string              `json:"username"`
	Name     string              `json:"name"`
	Progress *lms.CourseProgress `json:"progress"`
	Grades   []LearnerGrade      `json:"grades"` // gradebook order
	Total    *float64            `json:"total,omitempty"`
	Letter   string              `json:"letter,omitempty"`
	// Review lists the lessons to review next: lessons tagged on questions
	// the learner got wrong in their latest attempt of each quiz.
	Review   []ReviewLesson       `json:"review"`
	Timeline []*lms.TimelineEvent `json:"timeline"` // newest first
	// Reasons are the at-risk flags (staff only; empty for the learner).
	Reasons []Reason `json:"reasons"`
}

// LearnerGrade is one gradebook item for the learner.
type LearnerGrade struct {
	ItemID    int64    `json:"item_id"`
	Title     string   `json:"title"`
	MaxPoints float64  `json:"max_points"`
	Points    *float64 `json:"points,omitempty"` // absent when not graded (or not released, for the learner)
	Excused   bool     `json:"excused"`
}

// ReviewLesson is a lesson to review and the questions that point to it.
type ReviewLesson struct {
	LessonID  int64    `json:"lesson_id"`
	Title     string   `json:"title"`
	Questions []string `json:"questions"`
}

// Learner returns a learner's report: their own for a learner (only
// released grades), any active learner's for those who see grades.
func (s *Service) Learner(ctx context.Context, actor *lms.User, courseID, userID int64) (*LearnerReport, error) {
	a, err := s.p.Access.Load(ctx, actor, courseID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	staff := a.Can(lms.ActViewGrades)
	if userID != actor.ID && !staff {
		return nil, lms.Errorf(lms.EFORBIDDEN, "You may see only your own report.")
	}
	if userID != actor.ID { // staff read the reports of the course's members only
		if _, err := s.p.Store.EnrollmentOf(ctx, courseID, userID); lms.IsCode(err, lms.ENOTFOUND) {
			return nil, lms.Errorf(lms.ENOTFOUND, "This person is not a member of the course.")
		} else if err != nil {
			return nil, err
		}
	}
	u, err := s.p.Store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	r := &LearnerReport{CourseID: courseID, UserID: userID, Username: u.Username, Name: u.Name,
		Grades: []LearnerGrade{}, Review: []ReviewLesson{}, Reasons: []Reason{}}
	if r.Progress, err = s.p.Progress.CourseProgress(ctx, actor, courseID, userID); err != nil {
		return nil, err
	}
	var book *grades.Book
	if staff {
		book, err = s.p.Gradebook.Book(ctx, actor, courseID)
	} else {
		book, err = s.p.Gradebook.MyGrades(ctx, actor, courseID)
	}
	if err != nil {
		return nil, err
	}
	for _, row := range book.Rows {
		if row.UserID != userID {
			continue
		}
		for _, it := range book.Items {
			g := LearnerGrade{ItemID: it.ID, Title: it.Title, MaxPoints: it.MaxPoints}
			if gr := row.Grades[it.ID]; gr != nil {
				g.Excused = gr.Excused
				if pts, ok := effective(gr); ok {
					g.Points = &pts
				}
			}
			r.Grades = append(r.Grades, g)
		}
		if row.Totals.Counted {
			p := round1(row.Totals.Percent)
			r.Total, r.Letter = &p, row.Totals.Letter
		}
	}
	if r.Review, err = s.review(ctx, courseID, userID); err != nil {
		return nil, err
	}
	if r.Timeline, err = s.p.Store.LearnerTimeline(ctx, courseID, userID, TimelineLimit); err != nil {
		return nil, err
	}
	if staff {
		if r.Reasons, err = s.learnerReasons(ctx, courseID, userID, r.Total); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// review returns the lessons to review, with their titles.
func (s *Service) review(ctx context.Context, courseID, userID int64) ([]ReviewLesson, error) {
	wrong, err := s.p.Store.WrongAnswerLessons(ctx, courseID, userID)
	if err != nil || len(wrong) == 0 {
		return []ReviewLesson{}, err
	}
	lessons, err := s.p.Store.ListLessons(ctx, courseID, false)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*lms.Lesson{}
	for _, l := range lessons {
		byID[l.ID] = l
	}
	out := []ReviewLesson{}
	for _, w := range wrong {
		if l := byID[w.LessonID]; l != nil && !l.Draft {
			out = append(out, ReviewLesson{LessonID: l.ID, Title: l.Title, Questions: w.Questions})
		}
	}
	return out, nil
}

// learnerReasons applies the at-risk rules to one learner.
func (s *Service) learnerReasons(ctx context.Context, courseID, userID int64, total *float64) ([]Reason, error) {
	learners, err := s.learners(ctx, courseID)
	if err != nil {
		return nil, err
	}
	var me *lms.Enrollment
	for _, e := range learners {
		if e.UserID == userID {
			me = e
		}
	}
	if me == nil {
		return []Reason{}, nil
	}
	last, err := s.p.Store.LastActivity(ctx, courseID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	missed, err := s.missed(ctx, courseID, []*lms.Enrollment{me}, now)
	if err != nil {
		return nil, err
	}
	l := AtRiskLearner{LastActivity: last[userID], Missed: missed[userID], Percent: total}
	reasons := s.p.Rules.reasons(l, me.CreatedAt, now)
	if reasons == nil {
		reasons = []Reason{}
	}
	return reasons, nil
}

// Site is the administrators' site report.
type Site struct {
	lms.SiteCounts
	// Connections counts the live (WebSocket) connections this node holds now.
	Connections int       `json:"connections"`
	At          time.Time `json:"at"`
}

// Site returns the site report, for administrators.
func (s *Service) Site(ctx context.Context, actor *lms.User) (*Site, error) {
	if _, err := auth.RequireAdmin(actor); err != nil {
		return nil, err
	}
	now := s.now()
	c, err := s.p.Store.SiteCounts(ctx, now)
	if err != nil {
		return nil, err
	}
	r := &Site{SiteCounts: *c, At: now.UTC()}
	if s.p.Connections != nil {
		r.Connections = s.p.Connections()
	}
	return r, nil
}
