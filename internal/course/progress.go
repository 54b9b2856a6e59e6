package course

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Progress owns learner progress: heartbeats, completion rules decided by
// the server, course progress and the instructor's report.
type Progress struct {
	core
	store        ProgressStore
	videos       VideoDurations
	maxHeartbeat time.Duration
}

// VideoDurations reads how long a lesson's uploaded video is.
type VideoDurations interface {
	LessonVideoDuration(ctx context.Context, l *lms.Lesson) (time.Duration, bool)
}

// NewProgress returns the Progress service; maxHeartbeat bounds the time
// one heartbeat adds (zero: DefaultMaxHeartbeat).
func NewProgress(b Base, st ProgressStore, videos VideoDurations, maxHeartbeat time.Duration) *Progress {
	return &Progress{core: newCore(b), store: st, videos: videos, maxHeartbeat: orDefault(maxHeartbeat, DefaultMaxHeartbeat)}
}

// apply runs fn in one transaction and announces what it records.
func (s *Progress) apply(ctx context.Context, fn func(tx *Progress, ch *change) error) ([]*lms.FeedPosition, error) {
	return apply(ctx, &s.core, s.store, func(st ProgressStore) *Progress { t := *s; t.store = st; return &t }, fn)
}

// summarize sums one learner's progress over the visible lessons.
func summarize(courseID, userID int64, states []*LessonState, progress map[int64]*lms.LessonProgress) *lms.CourseProgress {
	cp := &lms.CourseProgress{CourseID: courseID, UserID: userID, Total: len(states)}
	for _, st := range states {
		p := progress[st.ID]
		if p == nil {
			continue
		}
		if p.Completed() {
			cp.Completed++
		}
		if p.LastSeenAt.After(cp.LastActivity) {
			cp.LastActivity, cp.LastLessonID = p.LastSeenAt, p.LessonID
		}
	}
	if cp.Total > 0 {
		cp.Percent = cp.Completed * 100 / cp.Total
	}
	return cp
}

// learnerLesson loads a lesson the caller works through: they must be an
// active member and the lesson released to them. It also returns the
// caller's progress in the lesson (nil when never opened), read with the
// release state, so callers need not load it again.
func (s *Progress) learnerLesson(ctx context.Context, actor *lms.User, lessonID int64) (*lms.Lesson, *Access, *lms.LessonProgress, error) {
	l, a, err := loadLesson(ctx, &s.core, s.store, actor, lessonID, lms.ActViewContent)
	if err != nil {
		return nil, nil, nil, err
	}
	if a.Enrollment == nil {
		return nil, nil, nil, lms.Errorf(lms.EFORBIDDEN, "Only members of the course record progress.")
	}
	states, progress, err := lessonStates(ctx, &s.core, s.store, a)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, st := range states {
		if st.ID == l.ID && st.Locked {
			return nil, nil, nil, lms.Errorf(lms.EFORBIDDEN, "This lesson is not available yet. %s", st.LockedReason)
		}
	}
	return l, a, progress[l.ID], nil
}

// Heartbeat adds the time the caller spent on a lesson page; see
// HeartbeatVideo.
func (s *Progress) Heartbeat(ctx context.Context, actor *lms.User, lessonID int64, seconds int) (*lms.LessonProgress, error) {
	return s.HeartbeatVideo(ctx, actor, lessonID, seconds, 0)
}

// HeartbeatVideo adds the time the caller spent on a lesson page. The time
// counted is bounded by MaxHeartbeat and by the time since the previous
// heartbeat (plus a little slack), so a client cannot inflate it.
// videoPercent (0..100) is the furthest point of the lesson's video the
// caller watched; the furthest ever reported is kept, and a lesson with
// the video rule completes once it reaches the lesson's percentage. When
// the lesson's video is an uploaded MP4, the server knows its length and
// caps the position by the time that passed (see boundVideoPercent).
func (s *Progress) HeartbeatVideo(ctx context.Context, actor *lms.User, lessonID int64, seconds, videoPercent int) (*lms.LessonProgress, error) {
	l, a, prev, err := s.learnerLesson(ctx, actor, lessonID)
	if err != nil {
		return nil, err
	}
	if seconds < 0 {
		return nil, lms.FieldError("seconds", "The seconds must not be negative.")
	}
	if videoPercent < 0 || videoPercent > 100 {
		return nil, lms.FieldError("video_percent", "The video percentage must be between 0 and 100.")
	}
	now := s.now()
	add := min(time.Duration(seconds)*time.Second, s.maxHeartbeat)
	if prev != nil && !prev.LastSeenAt.IsZero() {
		add = min(add, max(now.Sub(prev.LastSeenAt)+heartbeatSlack, 0))
	}
	if l.Rule() == lms.CompleteVideo && videoPercent > 0 {
		if d, ok := s.videos.LessonVideoDuration(ctx, l); ok {
			videoPercent = boundVideoPercent(videoPercent, prev, now, d)
		}
	}
	watched := videoPercent
	if prev != nil {
		watched = max(watched, prev.VideoPercent)
	}
	complete := l.Rule() == lms.CompleteViewed ||
		(l.Rule() == lms.CompleteVideo && watched >= l.CompletionPercent)
	return s.recordProgress(ctx, a, l, prev, lms.ProgressUpdate{UserID: actor.ID, LessonID: l.ID, At: now,
		AddSeconds: int(add / time.Second), VideoPercent: videoPercent, Complete: complete})
}

// recordProgress applies u and announces the new progress on the course's
// progress topic, with the learner's course summary when u completed the
// lesson (prev is the progress before, nil when never opened).
func (s *Progress) recordProgress(ctx context.Context, a *Access, l *lms.Lesson, prev *lms.LessonProgress, u lms.ProgressUpdate) (*lms.LessonProgress, error) {
	var p *lms.LessonProgress
	_, err := s.apply(ctx, func(tx *Progress, ch *change) error {
		var err error
		if p, err = tx.store.UpdateProgress(ctx, u); err != nil {
			return err
		}
		ev := Event{Kind: EventProgress, CourseID: l.CourseID, Progress: p}
		if p.Completed() != prev.Completed() {
			states, progress, err := lessonStates(ctx, &tx.core, tx.store, a)
			if err != nil {
				return err
			}
			ev.Course = summarize(l.CourseID, u.UserID, states, progress)
		}
		ch.announce(lms.FeedProgress, l.CourseID, ev)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// CompleteLesson marks a lesson complete for the caller (or not, with done
// false) and announces it on the course's progress topic. Only lessons
// with the manual rule are marked by hand: the others complete by their
// rule (EFORBIDDEN).
func (s *Progress) CompleteLesson(ctx context.Context, actor *lms.User, lessonID int64, done bool) (*lms.LessonProgress, error) {
	l, a, _, err := s.learnerLesson(ctx, actor, lessonID)
	if err != nil {
		return nil, err
	}
	switch l.Rule() {
	case lms.CompleteViewed:
		return nil, lms.Errorf(lms.EFORBIDDEN, "This lesson is completed automatically when you open it.")
	case lms.CompleteVideo:
		return nil, lms.Errorf(lms.EFORBIDDEN,
			"This lesson is completed automatically when you watch %d %% of its video.", l.CompletionPercent)
	case lms.CompleteQuizPassed:
		return nil, lms.Errorf(lms.EFORBIDDEN, "This lesson is completed automatically when you pass its quiz.")
	}
	var p *lms.LessonProgress
	_, err = s.apply(ctx, func(tx *Progress, ch *change) error {
		var err error
		p, err = tx.store.UpdateProgress(ctx, lms.ProgressUpdate{UserID: actor.ID, LessonID: l.ID, At: s.now(),
			Complete: done, Uncomplete: !done})
		if err != nil {
			return err
		}
		states, progress, err := lessonStates(ctx, &tx.core, tx.store, a)
		if err != nil {
			return err
		}
		cp := summarize(l.CourseID, actor.ID, states, progress)
		ch.announce(lms.FeedProgress, l.CourseID, Event{Kind: EventProgress, CourseID: l.CourseID, Progress: p, Course: cp})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// CourseProgress returns one learner's progress in the course: the
// caller's own, or anyone's for those who may view grades.
func (s *Progress) CourseProgress(ctx context.Context, actor *lms.User, courseID, userID int64) (*lms.CourseProgress, error) {
	a, err := s.load(ctx, actor, courseID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	if userID != actor.ID && !a.Can(lms.ActViewGrades) {
		return nil, errForbidden()
	}
	lessons, err := s.store.ListLessons(ctx, courseID, false)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.ListProgress(ctx, courseID, userID)
	if err != nil {
		return nil, err
	}
	progress := map[int64]*lms.LessonProgress{}
	for _, p := range rows {
		progress[p.LessonID] = p
	}
	return summarize(courseID, userID, release(lessons, progress, false, s.now()), progress), nil
}

// ProgressReport is the instructor's dashboard: learners x lessons.
type ProgressReport struct {
	CourseID int64         `json:"course_id"`
	Lessons  []*lms.Lesson `json:"lessons"` // published lessons in course order, without bodies
	Learners []LearnerRow  `json:"learners"`
	Rates    []LessonRate  `json:"rates"` // one per lesson, in the same order
}

// LearnerRow is one learner's line in the report.
type LearnerRow struct {
	UserID   int64                 `json:"user_id"`
	Username string                `json:"username"`
	Name     string                `json:"name"`
	Progress *lms.CourseProgress   `json:"progress"`
	Lessons  []*lms.LessonProgress `json:"lessons"` // per lesson in order; nil when never opened
}

// LessonRate is a lesson's completion rate over the learners.
type LessonRate struct {
	LessonID  int64 `json:"lesson_id"`
	Completed int   `json:"completed"`
	Learners  int   `json:"learners"`
	Percent   int   `json:"percent"`
}

// ProgressReport returns every active learner's progress (view_grades).
func (s *Progress) ProgressReport(ctx context.Context, actor *lms.User, courseID int64) (*ProgressReport, error) {
	if _, err := s.load(ctx, actor, courseID, lms.ActViewGrades); err != nil {
		return nil, err
	}
	lessons, err := s.store.ListLessons(ctx, courseID, false)
	if err != nil {
		return nil, err
	}
	published := []*lms.Lesson{}
	for _, l := range lessons {
		if !l.Draft {
			published = append(published, l)
		}
	}
	rows, err := s.store.ListProgress(ctx, courseID, 0)
	if err != nil {
		return nil, err
	}
	byUser := map[int64]map[int64]*lms.LessonProgress{}
	for _, p := range rows {
		if byUser[p.UserID] == nil {
			byUser[p.UserID] = map[int64]*lms.LessonProgress{}
		}
		byUser[p.UserID][p.LessonID] = p
	}
	rep := &ProgressReport{CourseID: courseID, Lessons: published, Learners: []LearnerRow{},
		Rates: make([]LessonRate, len(published))}
	for i, l := range published {
		rep.Rates[i].LessonID = l.ID
	}
	states := release(published, nil, true, s.now())
	for offset := 0; ; offset += lms.MaxPageSize {
		learners, total, err := s.store.ListEnrollments(ctx, lms.EnrollmentFilter{CourseID: courseID,
			Role: lms.CourseLearner, Status: lms.EnrollActive, Limit: lms.MaxPageSize, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, e := range learners {
			progress := byUser[e.UserID]
			row := LearnerRow{UserID: e.UserID, Username: e.Username, Name: e.Name,
				Progress: summarize(courseID, e.UserID, states, progress),
				Lessons:  make([]*lms.LessonProgress, len(published))}
			for i, l := range published {
				row.Lessons[i] = progress[l.ID]
				rep.Rates[i].Learners++
				if progress[l.ID].Completed() {
					rep.Rates[i].Completed++
				}
			}
			rep.Learners = append(rep.Learners, row)
		}
		if offset+len(learners) >= total || len(learners) == 0 {
			break
		}
	}
	for i := range rep.Rates {
		if r := &rep.Rates[i]; r.Learners > 0 {
			r.Percent = r.Completed * 100 / r.Learners
		}
	}
	return rep, nil
}

// WriteProgressCSV writes the report as CSV (view_grades): one row per
// learner, one column per lesson with the completion time (RFC 3339),
// "opened" or empty.
func (s *Progress) WriteProgressCSV(ctx context.Context, actor *lms.User, courseID int64, w io.Writer) error {
	rep, err := s.ProgressReport(ctx, actor, courseID)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := []string{"username", "name", "completed", "total", "percent", "seconds_spent"}
	for _, l := range rep.Lessons {
		header = append(header, csvSafe(l.Title))
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write progress csv: %w", err)
	}
	for _, r := range rep.Learners {
		spent := 0
		cells := make([]string, 0, len(r.Lessons))
		for _, p := range r.Lessons {
			switch {
			case p == nil:
				cells = append(cells, "")
			case p.Completed():
				spent += p.SecondsSpent
				cells = append(cells, p.CompletedAt.Format(time.RFC3339))
			default:
				spent += p.SecondsSpent
				cells = append(cells, "opened")
			}
		}
		rec := append([]string{csvSafe(r.Username), csvSafe(r.Name), strconv.Itoa(r.Progress.Completed),
			strconv.Itoa(r.Progress.Total), strconv.Itoa(r.Progress.Percent), strconv.Itoa(spent)}, cells...)
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write progress csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write progress csv: %w", err)
	}
	return nil
}

// csvSafe defuses spreadsheet formulas in a cell a person typed.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
