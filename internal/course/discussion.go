package course

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Discussion owns forums, threads and posts, with mentions and reactions.
type Discussion struct {
	core
	store      DiscussionStore
	notes      Notifier
	editWindow time.Duration
}

// NewDiscussion returns the Discussion service; editWindow is how long
// authors may edit their posts (zero: DefaultEditWindow).
func NewDiscussion(b Base, st DiscussionStore, notes Notifier, editWindow time.Duration) *Discussion {
	return &Discussion{core: newCore(b), store: st, notes: notes, editWindow: orDefault(editWindow, DefaultEditWindow)}
}

// apply runs fn in one transaction and announces what it records.
func (s *Discussion) apply(ctx context.Context, fn func(tx *Discussion, ch *change) error) ([]*lms.FeedPosition, error) {
	return apply(ctx, &s.core, s.store, func(st DiscussionStore) *Discussion { t := *s; t.store = st; return &t }, fn)
}

// mentionPattern finds @username (usernames as auth allows them).
var mentionPattern = regexp.MustCompile(`(?:^|[^\w@])@([A-Za-z0-9][A-Za-z0-9_.-]{1,39})`)

// ThreadView is a thread with its posts and reactions.
type ThreadView struct {
	Thread    *lms.Thread     `json:"thread"`
	Posts     []*lms.Post     `json:"posts"`
	Reactions []*lms.Reaction `json:"reactions"`
}

// CreateForum adds a forum to the course (edit_content).
func (s *Discussion) CreateForum(ctx context.Context, actor *lms.User, f *lms.Forum) (*lms.Forum, error) {
	if _, err := s.load(ctx, actor, f.CourseID, lms.ActEditContent); err != nil {
		return nil, err
	}
	f.Title = strings.TrimSpace(f.Title)
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return f, s.store.CreateForum(ctx, f)
}

// forum loads a forum and the caller's access to its course.
func (s *Discussion) forum(ctx context.Context, actor *lms.User, forumID int64, act lms.CourseAction) (*lms.Forum, *Access, error) {
	return loadInCourse(ctx, &s.core, actor, forumID, act, "forum", s.store.ForumByID, func(f *lms.Forum) int64 { return f.CourseID })
}

// UpdateForum renames a forum (edit_content).
func (s *Discussion) UpdateForum(ctx context.Context, actor *lms.User, forumID int64, title, description string) (*lms.Forum, error) {
	return s.PatchForum(ctx, actor, forumID, ForumPatch{Title: &title, Description: &description})
}

// DeleteForum deletes a forum with its threads (edit_content).
func (s *Discussion) DeleteForum(ctx context.Context, actor *lms.User, forumID int64) error {
	f, _, err := s.forum(ctx, actor, forumID, lms.ActEditContent)
	if err != nil {
		return err
	}
	_, err = s.apply(ctx, func(tx *Discussion, ch *change) error {
		ch.accessChanged(f.CourseID, 0) // its followers and those of its threads lose them
		ch.audit(actor, lms.AuditContentDelete, fmt.Sprintf("forum:%d", forumID), f.Title)
		return tx.store.DeleteForum(ctx, forumID)
	})
	return err
}

// ListForums lists a page of the course's forums (any member).
func (s *Discussion) ListForums(ctx context.Context, actor *lms.User, courseID int64, p lms.Page) ([]*lms.Forum, error) {
	if _, err := s.load(ctx, actor, courseID, lms.ActViewContent); err != nil {
		return nil, err
	}
	return s.store.ListForums(ctx, courseID, p)
}

// checkBody validates a post's Markdown.
func checkBody(md string) error {
	if strings.TrimSpace(md) == "" {
		return lms.FieldError("body", "The post is empty.")
	}
	if len(md) > lms.MaxBodyBytes {
		return &lms.Error{Code: lms.ETOOLARGE, Field: "body", Message: "The post is too long."}
	}
	return lms.CheckText("body", strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, md), lms.MaxBodyBytes, true)
}

// CreateThread opens a thread with its first post (any member).
func (s *Discussion) CreateThread(ctx context.Context, actor *lms.User, forumID int64, title, bodyMD string) (*ThreadView, error) {
	_, a, err := s.forum(ctx, actor, forumID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	if err := a.Writable(); err != nil {
		return nil, err
	}
	now := s.now()
	t := &lms.Thread{ForumID: forumID, AuthorID: actor.ID, Title: strings.TrimSpace(title),
		AuthorName: actor.Name, AuthorUsername: actor.Username, CreatedAt: now}
	if err := lms.CheckText("title", t.Title, lms.MaxTitleChars, true); err != nil {
		return nil, err
	}
	if err := checkBody(bodyMD); err != nil {
		return nil, err
	}
	p := &lms.Post{AuthorID: actor.ID, BodyMD: bodyMD, BodyHTML: RenderMarkdown(bodyMD), AuthorName: actor.Name,
		AuthorUsername: actor.Username, CreatedAt: now}
	_, err = s.apply(ctx, func(tx *Discussion, ch *change) error {
		if err := tx.store.CreateThread(ctx, t, p); err != nil {
			return err
		}
		ch.announce(lms.FeedForum, forumID, Event{Kind: EventThreadCreated, CourseID: t.CourseID, Thread: t})
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.notes.Mention(ctx, a, bodyMD, map[string]any{"thread_id": t.ID, "post_id": p.ID, "title": t.Title})
	return &ThreadView{Thread: t, Posts: []*lms.Post{p}, Reactions: []*lms.Reaction{}}, nil
}

// thread loads a thread and the caller's access to its course.
func (s *Discussion) thread(ctx context.Context, actor *lms.User, threadID int64, act lms.CourseAction) (*lms.Thread, *Access, error) {
	return loadInCourse(ctx, &s.core, actor, threadID, act, "thread", s.store.ThreadByID, func(t *lms.Thread) int64 { return t.CourseID })
}

// ListThreads lists a forum's threads with the caller's unread markers.
func (s *Discussion) ListThreads(ctx context.Context, actor *lms.User, forumID int64, limit, offset int) ([]*lms.Thread, int, error) {
	if _, _, err := s.forum(ctx, actor, forumID, lms.ActViewContent); err != nil {
		return nil, 0, err
	}
	return s.store.ListThreads(ctx, lms.ThreadFilter{ForumID: forumID, ViewerID: actor.ID, Limit: limit, Offset: offset})
}

// GetThread returns a thread with its posts and marks it read.
func (s *Discussion) GetThread(ctx context.Context, actor *lms.User, threadID int64) (*ThreadView, error) {
	t, _, err := s.thread(ctx, actor, threadID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	posts, err := s.store.ListPosts(ctx, threadID)
	if err != nil {
		return nil, err
	}
	reactions, err := s.store.ThreadReactions(ctx, threadID)
	if err != nil {
		return nil, err
	}
	if err := s.store.MarkThreadRead(ctx, actor.ID, threadID, t.LastPostID); err != nil {
		return nil, err
	}
	return &ThreadView{Thread: t, Posts: posts, Reactions: reactions}, nil
}

// Reply posts in a thread (any member; moderators also in locked threads).
// parentID 0 replies to the thread; a reply deeper than lms.MaxPostDepth is
// attached to its parent's parent. Mentions and the parent's author are
// notified; the post is announced on the thread's topic.
func (s *Discussion) Reply(ctx context.Context, actor *lms.User, threadID, parentID int64, bodyMD string) (*lms.Post, error) {
	t, a, err := s.thread(ctx, actor, threadID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	if err := a.Writable(); err != nil {
		return nil, err
	}
	if t.Locked && !a.Staff() {
		return nil, lms.Errorf(lms.EFORBIDDEN, "This thread is locked.")
	}
	if err := checkBody(bodyMD); err != nil {
		return nil, err
	}
	var parent *lms.Post
	if parentID == 0 { // a reply to the thread answers its opening post
		posts, err := s.store.ListPosts(ctx, threadID)
		if err != nil {
			return nil, err
		}
		if len(posts) == 0 {
			return nil, lms.Errorf(lms.ENOTFOUND, "Thread not found.")
		}
		parent, parentID = posts[0], posts[0].ID
	} else if parent, err = s.store.PostByID(ctx, parentID); err != nil || parent.ThreadID != threadID {
		return nil, lms.FieldError("parent_id", "The post you reply to is not in this thread.")
	}
	if parent.Depth >= lms.MaxPostDepth {
		parentID = parent.ParentID
	}
	p := &lms.Post{ThreadID: threadID, ParentID: parentID, AuthorID: actor.ID, BodyMD: bodyMD,
		BodyHTML: RenderMarkdown(bodyMD), AuthorName: actor.Name, AuthorUsername: actor.Username, CreatedAt: s.now()}
	_, err = s.apply(ctx, func(tx *Discussion, ch *change) error {
		if err := tx.store.CreatePost(ctx, p, a.Staff()); err != nil {
			return err
		}
		ev := Event{Kind: EventPostCreated, CourseID: t.CourseID, Post: p}
		ch.announce(lms.FeedThread, threadID, ev)
		ch.announce(lms.FeedForum, t.ForumID, ev)
		return nil
	})
	if err != nil {
		return nil, err
	}
	payload := map[string]any{"course_id": a.Course.ID, "thread_id": threadID, "post_id": p.ID, "title": t.Title,
		"by": actor.Username, "by_name": actor.Name}
	notified := s.notes.Mention(ctx, a, bodyMD, payload)
	if parent != nil && parent.AuthorID != actor.ID && !notified[parent.AuthorID] {
		s.notes.Notify(ctx, parent.AuthorID, lms.NotifyReply, payload)
	}
	return p, nil
}

// post loads a post, its thread and the caller's access.
func (s *Discussion) post(ctx context.Context, actor *lms.User, postID int64) (*lms.Post, *lms.Thread, *Access, error) {
	if err := requireUser(actor); err != nil {
		return nil, nil, nil, err
	}
	p, err := s.store.PostByID(ctx, postID)
	if err != nil {
		return nil, nil, nil, hideMissing(err, "post")
	}
	t, a, err := s.thread(ctx, actor, p.ThreadID, lms.ActViewContent)
	if err != nil {
		return nil, nil, nil, hideMissing(err, "post")
	}
	return p, t, a, nil
}

// EditPost changes the caller's own post within the edit window.
func (s *Discussion) EditPost(ctx context.Context, actor *lms.User, postID int64, bodyMD string) (*lms.Post, error) {
	p, t, a, err := s.post(ctx, actor, postID)
	if err != nil {
		return nil, err
	}
	if p.AuthorID != actor.ID {
		return nil, lms.Errorf(lms.EFORBIDDEN, "Only the author may edit a post.")
	}
	if err := a.Writable(); err != nil {
		return nil, err
	}
	now := s.now()
	if now.Sub(p.CreatedAt) > s.editWindow {
		return nil, lms.Errorf(lms.EFORBIDDEN, "Posts can be edited for %v after writing them.", s.editWindow)
	}
	if t.Locked && !a.Staff() {
		return nil, lms.Errorf(lms.EFORBIDDEN, "This thread is locked.")
	}
	if err := checkBody(bodyMD); err != nil {
		return nil, err
	}
	html := RenderMarkdown(bodyMD)
	_, err = s.apply(ctx, func(tx *Discussion, ch *change) error {
		if err := tx.store.EditPost(ctx, postID, bodyMD, html, now); err != nil {
			return hideMissing(err, "post")
		}
		p.BodyMD, p.BodyHTML, p.EditedAt = bodyMD, html, now.UTC().Truncate(1e6)
		ch.announce(lms.FeedThread, t.ID, Event{Kind: EventPostEdited, CourseID: t.CourseID, Post: p})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeletePost turns a post into a tombstone (its author or a moderator).
func (s *Discussion) DeletePost(ctx context.Context, actor *lms.User, postID int64) error {
	p, t, a, err := s.post(ctx, actor, postID)
	if err != nil {
		return err
	}
	if p.AuthorID != actor.ID && !a.Staff() {
		return lms.Errorf(lms.EFORBIDDEN, "Only the author or a moderator may delete a post.")
	}
	now := s.now()
	_, err = s.apply(ctx, func(tx *Discussion, ch *change) error {
		if p.AuthorID != actor.ID {
			ch.audit(actor, lms.AuditModeratorDelete, fmt.Sprintf("post:%d", postID), fmt.Sprintf("by user %d", p.AuthorID))
		}
		if err := tx.store.TombstonePost(ctx, postID, actor.ID, now); err != nil {
			return hideMissing(err, "post")
		}
		p.BodyMD, p.BodyHTML, p.DeletedAt, p.DeletedBy = "", "", now.UTC().Truncate(1e6), actor.ID
		ch.announce(lms.FeedThread, t.ID, Event{Kind: EventPostDeleted, CourseID: t.CourseID, Post: p})
		return nil
	})
	return err
}

// ThreadFlags are the moderator's switches; nil leaves a flag as it is.
type ThreadFlags struct {
	Pinned *bool `json:"pinned,omitempty"`
	Locked *bool `json:"locked,omitempty"`
}

// SetThreadFlags pins or locks a thread (moderate): UpdateThread with the
// flags.
func (s *Discussion) SetThreadFlags(ctx context.Context, actor *lms.User, threadID int64, f ThreadFlags) (*lms.Thread, error) {
	return s.UpdateThread(ctx, actor, threadID, ThreadPatch{Pinned: f.Pinned, Locked: f.Locked})
}

// MarkAnswer marks a reply as the thread's answer, or clears it with
// postID 0 (the thread's author or a moderator): UpdateThread with the
// answer.
func (s *Discussion) MarkAnswer(ctx context.Context, actor *lms.User, threadID, postID int64) (*lms.Thread, error) {
	return s.UpdateThread(ctx, actor, threadID, ThreadPatch{AnswerPostID: &postID})
}

// updateThread saves the thread's flags and answer and announces them.
func (s *Discussion) updateThread(ctx context.Context, t *lms.Thread) (*lms.Thread, error) {
	_, err := s.apply(ctx, func(tx *Discussion, ch *change) error {
		if err := tx.store.UpdateThread(ctx, t); err != nil {
			return err
		}
		ch.announce(lms.FeedThread, t.ID, Event{Kind: EventThreadUpdated, CourseID: t.CourseID, Thread: t})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteThread deletes a thread and its posts (moderate).
func (s *Discussion) DeleteThread(ctx context.Context, actor *lms.User, threadID int64) error {
	t, _, err := s.thread(ctx, actor, threadID, lms.ActModerate)
	if err != nil {
		return err
	}
	_, err = s.apply(ctx, func(tx *Discussion, ch *change) error {
		ch.accessChanged(t.CourseID, 0) // its followers lose it
		ch.audit(actor, lms.AuditModeratorDelete, fmt.Sprintf("thread:%d", threadID), t.Title)
		return tx.store.DeleteThread(ctx, threadID)
	})
	return err
}

// ReactToPost adds (or with remove, takes back) the caller's emoji on a post.
func (s *Discussion) ReactToPost(ctx context.Context, actor *lms.User, postID int64, emoji string, remove bool) error {
	p, t, a, err := s.post(ctx, actor, postID)
	if err != nil {
		return err
	}
	return react(ctx, &s.core, s.store, a, lms.Feed{Kind: lms.FeedThread, ID: t.ID}, p.ID, emoji, remove,
		DiscussionStore.React, DiscussionStore.Unreact)
}

// ForumAccess checks that actor may read the forum's threads (view_content)
// and returns the forum: what the live layer checks before subscribing a
// connection to the forum's topic. Errors are those of ListThreads.
func (s *Discussion) ForumAccess(ctx context.Context, actor *lms.User, forumID int64) (*lms.Forum, error) {
	f, _, err := s.forum(ctx, actor, forumID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// ThreadAccess checks that actor may read the thread (a member of its
// course, or an administrator) and returns it, without marking it read or
// loading its posts: what the live layer checks before subscribing a
// connection to the thread's topic. Errors are those of GetThread.
func (s *Discussion) ThreadAccess(ctx context.Context, actor *lms.User, threadID int64) (*lms.Thread, error) {
	t, _, err := s.thread(ctx, actor, threadID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	return t, nil
}
