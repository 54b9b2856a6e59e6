package course

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/remind"
)

// Content owns modules and lessons: Markdown rendered and sanitised at
// save time, release rules, reordering, the outline and search.
type Content struct {
	core
	store    ContentStore
	uploads  *Uploads
	progress *Progress
	remind   bool // schedule "lesson released" notifications (UseReminders)
}

// UseReminders makes saving a lesson schedule its "new lesson released"
// notification (internal/remind) in the save's transaction; a runner must
// handle remind.JobKind. Call it before serving anyone.
func (s *Content) UseReminders() { s.remind = true }

// planRelease schedules (or, with deleted, cancels) the release
// notification of l in tx; old is l before the change, nil for a new one.
func (s *Content) planRelease(ctx context.Context, tx ContentStore, old, l *lms.Lesson, deleted bool) error {
	sch := remind.SchedulerIn(tx, s.now)
	if !s.remind || sch == nil {
		return nil
	}
	if deleted {
		return remind.CancelLesson(ctx, sch, l.ID)
	}
	return remind.PlanLesson(ctx, sch, s.now(), old, l)
}

// NewContent returns the Content service.
func NewContent(b Base, st ContentStore, uploads *Uploads, progress *Progress) *Content {
	return &Content{core: newCore(b), store: st, uploads: uploads, progress: progress}
}

// apply runs fn in one transaction and announces what it records.
func (s *Content) apply(ctx context.Context, fn func(tx *Content, ch *change) error) ([]*lms.FeedPosition, error) {
	return apply(ctx, &s.core, s.store, func(st ContentStore) *Content { t := *s; t.store = st; return &t }, fn)
}

// LessonInput is what an editor saves of a lesson.
type LessonInput struct {
	Title            string    `json:"title"`
	BodyMD           string    `json:"body_md"`
	Draft            bool      `json:"draft"`
	AvailableFrom    time.Time `json:"available_from,omitzero"`
	RequiresPrevious bool      `json:"requires_previous"`
	// CompletionRule is manual (the default when empty), viewed or video.
	CompletionRule lms.CompletionRule `json:"completion_rule,omitempty"`
	// CompletionPercent is how much of the video to watch (1..100) for the
	// video rule; ignored for the others.
	CompletionPercent int `json:"completion_percent,omitempty"`
}

// LessonState is a lesson in the outline as one caller sees it.
type LessonState struct {
	*lms.Lesson
	// Locked is true when a release rule holds the lesson back from the
	// caller; LockedReason says which.
	Locked       bool                `json:"locked"`
	LockedReason string              `json:"locked_reason,omitempty"`
	Progress     *lms.LessonProgress `json:"progress,omitempty"` // the caller's; nil when never opened
}

// ModuleOutline is a module with its lessons.
type ModuleOutline struct {
	*lms.Module
	Lessons []*LessonState `json:"lessons"`
}

// Outline is a course's table of contents for one caller: drafts only for
// those who may see them, release state and the caller's own progress.
type Outline struct {
	Course   *CourseView         `json:"course"`
	Modules  []*ModuleOutline    `json:"modules"`
	Progress *lms.CourseProgress `json:"progress"` // the caller's
}

// CreateModule appends a module to the course (edit_content).
func (s *Content) CreateModule(ctx context.Context, actor *lms.User, courseID int64, title string) (*lms.Module, error) {
	if _, err := s.load(ctx, actor, courseID, lms.ActEditContent); err != nil {
		return nil, err
	}
	m := &lms.Module{CourseID: courseID, Title: strings.TrimSpace(title)}
	if err := lms.CheckText("title", m.Title, lms.MaxTitleChars, true); err != nil {
		return nil, err
	}
	if err := s.store.CreateModule(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}

// module loads a module and the caller's access to its course.
func (s *Content) module(ctx context.Context, actor *lms.User, moduleID int64, act lms.CourseAction) (*lms.Module, *Access, error) {
	return loadInCourse(ctx, &s.core, actor, moduleID, act, "module", s.store.ModuleByID, func(m *lms.Module) int64 { return m.CourseID })
}

// RenameModule changes a module's title (edit_content).
func (s *Content) RenameModule(ctx context.Context, actor *lms.User, moduleID int64, title string) (*lms.Module, error) {
	m, _, err := s.module(ctx, actor, moduleID, lms.ActEditContent)
	if err != nil {
		return nil, err
	}
	m.Title = strings.TrimSpace(title)
	if err := lms.CheckText("title", m.Title, lms.MaxTitleChars, true); err != nil {
		return nil, err
	}
	return m, s.store.UpdateModule(ctx, m)
}

// DeleteModule deletes a module with its lessons (edit_content); the
// lessons' uploads lose those references.
func (s *Content) DeleteModule(ctx context.Context, actor *lms.User, moduleID int64) error {
	m, _, err := s.module(ctx, actor, moduleID, lms.ActEditContent)
	if err != nil {
		return err
	}
	lessons, err := s.store.ListLessons(ctx, m.CourseID, false)
	if err != nil {
		return err
	}
	_, err = s.apply(ctx, func(tx *Content, ch *change) error {
		for _, l := range lessons {
			if l.ModuleID == m.ID {
				if err := tx.store.SetUploadRefs(ctx, m.CourseID, lessonRef(l.ID), nil); err != nil {
					return err
				}
				if err := s.planRelease(ctx, tx.store, nil, l, true); err != nil {
					return err
				}
			}
		}
		ch.audit(actor, lms.AuditContentDelete, fmt.Sprintf("module:%d", m.ID), m.Title)
		return tx.store.DeleteModule(ctx, m.ID)
	})
	return err
}

// lessonRef names a lesson as an upload reference.
func lessonRef(id int64) string { return "lesson:" + strconv.FormatInt(id, 10) }

// applyLessonInput validates in, renders the Markdown and copies it into l.
func applyLessonInput(l *lms.Lesson, in LessonInput) error {
	l.Title, l.BodyMD, l.Draft = strings.TrimSpace(in.Title), in.BodyMD, in.Draft
	l.AvailableFrom, l.RequiresPrevious = in.AvailableFrom, in.RequiresPrevious
	l.CompletionRule, l.CompletionPercent = in.CompletionRule, in.CompletionPercent
	if l.Rule() != lms.CompleteVideo {
		l.CompletionPercent = 0
	}
	if err := l.Validate(); err != nil {
		return err
	}
	l.BodyHTML = RenderMarkdown(l.BodyMD)
	return nil
}

// CreateLesson appends a lesson to a module (edit_content). The body is
// rendered and sanitised now; uploads it links are referenced.
func (s *Content) CreateLesson(ctx context.Context, actor *lms.User, moduleID int64, in LessonInput) (*lms.Lesson, error) {
	m, _, err := s.module(ctx, actor, moduleID, lms.ActEditContent)
	if err != nil {
		return nil, err
	}
	return s.saveLesson(ctx, actor, &lms.Lesson{ModuleID: m.ID}, in, ContentStore.CreateLesson)
}

// UpdateLesson saves a lesson (edit_content).
func (s *Content) UpdateLesson(ctx context.Context, actor *lms.User, lessonID int64, in LessonInput) (*lms.Lesson, error) {
	l, _, err := loadLesson(ctx, &s.core, s.store, actor, lessonID, lms.ActEditContent)
	if err != nil {
		return nil, err
	}
	return s.saveLesson(ctx, actor, l, in, ContentStore.UpdateLesson)
}

// saveLesson applies in to l and stores it with save, in one transaction
// with the references to the uploads its body links (which actor must be
// allowed to use).
func (s *Content) saveLesson(ctx context.Context, actor *lms.User, l *lms.Lesson, in LessonInput,
	save func(ContentStore, context.Context, *lms.Lesson) error) (*lms.Lesson, error) {
	var old *lms.Lesson
	if l.ID != 0 {
		o := *l
		old = &o
	}
	if err := applyLessonInput(l, in); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(tx ContentStore) error {
		if err := save(tx, ctx, l); err != nil {
			return err
		}
		if err := s.planRelease(ctx, tx, old, l, false); err != nil {
			return err
		}
		if err := usableUploads(ctx, tx, actor, l.CourseID, "body_md", UploadRefs(l.BodyMD)); err != nil {
			return err
		}
		return tx.SetUploadRefs(ctx, l.CourseID, lessonRef(l.ID), UploadRefs(l.BodyMD))
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// DeleteLesson deletes a lesson and its progress (edit_content); its
// uploads lose the reference and are swept if nothing else uses them.
func (s *Content) DeleteLesson(ctx context.Context, actor *lms.User, lessonID int64) error {
	l, _, err := loadLesson(ctx, &s.core, s.store, actor, lessonID, lms.ActEditContent)
	if err != nil {
		return err
	}
	_, err = s.apply(ctx, func(tx *Content, ch *change) error {
		if err := tx.store.SetUploadRefs(ctx, l.CourseID, lessonRef(l.ID), nil); err != nil {
			return err
		}
		ch.audit(actor, lms.AuditContentDelete, lessonRef(l.ID), l.Title)
		if err := s.planRelease(ctx, tx.store, nil, l, true); err != nil {
			return err
		}
		return tx.store.DeleteLesson(ctx, l.ID)
	})
	return err
}

// Reorder applies a drag-and-drop layout of the whole course (edit_content).
// A layout that does not name exactly the current modules and lessons is
// stale: ECONFLICT, nothing changes.
func (s *Content) Reorder(ctx context.Context, actor *lms.User, courseID int64, layout []lms.ModuleLayout) error {
	if _, err := s.load(ctx, actor, courseID, lms.ActEditContent); err != nil {
		return err
	}
	return s.store.ReorderCourse(ctx, courseID, layout)
}

// release decides whether each visible lesson is released to the caller:
// staff see everything unlocked; for others a lesson is locked before its
// AvailableFrom or, with RequiresPrevious, until the previous visible lesson
// (in course order) is completed.
func release(lessons []*lms.Lesson, progress map[int64]*lms.LessonProgress, staff bool, now time.Time) []*LessonState {
	out := make([]*LessonState, 0, len(lessons))
	var prev *lms.Lesson
	for _, l := range lessons {
		if l.Draft && !staff {
			continue
		}
		st := &LessonState{Lesson: l, Progress: progress[l.ID]}
		switch {
		case staff:
		case !l.AvailableFrom.IsZero() && now.Before(l.AvailableFrom):
			st.Locked, st.LockedReason = true, "Available from "+l.AvailableFrom.UTC().Format(time.RFC3339)+"."
		case l.RequiresPrevious && prev != nil && !progress[prev.ID].Completed():
			st.Locked, st.LockedReason = true, fmt.Sprintf("Complete %q first.", prev.Title)
		}
		out = append(out, st)
		prev = l
	}
	return out
}

// Outline returns the course's modules and lessons as the caller sees them.
func (s *Content) Outline(ctx context.Context, actor *lms.User, courseID int64) (*Outline, error) {
	a, err := s.load(ctx, actor, courseID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	modules, err := s.store.ListModules(ctx, courseID)
	if err != nil {
		return nil, err
	}
	states, progress, err := lessonStates(ctx, &s.core, s.store, a)
	if err != nil {
		return nil, err
	}
	out := &Outline{Course: a.view(), Modules: []*ModuleOutline{},
		Progress: summarize(courseID, actor.ID, states, progress)}
	byModule := map[int64]*ModuleOutline{}
	for _, m := range modules {
		mo := &ModuleOutline{Module: m, Lessons: []*LessonState{}}
		byModule[m.ID] = mo
		out.Modules = append(out.Modules, mo)
	}
	for _, st := range states {
		if mo := byModule[st.ModuleID]; mo != nil {
			mo.Lessons = append(mo.Lessons, st)
		}
	}
	return out, nil
}

// GetLesson returns a lesson with its body. For a learner it must be
// released (EFORBIDDEN with the reason otherwise), and opening it is
// recorded in their progress.
func (s *Content) GetLesson(ctx context.Context, actor *lms.User, lessonID int64) (*LessonState, error) {
	l, a, err := loadLesson(ctx, &s.core, s.store, actor, lessonID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	states, _, err := lessonStates(ctx, &s.core, s.store, a)
	if err != nil {
		return nil, err
	}
	for _, st := range states {
		if st.ID != l.ID {
			continue
		}
		if st.Locked {
			return nil, lms.Errorf(lms.EFORBIDDEN, "This lesson is not available yet. %s", st.LockedReason)
		}
		st.Lesson = l
		if a.Role == lms.CourseLearner {
			p, err := s.progress.recordProgress(ctx, a, l, st.Progress, lms.ProgressUpdate{UserID: actor.ID, LessonID: l.ID,
				At: s.now(), Complete: l.Rule() == lms.CompleteViewed})
			if err != nil {
				return nil, err
			}
			st.Progress = p
		}
		return st, nil
	}
	return nil, lms.Errorf(lms.ENOTFOUND, "lesson not found")
}

// Search finds lessons of the course by title or text; drafts only for
// those who may see them.
func (s *Content) Search(ctx context.Context, actor *lms.User, courseID int64, query string, limit int) ([]*lms.Lesson, error) {
	a, err := s.load(ctx, actor, courseID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	query = strings.TrimSpace(query)
	if query == "" {
		return []*lms.Lesson{}, nil
	}
	if err := lms.CheckText("q", query, lms.MaxTitleChars, true); err != nil {
		return nil, err
	}
	return s.store.SearchLessons(ctx, courseID, query, a.Can(lms.ActViewDrafts), limit)
}
