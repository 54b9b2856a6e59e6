package sqldb

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Discussions = (*DB)(nil)

const forumCols = `id, course_id, title, description, created_at`

func scanForum(sc scanner) (*lms.Forum, error) {
	var (
		f   lms.Forum
		crt int64
	)
	if err := sc.Scan(&f.ID, &f.CourseID, &f.Title, &f.Description, &crt); err != nil {
		return nil, err
	}
	f.CreatedAt = fromMS(crt)
	return &f, nil
}

// CreateForum inserts f and sets f.ID and CreatedAt.
func (s *DB) CreateForum(ctx context.Context, f *lms.Forum) error {
	now := normalize(s.now())
	var id int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO forums (course_id, title, description, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, f.CourseID, f.Title, f.Description, toMS(now)).Scan(&id)
	if err != nil {
		return s.wrapFK(err, "create forum", "course")
	}
	f.ID, f.CreatedAt = id, now
	return nil
}

// ForumByID returns the forum (ENOTFOUND if none).
func (s *DB) ForumByID(ctx context.Context, id int64) (*lms.Forum, error) {
	f, err := scanForum(s.q.QueryRowContext(ctx, `SELECT `+forumCols+` FROM forums WHERE id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "forum")
	}
	return f, nil
}

// UpdateForum saves Title and Description.
func (s *DB) UpdateForum(ctx context.Context, f *lms.Forum) error {
	return s.execOne(ctx, "forum", `UPDATE forums SET title = $1, description = $2 WHERE id = $3`,
		f.Title, f.Description, f.ID)
}

// DeleteForum removes the forum, its threads and posts.
func (s *DB) DeleteForum(ctx context.Context, id int64) error {
	return s.execOne(ctx, "forum", `DELETE FROM forums WHERE id = $1`, id)
}

// ListForums returns a page of a course's forums ordered by id.
func (s *DB) ListForums(ctx context.Context, courseID int64, p lms.Page) ([]*lms.Forum, error) {
	limit, offset := p.Rows()
	return queryList(ctx, s, "list forums", scanForum,
		`SELECT `+forumCols+` FROM forums WHERE course_id = $1 ORDER BY id LIMIT $2 OFFSET $3`, courseID, limit, offset)
}

const threadCols = `t.id, t.forum_id, t.course_id, t.author_id, t.title, t.pinned, t.locked, t.answer_post_id,
	t.created_at, t.last_post_id, t.last_post_at, t.post_count,
	` + threadAuthorName + `, COALESCE(u.username, '')`

const threadFrom = ` FROM threads t LEFT JOIN users u ON u.id = t.author_id`

func scanThread(sc scanner, extra ...any) (*lms.Thread, error) {
	var (
		t              lms.Thread
		pinned, locked int64
		crt, lastAt    int64
	)
	dest := append([]any{&t.ID, &t.ForumID, &t.CourseID, &t.AuthorID, &t.Title, &pinned, &locked,
		&t.AnswerPostID, &crt, &t.LastPostID, &lastAt, &t.PostCount, &t.AuthorName, &t.AuthorUsername}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	t.Pinned, t.Locked = pinned != 0, locked != 0
	t.CreatedAt, t.LastPostAt = fromMS(crt), fromMS(lastAt)
	return &t, nil
}

// CreateThread inserts t and its opening post in one transaction.
func (s *DB) CreateThread(ctx context.Context, t *lms.Thread, first *lms.Post) error {
	return s.tx(ctx, func(tx *DB) error {
		now := normalize(t.CreatedAt)
		if now.IsZero() {
			now = normalize(tx.now())
		}
		var id, course int64
		err := tx.q.QueryRowContext(ctx, `INSERT INTO threads (forum_id, course_id, author_id, title, pinned,
			locked, answer_post_id, created_at, last_post_id, last_post_at, post_count)
			SELECT f.id, f.course_id, $2, $3, $4, $5, 0, $6, 0, $6, 0 FROM forums f WHERE f.id = $1
			RETURNING id, course_id`,
			t.ForumID, t.AuthorID, t.Title, boolInt(t.Pinned), boolInt(t.Locked), toMS(now)).Scan(&id, &course)
		if err != nil {
			return tx.notFound(err, "forum")
		}
		t.ID, t.CourseID, t.CreatedAt, t.AnswerPostID = id, course, now, 0
		first.ThreadID, first.ParentID = id, 0
		if err := tx.insertPost(ctx, first, now); err != nil {
			return err
		}
		t.LastPostID, t.LastPostAt, t.PostCount = first.ID, now, 1
		return nil
	})
}

// ThreadByID returns the thread (ENOTFOUND if none).
func (s *DB) ThreadByID(ctx context.Context, id int64) (*lms.Thread, error) {
	t, err := scanThread(s.q.QueryRowContext(ctx, `SELECT `+threadCols+threadFrom+` WHERE t.id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "thread")
	}
	return t, nil
}

// UpdateThread saves Title, Pinned, Locked and AnswerPostID.
func (s *DB) UpdateThread(ctx context.Context, t *lms.Thread) error {
	return s.execOne(ctx, "thread", `UPDATE threads SET title = $1, pinned = $2, locked = $3, answer_post_id = $4
		WHERE id = $5`, t.Title, boolInt(t.Pinned), boolInt(t.Locked), t.AnswerPostID, t.ID)
}

// DeleteThread removes the thread and its posts.
func (s *DB) DeleteThread(ctx context.Context, id int64) error {
	return s.execOne(ctx, "thread", `DELETE FROM threads WHERE id = $1`, id)
}

// ListThreads returns a forum's threads, pinned first then latest activity
// first, with Unread for the viewer, and the total.
func (s *DB) ListThreads(ctx context.Context, f lms.ThreadFilter) ([]*lms.Thread, int, error) {
	var total int
	if err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM threads WHERE forum_id = $1`, f.ForumID).
		Scan(&total); err != nil {
		return nil, 0, s.wrap(err, "count threads")
	}
	var a args
	unread, join := `0`, ``
	if f.ViewerID != 0 {
		unread = `CASE WHEN t.last_post_id > COALESCE(r.last_post_id, 0) THEN 1 ELSE 0 END`
		join = ` LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.user_id = ` + a.add(f.ViewerID)
	}
	forum := a.add(f.ForumID)
	limit, offset := a.add(lms.ClampLimit(f.Limit)), a.add(max(f.Offset, 0))
	list, err := queryList(ctx, s, "list threads", func(sc scanner) (*lms.Thread, error) {
		var unread int64
		t, err := scanThread(sc, &unread)
		if err == nil {
			t.Unread = unread != 0
		}
		return t, err
	}, `SELECT `+threadCols+`, `+unread+threadFrom+join+` WHERE t.forum_id = `+forum+`
		ORDER BY t.pinned DESC, t.last_post_id DESC, t.id DESC LIMIT `+limit+` OFFSET `+offset, a...)
	return list, total, err
}

const postCols = `p.id, p.thread_id, p.parent_id, p.depth, p.author_id, p.body_md, p.body_html, p.created_at,
	p.edited_at, p.deleted_at, p.deleted_by,
	` + postAuthorName + `, COALESCE(u.username, '')`

const postFrom = ` FROM posts p LEFT JOIN users u ON u.id = p.author_id`

func scanPost(sc scanner) (*lms.Post, error) {
	var (
		p                    lms.Post
		crt, edited, deleted int64
	)
	if err := sc.Scan(&p.ID, &p.ThreadID, &p.ParentID, &p.Depth, &p.AuthorID, &p.BodyMD, &p.BodyHTML, &crt,
		&edited, &deleted, &p.DeletedBy, &p.AuthorName, &p.AuthorUsername); err != nil {
		return nil, err
	}
	p.CreatedAt, p.EditedAt, p.DeletedAt = fromMS(crt), fromMS(edited), fromMS(deleted)
	return &p, nil
}

// CreatePost inserts a reply and updates the thread's counters; a locked
// thread is EFORBIDDEN unless evenIfLocked.
func (s *DB) CreatePost(ctx context.Context, p *lms.Post, evenIfLocked bool) error {
	return s.tx(ctx, func(tx *DB) error {
		var locked int64
		// The no-op update locks the thread row so the lock check and the
		// insert are one step against a concurrent lock.
		if err := tx.execOne(ctx, "thread", `UPDATE threads SET locked = locked WHERE id = $1`, p.ThreadID); err != nil {
			return err
		}
		if err := tx.q.QueryRowContext(ctx, `SELECT locked FROM threads WHERE id = $1`, p.ThreadID).
			Scan(&locked); err != nil {
			return tx.notFound(err, "thread")
		}
		if locked != 0 && !evenIfLocked {
			return lms.Errorf(lms.EFORBIDDEN, "This thread is locked.")
		}
		now := normalize(p.CreatedAt)
		if now.IsZero() {
			now = normalize(tx.now())
		}
		return tx.insertPost(ctx, p, now)
	})
}

// insertPost inserts p at depth parent+1 (0 without a parent) and updates
// the thread's counters. Must run in a transaction.
func (s *DB) insertPost(ctx context.Context, p *lms.Post, now time.Time) error {
	depth := 0
	if p.ParentID != 0 {
		var parentThread int64
		err := s.q.QueryRowContext(ctx, `SELECT thread_id, depth FROM posts WHERE id = $1`, p.ParentID).
			Scan(&parentThread, &depth)
		if err != nil || parentThread != p.ThreadID {
			if err == nil {
				return lms.Errorf(lms.ENOTFOUND, "post not found")
			}
			return s.notFound(err, "post")
		}
		depth++
	}
	var id int64
	err := s.q.QueryRowContext(ctx, `INSERT INTO posts (thread_id, parent_id, depth, author_id, body_md, body_html,
		created_at, edited_at, deleted_at, deleted_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0) RETURNING id`,
		p.ThreadID, p.ParentID, depth, p.AuthorID, p.BodyMD, p.BodyHTML, toMS(now)).Scan(&id)
	if err != nil {
		return s.wrapFK(err, "create post", "thread")
	}
	if _, err := s.q.ExecContext(ctx, `UPDATE threads SET last_post_id = $1, last_post_at = $2,
		post_count = post_count + 1 WHERE id = $3`, id, toMS(now), p.ThreadID); err != nil {
		return s.wrap(err, "update thread")
	}
	p.ID, p.Depth, p.CreatedAt = id, depth, now
	p.EditedAt, p.DeletedAt, p.DeletedBy = time.Time{}, time.Time{}, 0
	return nil
}

// PostByID returns the post (ENOTFOUND if none).
func (s *DB) PostByID(ctx context.Context, id int64) (*lms.Post, error) {
	p, err := scanPost(s.q.QueryRowContext(ctx, `SELECT `+postCols+postFrom+` WHERE p.id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "post")
	}
	return p, nil
}

// EditPost saves a new body and sets EditedAt (ENOTFOUND for a tombstone).
func (s *DB) EditPost(ctx context.Context, id int64, bodyMD, bodyHTML string, at time.Time) error {
	return s.execOne(ctx, "post", `UPDATE posts SET body_md = $1, body_html = $2, edited_at = $3
		WHERE id = $4 AND deleted_at = 0`, bodyMD, bodyHTML, toMS(at), id)
}

// TombstonePost clears the body and marks the post deleted.
func (s *DB) TombstonePost(ctx context.Context, id, by int64, at time.Time) error {
	return s.execOne(ctx, "post", `UPDATE posts SET body_md = '', body_html = '', deleted_at = $1, deleted_by = $2
		WHERE id = $3 AND deleted_at = 0`, toMS(at), by, id)
}

// ListPosts returns a thread's posts in id order.
func (s *DB) ListPosts(ctx context.Context, threadID int64) ([]*lms.Post, error) {
	return queryList(ctx, s, "list posts", scanPost, `SELECT `+postCols+postFrom+
		` WHERE p.thread_id = $1 ORDER BY p.id`, threadID)
}

func scanReaction(sc scanner) (*lms.Reaction, error) {
	var (
		r   lms.Reaction
		crt int64
	)
	if err := sc.Scan(&r.TargetID, &r.UserID, &r.Emoji, &crt); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMS(crt)
	return &r, nil
}

// React adds the user's emoji to a post; twice is a no-op.
func (s *DB) React(ctx context.Context, r *lms.Reaction) error {
	return s.react(ctx, "post_reactions", "post_id", r)
}

// Unreact removes the user's emoji from a post (ENOTFOUND if absent).
func (s *DB) Unreact(ctx context.Context, postID, userID int64, emoji string) error {
	return s.execOne(ctx, "reaction", `DELETE FROM post_reactions WHERE post_id = $1 AND user_id = $2 AND emoji = $3`,
		postID, userID, emoji)
}

// react inserts r into table (keyed by col) unless it is there already.
func (s *DB) react(ctx context.Context, table, col string, r *lms.Reaction) error {
	created := normalize(r.CreatedAt)
	if created.IsZero() {
		created = normalize(s.now())
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO `+table+` (`+col+`, user_id, emoji, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (`+col+`, user_id, emoji) DO NOTHING`,
		r.TargetID, r.UserID, r.Emoji, toMS(created))
	if err != nil {
		return s.wrapFK(err, "add reaction", "target")
	}
	r.CreatedAt = created
	return nil
}

// ThreadReactions returns the reactions on a thread's posts.
func (s *DB) ThreadReactions(ctx context.Context, threadID int64) ([]*lms.Reaction, error) {
	return queryList(ctx, s, "list reactions", scanReaction, `SELECT r.post_id, r.user_id, r.emoji, r.created_at
		FROM post_reactions r JOIN posts p ON p.id = r.post_id WHERE p.thread_id = $1
		ORDER BY r.post_id, r.created_at, r.user_id, r.emoji`, threadID)
}

// MarkThreadRead moves the user's read marker forward to lastPostID.
func (s *DB) MarkThreadRead(ctx context.Context, userID, threadID, lastPostID int64) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO thread_reads (user_id, thread_id, last_post_id) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, thread_id) DO UPDATE SET last_post_id =
			CASE WHEN excluded.last_post_id > thread_reads.last_post_id THEN excluded.last_post_id
			ELSE thread_reads.last_post_id END`, userID, threadID, lastPostID)
	return s.wrapFK(err, "mark thread read", "thread")
}
