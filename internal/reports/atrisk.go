package reports

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Rules are the at-risk thresholds. A learner is at risk when any rule
// flags them; each flag is a Reason that says which rule and why.
type Rules struct {
	// InactiveDays flags a learner with no activity in the course (lesson
	// time, posts, chat, quiz attempts, submissions) for at least this many
	// days; a learner never active is flagged once enrolled this long.
	InactiveDays int `json:"inactive_days"`
	// MissedDeadlines flags a learner with at least this many published
	// assignments past their due time without a submission, or quizzes
	// closed (for them) without a submitted attempt.
	MissedDeadlines int `json:"missed_deadlines"`
	// LowScorePercent flags a learner whose course total (all graded items)
	// is below this percentage.
	LowScorePercent float64 `json:"low_score_percent"`
}

// DefaultRules are the thresholds unless configured (docs/architecture.md).
var DefaultRules = Rules{InactiveDays: 7, MissedDeadlines: 1, LowScorePercent: 50}

func (r Rules) withDefaults() Rules {
	if r.InactiveDays <= 0 {
		r.InactiveDays = DefaultRules.InactiveDays
	}
	if r.MissedDeadlines <= 0 {
		r.MissedDeadlines = DefaultRules.MissedDeadlines
	}
	if r.LowScorePercent <= 0 {
		r.LowScorePercent = DefaultRules.LowScorePercent
	}
	return r
}

// Reason codes.
const (
	ReasonInactive = "inactive"
	ReasonMissed   = "missed_deadlines"
	ReasonLowScore = "low_score"
)

// Reason is why a rule flagged a learner, in words.
type Reason struct {
	Rule string `json:"rule"`
	Text string `json:"text"`
}

// AtRiskLearner is one flagged learner.
type AtRiskLearner struct {
	UserID       int64                `json:"user_id"`
	Username     string               `json:"username"`
	Name         string               `json:"name"`
	LastActivity time.Time            `json:"last_activity,omitzero"`
	Missed       []lms.MissedDeadline `json:"missed"`
	Percent      *float64             `json:"percent,omitempty"` // course total when counted
	Reasons      []Reason             `json:"reasons"`
}

// AtRisk is a course's at-risk list, learners in enrolment order.
type AtRisk struct {
	CourseID int64           `json:"course_id"`
	Rules    Rules           `json:"rules"`
	Learners []AtRiskLearner `json:"learners"`
}

// AtRisk returns the learners the rules flag, each with its reasons, for
// those who see grades.
func (s *Service) AtRisk(ctx context.Context, actor *lms.User, courseID int64) (*AtRisk, error) {
	if _, err := s.staff(ctx, actor, courseID); err != nil {
		return nil, err
	}
	learners, err := s.learners(ctx, courseID)
	if err != nil {
		return nil, err
	}
	last, err := s.p.Store.LastActivity(ctx, courseID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	missed, err := s.missed(ctx, courseID, learners, now)
	if err != nil {
		return nil, err
	}
	book, err := s.p.Gradebook.Book(ctx, actor, courseID)
	if err != nil {
		return nil, err
	}
	pct := map[int64]float64{}
	for _, row := range book.Rows {
		if row.Totals.Counted {
			pct[row.UserID] = row.Totals.Percent
		}
	}
	r := &AtRisk{CourseID: courseID, Rules: s.p.Rules, Learners: []AtRiskLearner{}}
	for _, e := range learners {
		l := AtRiskLearner{UserID: e.UserID, Username: e.Username, Name: e.Name, LastActivity: last[e.UserID],
			Missed: missed[e.UserID]}
		if p, ok := pct[e.UserID]; ok {
			l.Percent = &p
		}
		l.Reasons = s.p.Rules.reasons(l, e.CreatedAt, now)
		if len(l.Reasons) > 0 {
			if l.Missed == nil {
				l.Missed = []lms.MissedDeadline{}
			}
			r.Learners = append(r.Learners, l)
		}
	}
	return r, nil
}

// reasons applies the rules to one learner enrolled at enrolled.
func (r Rules) reasons(l AtRiskLearner, enrolled, now time.Time) []Reason {
	var out []Reason
	limit := time.Duration(r.InactiveDays) * lms.Day
	switch {
	case l.LastActivity.IsZero() && now.Sub(enrolled) >= limit:
		out = append(out, Reason{ReasonInactive, fmt.Sprintf("No activity since enrolling %d days ago (threshold %d days).",
			int(now.Sub(enrolled)/lms.Day), r.InactiveDays)})
	case !l.LastActivity.IsZero() && now.Sub(l.LastActivity) >= limit:
		out = append(out, Reason{ReasonInactive, fmt.Sprintf("No activity for %d days (threshold %d days).",
			int(now.Sub(l.LastActivity)/lms.Day), r.InactiveDays)})
	}
	if n := len(l.Missed); n >= r.MissedDeadlines && n > 0 {
		titles := make([]string, n)
		for i, m := range l.Missed {
			titles[i] = fmt.Sprintf("%s (due %s)", m.Title, m.DueAt.UTC().Format("2 Jan"))
		}
		out = append(out, Reason{ReasonMissed, fmt.Sprintf("Missed %d deadline%s: %s.", n, plural(n),
			strings.Join(titles, ", "))})
	}
	if l.Percent != nil && *l.Percent < r.LowScorePercent {
		out = append(out, Reason{ReasonLowScore, fmt.Sprintf("Course grade %.0f%% is below %.0f%%.",
			round1(*l.Percent), r.LowScorePercent)})
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// missed returns each learner's missed assignments and quizzes, by due time.
func (s *Service) missed(ctx context.Context, courseID int64, learners []*lms.Enrollment, now time.Time) (map[int64][]lms.MissedDeadline, error) {
	out := map[int64][]lms.MissedDeadline{}
	list, err := s.p.Store.MissedAssignments(ctx, courseID, now)
	if err != nil {
		return nil, err
	}
	for _, m := range list {
		out[m.UserID] = append(out[m.UserID], *m)
	}
	quizzes, err := s.p.Store.ListQuizzes(ctx, courseID)
	if err != nil {
		return nil, err
	}
	var submitters map[int64]map[int64]bool
	for _, q := range quizzes {
		if q.Draft || q.ClosesAt.IsZero() {
			continue
		}
		overrides, err := s.p.Store.ListOverrides(ctx, q.ID)
		if err != nil {
			return nil, err
		}
		if submitters == nil {
			if submitters, err = s.p.Store.QuizSubmitters(ctx, courseID); err != nil {
				return nil, err
			}
		}
		for _, e := range learners {
			rules := *q
			for _, o := range overrides {
				if o.GroupID != 0 && o.GroupID == e.GroupID {
					rules = o.Apply(rules)
				}
			}
			for _, o := range overrides {
				if o.UserID == e.UserID {
					rules = o.Apply(rules)
				}
			}
			if rules.ClosesAt.IsZero() || rules.ClosesAt.After(now) || submitters[q.ID][e.UserID] {
				continue
			}
			out[e.UserID] = append(out[e.UserID], lms.MissedDeadline{UserID: e.UserID, Kind: "quiz", ID: q.ID,
				Title: q.Title, DueAt: rules.ClosesAt})
		}
	}
	for _, list := range out {
		sortMissed(list)
	}
	return out, nil
}

func sortMissed(list []lms.MissedDeadline) {
	slices.SortStableFunc(list, func(a, b lms.MissedDeadline) int { return a.DueAt.Compare(b.DueAt) })
}

// MaxMessage bounds the at-risk message's length.
const MaxMessage = 2000

// NotifyMessage is the notification kind of a message from course staff.
const NotifyMessage = "staff_message"

// Message sends text to learners of the course as an in-app notification
// (the at-risk list's one-click message), for those who see grades. Every
// recipient must be an active learner of the course. It returns how many
// were sent.
func (s *Service) Message(ctx context.Context, actor *lms.User, courseID int64, userIDs []int64, text string) (int, error) {
	a, err := s.staff(ctx, actor, courseID)
	if err != nil {
		return 0, err
	}
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return 0, lms.FieldError("text", "Write a message.")
	case len(text) > MaxMessage:
		return 0, lms.FieldError("text", "The message may be at most %d characters.", MaxMessage)
	case len(userIDs) == 0:
		return 0, lms.FieldError("user_ids", "Choose whom to send it to.")
	}
	learners, err := s.learners(ctx, courseID)
	if err != nil {
		return 0, err
	}
	ok := map[int64]bool{}
	for _, e := range learners {
		ok[e.UserID] = true
	}
	seen := map[int64]bool{}
	for _, id := range userIDs {
		if !ok[id] {
			return 0, lms.FieldError("user_ids", "User %d is not a learner of this course.", id)
		}
	}
	n := 0
	for _, id := range userIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		s.p.Notifier.Notify(ctx, id, NotifyMessage, map[string]any{"course_id": courseID, "course": a.Course.Title,
			"from_id": actor.ID, "from": actor.Name, "text": text})
		n++
	}
	return n, nil
}
