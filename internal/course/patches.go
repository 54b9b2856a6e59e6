package course

import (
	"context"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// The patch types of the API's PATCH routes (docs/api.md, "Updates"): a
// nil field stays as stored. Each service method loads the thing, applies
// the patch and saves it in the service, never in a handler.

// LessonPatch changes some of a lesson's fields (see LessonInput).
type LessonPatch struct {
	Title             *string             `json:"title,omitempty"`
	BodyMD            *string             `json:"body_md,omitempty"`
	Draft             *bool               `json:"draft,omitempty"`
	AvailableFrom     *time.Time          `json:"available_from,omitempty"` // the zero time clears it
	RequiresPrevious  *bool               `json:"requires_previous,omitempty"`
	CompletionRule    *lms.CompletionRule `json:"completion_rule,omitempty"`
	CompletionPercent *int                `json:"completion_percent,omitempty"`
}

// apply returns in with the fields p sets.
func (p LessonPatch) apply(in LessonInput) LessonInput {
	lms.SetTo(&in.Title, p.Title)
	lms.SetTo(&in.BodyMD, p.BodyMD)
	lms.SetTo(&in.Draft, p.Draft)
	lms.SetTo(&in.AvailableFrom, p.AvailableFrom)
	lms.SetTo(&in.RequiresPrevious, p.RequiresPrevious)
	lms.SetTo(&in.CompletionRule, p.CompletionRule)
	lms.SetTo(&in.CompletionPercent, p.CompletionPercent)
	return in
}

// PatchLesson changes the fields p sets (edit_content), as UpdateLesson.
func (s *Content) PatchLesson(ctx context.Context, actor *lms.User, lessonID int64, p LessonPatch) (*lms.Lesson, error) {
	l, _, err := loadLesson(ctx, &s.core, s.store, actor, lessonID, lms.ActEditContent)
	if err != nil {
		return nil, err
	}
	in := p.apply(LessonInput{Title: l.Title, BodyMD: l.BodyMD, Draft: l.Draft, AvailableFrom: l.AvailableFrom,
		RequiresPrevious: l.RequiresPrevious, CompletionRule: l.CompletionRule, CompletionPercent: l.CompletionPercent})
	return s.UpdateLesson(ctx, actor, lessonID, in)
}

// ForumPatch changes a forum's title or description.
type ForumPatch struct {
	Title       *string `json:"title,omitempty"`
	Description *string `json:"description,omitempty"`
}

// PatchForum changes the fields p sets (edit_content).
func (s *Discussion) PatchForum(ctx context.Context, actor *lms.User, forumID int64, p ForumPatch) (*lms.Forum, error) {
	f, _, err := s.forum(ctx, actor, forumID, lms.ActEditContent)
	if err != nil {
		return nil, err
	}
	lms.SetTo(&f.Title, p.Title)
	lms.SetTo(&f.Description, p.Description)
	f.Title = strings.TrimSpace(f.Title)
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return f, s.store.UpdateForum(ctx, f)
}

// GroupPatch changes a group's name, self-select switch or size limit.
type GroupPatch struct {
	Name       *string `json:"name,omitempty"`
	SelfSelect *bool   `json:"self_select,omitempty"`
	MaxSize    *int    `json:"max_size,omitempty"` // 0: no limit
}

// PatchGroup changes the fields p sets (manage_people).
func (s *Enrolment) PatchGroup(ctx context.Context, actor *lms.User, groupID int64, p GroupPatch) (*lms.Group, error) {
	g, _, err := s.group(ctx, actor, groupID, lms.ActManagePeople)
	if err != nil {
		return nil, err
	}
	lms.SetTo(&g.Name, p.Name)
	lms.SetTo(&g.SelfSelect, p.SelfSelect)
	lms.SetTo(&g.MaxSize, p.MaxSize)
	g.Name = strings.TrimSpace(g.Name)
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return g, s.store.UpdateGroup(ctx, g)
}

// ThreadPatch changes a thread's flags (moderate) or its answer (the
// thread's author or a moderator; 0 clears it).
type ThreadPatch struct {
	Pinned       *bool  `json:"pinned,omitempty"`
	Locked       *bool  `json:"locked,omitempty"`
	AnswerPostID *int64 `json:"answer_post_id,omitempty"`
}

// UpdateThread changes the fields p sets and announces the thread.
func (s *Discussion) UpdateThread(ctx context.Context, actor *lms.User, threadID int64, p ThreadPatch) (*lms.Thread, error) {
	act := lms.ActViewContent
	if p.Pinned != nil || p.Locked != nil {
		act = lms.ActModerate
	}
	t, a, err := s.thread(ctx, actor, threadID, act)
	if err != nil {
		return nil, err
	}
	if p.AnswerPostID != nil {
		postID := *p.AnswerPostID
		if t.AuthorID != actor.ID && !a.Staff() {
			return nil, lms.Errorf(lms.EFORBIDDEN, "Only the thread's author or a moderator may mark the answer.")
		}
		if postID != 0 {
			post, err := s.store.PostByID(ctx, postID)
			if err != nil || post.ThreadID != threadID || post.Depth == 0 || post.Deleted() {
				return nil, lms.FieldError("answer_post_id", "The answer must be a reply in this thread.")
			}
		}
		t.AnswerPostID = postID
	}
	lms.SetTo(&t.Pinned, p.Pinned)
	lms.SetTo(&t.Locked, p.Locked)
	return s.updateThread(ctx, t)
}

// MemberPatch changes a member's course role or group (0: none).
type MemberPatch struct {
	Role    *lms.CourseRole `json:"role,omitempty"`
	GroupID *int64          `json:"group_id,omitempty"`
}

// PatchMember changes the fields p sets (manage_people): the role as
// SetRole, then the group as AssignGroup; it answers the enrolment.
func (s *Enrolment) PatchMember(ctx context.Context, actor *lms.User, courseID, userID int64, p MemberPatch) (*lms.Enrollment, error) {
	if _, err := s.load(ctx, actor, courseID, lms.ActManagePeople); err != nil {
		return nil, err
	}
	if p.Role != nil {
		if _, err := s.SetRole(ctx, actor, courseID, userID, *p.Role); err != nil {
			return nil, err
		}
	}
	if p.GroupID != nil {
		if err := s.setGroup(ctx, courseID, userID, *p.GroupID); err != nil {
			return nil, err
		}
	}
	e, err := s.store.EnrollmentOf(ctx, courseID, userID)
	if err != nil {
		return nil, hideMissing(err, "enrollment")
	}
	return e, nil
}
