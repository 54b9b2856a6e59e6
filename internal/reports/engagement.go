package reports

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Engagement is a course's engagement over a period of whole UTC days.
type Engagement struct {
	CourseID int64     `json:"course_id"`
	From     time.Time `json:"from"` // first day
	To       time.Time `json:"to"`   // the day after the last
	Learners int       `json:"learners"`
	// Days has every day of the period, oldest first (zero when quiet).
	Days    []lms.ActivityDay `json:"days"`
	Lessons []LessonRow       `json:"lessons"` // published lessons in course order
	Modules []ModuleFunnel    `json:"modules"` // in course order
	Live    []LiveRow         `json:"live"`    // sessions started in the period, oldest first
}

// LessonRow is one lesson's views and time over the period.
type LessonRow struct {
	LessonID int64  `json:"lesson_id"`
	Module   string `json:"module"`
	Title    string `json:"title"`
	Views    int    `json:"views"`    // learner-days on the lesson
	Learners int    `json:"learners"` // distinct learners
	Minutes  int64  `json:"minutes"`  // time spent, rounded to the minute
}

// ModuleFunnel is how far the active learners got in one module: Started
// opened at least one of its published lessons, Completed completed all of
// them (percentages of Learners, rounded down).
type ModuleFunnel struct {
	ModuleID         int64  `json:"module_id"`
	Title            string `json:"title"`
	Lessons          int    `json:"lessons"`
	Learners         int    `json:"learners"`
	Started          int    `json:"started"`
	Completed        int    `json:"completed"`
	StartedPercent   int    `json:"started_percent"`
	CompletedPercent int    `json:"completed_percent"`
}

// LiveRow is one live session: how many people attended and for how long
// in total.
type LiveRow struct {
	SessionID int64     `json:"session_id"`
	Room      string    `json:"room"`
	StartedAt time.Time `json:"started_at"`
	People    int       `json:"people"`
	Minutes   int64     `json:"minutes"` // everyone's presence added up
}

// Engagement returns the course's engagement over the days [from, to) (see
// Period) for those who see grades.
func (s *Service) Engagement(ctx context.Context, actor *lms.User, courseID int64, from, to time.Time) (*Engagement, error) {
	if _, err := s.staff(ctx, actor, courseID); err != nil {
		return nil, err
	}
	from, to, err := s.Period(from, to)
	if err != nil {
		return nil, err
	}
	r := &Engagement{CourseID: courseID, From: from, To: to, Days: []lms.ActivityDay{}, Lessons: []LessonRow{},
		Modules: []ModuleFunnel{}, Live: []LiveRow{}}
	if _, r.Learners, err = s.p.Store.ListEnrollments(ctx, lms.EnrollmentFilter{CourseID: courseID,
		Role: lms.CourseLearner, Status: lms.EnrollActive, Limit: 1}); err != nil {
		return nil, err
	}
	// The three parts read different tables and fill different fields:
	// read at once, the report takes as long as its slowest part (the
	// days over a year) instead of their sum.
	err = concurrently(ctx,
		func(ctx context.Context) error { return s.days(ctx, r) },
		func(ctx context.Context) error { return s.lessonsAndModules(ctx, r) },
		func(ctx context.Context) error { return s.live(ctx, actor, r) })
	if err != nil {
		return nil, err
	}
	return r, nil
}

// concurrently runs the parts, each in its own goroutine, and returns the
// first error; the others' context is cancelled when one fails.
func concurrently(ctx context.Context, parts ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(parts)) // buffered: a send never waits
	for _, part := range parts {
		go func() {
			err := part(ctx)
			errs <- err // before cancelling, so the cause comes first
			if err != nil {
				cancel()
			}
		}()
	}
	var first error
	for range parts {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// days fills every day of the period, the quiet ones with zeros.
func (s *Service) days(ctx context.Context, r *Engagement) error {
	days, err := s.p.Store.CourseActivityDays(ctx, r.CourseID, r.From, r.To)
	if err != nil {
		return err
	}
	for d, i := r.From, 0; d.Before(r.To); d = d.Add(lms.Day) {
		if i < len(days) && days[i].Day.Equal(d) {
			r.Days = append(r.Days, *days[i])
			i++
			continue
		}
		r.Days = append(r.Days, lms.ActivityDay{Day: d})
	}
	return nil
}

// live fills the live sessions started in the period.
func (s *Service) live(ctx context.Context, actor *lms.User, r *Engagement) error {
	att, err := s.p.Attendance.AttendanceReport(ctx, actor, r.CourseID, r.From, r.To)
	if err != nil {
		return err
	}
	for _, sess := range att.Sessions {
		row := LiveRow{SessionID: sess.SessionID, Room: sess.RoomName, StartedAt: sess.StartedAt, People: len(sess.People)}
		var secs int64
		for _, p := range sess.People {
			secs += p.Seconds
		}
		row.Minutes = (secs + 30) / 60
		r.Live = append(r.Live, row)
	}
	return nil
}

// lessonsAndModules fills the lesson rows and the module funnel.
func (s *Service) lessonsAndModules(ctx context.Context, r *Engagement) error {
	modules, err := s.p.Store.ListModules(ctx, r.CourseID)
	if err != nil {
		return err
	}
	lessons, err := s.p.Store.ListLessons(ctx, r.CourseID, false)
	if err != nil {
		return err
	}
	activity, err := s.p.Store.CourseLessonActivity(ctx, r.CourseID, r.From, r.To)
	if err != nil {
		return err
	}
	progress, err := s.p.Store.ModuleLearners(ctx, r.CourseID)
	if err != nil {
		return err
	}
	byLesson := map[int64]*lms.LessonActivity{}
	for _, a := range activity {
		byLesson[a.LessonID] = a
	}
	names := map[int64]string{}
	published := map[int64]int{}
	for _, m := range modules {
		names[m.ID] = m.Title
	}
	for _, l := range lessons {
		if l.Draft {
			continue
		}
		published[l.ModuleID]++
		row := LessonRow{LessonID: l.ID, Module: names[l.ModuleID], Title: l.Title}
		if a := byLesson[l.ID]; a != nil {
			row.Views, row.Learners, row.Minutes = a.Views, a.Learners, (a.Seconds+30)/60
		}
		r.Lessons = append(r.Lessons, row)
	}
	started, completed := map[int64]int{}, map[int64]int{}
	for _, p := range progress {
		if p.Opened > 0 {
			started[p.ModuleID]++
		}
		if n := published[p.ModuleID]; n > 0 && p.Completed >= n {
			completed[p.ModuleID]++
		}
	}
	for _, m := range modules {
		f := ModuleFunnel{ModuleID: m.ID, Title: m.Title, Lessons: published[m.ID], Learners: r.Learners,
			Started: started[m.ID], Completed: completed[m.ID]}
		if r.Learners > 0 {
			f.StartedPercent, f.CompletedPercent = f.Started*100/r.Learners, f.Completed*100/r.Learners
		}
		r.Modules = append(r.Modules, f)
	}
	return nil
}
