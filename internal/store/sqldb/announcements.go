package sqldb

import (
	"context"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var _ store.Announcements = (*DB)(nil)

const announcementCols = `a.id, a.course_id, a.author_id, a.title, a.body_md, a.body_html, a.post_at, a.posted_at,
	a.edited_at, a.created_at, a.updated_at,
	CASE WHEN u.id IS NULL AND a.author_id <> 0 THEN '` + lms.DeletedUserName + `' ELSE COALESCE(u.name, '') END,
	COALESCE(u.username, '')`

const announcementFrom = ` FROM course_announcements a LEFT JOIN users u ON u.id = a.author_id`

func scanCourseAnnouncement(sc scanner) (*lms.CourseAnnouncement, error) {
	var (
		a                           lms.CourseAnnouncement
		post, posted, edit, crt, up int64
	)
	if err := sc.Scan(&a.ID, &a.CourseID, &a.AuthorID, &a.Title, &a.BodyMD, &a.BodyHTML, &post, &posted, &edit, &crt,
		&up, &a.AuthorName, &a.AuthorUsername); err != nil {
		return nil, err
	}
	a.PostAt, a.PostedAt, a.EditedAt = fromMS(post), fromMS(posted), fromMS(edit)
	a.CreatedAt, a.UpdatedAt = fromMS(crt), fromMS(up)
	a.GroupIDs = []int64{}
	return &a, nil
}

// CreateCourseAnnouncement inserts a with its groups.
func (s *DB) CreateCourseAnnouncement(ctx context.Context, a *lms.CourseAnnouncement) error {
	return s.tx(ctx, func(tx *DB) error {
		now := normalize(tx.now())
		a.PostAt, a.PostedAt, a.EditedAt = normalize(a.PostAt), normalize(a.PostedAt), normalize(a.EditedAt)
		err := tx.q.QueryRowContext(ctx, `INSERT INTO course_announcements (course_id, author_id, title, body_md,
			body_html, restricted, post_at, posted_at, edited_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`, a.CourseID, a.AuthorID, a.Title,
			a.BodyMD, a.BodyHTML, boolInt(len(a.GroupIDs) > 0), toMS(a.PostAt), toMS(a.PostedAt), toMS(a.EditedAt),
			toMS(now)).Scan(&a.ID)
		if err != nil {
			return tx.wrapFK(err, "create announcement", "course")
		}
		if err := tx.putAnnouncementGroups(ctx, a.ID, a.GroupIDs); err != nil {
			return err
		}
		a.CreatedAt, a.UpdatedAt = now, now
		return nil
	})
}

// putAnnouncementGroups makes the announcement's groups exactly ids.
func (s *DB) putAnnouncementGroups(ctx context.Context, id int64, ids []int64) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM course_announcement_groups WHERE announcement_id = $1`, id); err != nil {
		return s.wrap(err, "put announcement groups")
	}
	for _, g := range ids {
		if _, err := s.q.ExecContext(ctx, `INSERT INTO course_announcement_groups (announcement_id, group_id)
			VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, g); err != nil {
			return s.wrapFK(err, "put announcement groups", "group")
		}
	}
	return nil
}

// fillAnnouncementGroups sets the GroupIDs of list, ascending.
func (s *DB) fillAnnouncementGroups(ctx context.Context, list []*lms.CourseAnnouncement) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[int64]*lms.CourseAnnouncement, len(list))
	ids := make([]int64, len(list))
	for i, a := range list {
		byID[a.ID], ids[i] = a, a.ID
	}
	var q args
	return s.scanAnnouncementGroups(ctx, byID, `SELECT announcement_id, group_id FROM course_announcement_groups
		WHERE announcement_id IN `+q.in(ids)+` ORDER BY announcement_id, group_id`, q...)
}

// scanAnnouncementGroups appends to the GroupIDs of byID the (announcement,
// group) rows query returns, in its order; rows of other announcements are
// skipped.
func (s *DB) scanAnnouncementGroups(ctx context.Context, byID map[int64]*lms.CourseAnnouncement, query string,
	qargs ...any) error {
	rows, err := s.q.QueryContext(ctx, query, qargs...)
	if err != nil {
		return s.wrap(err, "announcement groups")
	}
	defer rows.Close()
	for rows.Next() {
		var a, g int64
		if err := rows.Scan(&a, &g); err != nil {
			return s.wrap(err, "announcement groups")
		}
		if x := byID[a]; x != nil {
			x.GroupIDs = append(x.GroupIDs, g)
		}
	}
	return s.wrap(rows.Err(), "announcement groups")
}

// CourseAnnouncementByID returns the announcement (ENOTFOUND if none).
func (s *DB) CourseAnnouncementByID(ctx context.Context, id int64) (*lms.CourseAnnouncement, error) {
	a, err := scanCourseAnnouncement(s.q.QueryRowContext(ctx, `SELECT `+announcementCols+announcementFrom+` WHERE a.id = $1`, id))
	if err != nil {
		return nil, s.notFound(err, "announcement")
	}
	if err := s.fillAnnouncementGroups(ctx, []*lms.CourseAnnouncement{a}); err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateCourseAnnouncement saves the editable fields and the groups.
func (s *DB) UpdateCourseAnnouncement(ctx context.Context, a *lms.CourseAnnouncement) error {
	return s.tx(ctx, func(tx *DB) error {
		now := normalize(tx.now())
		a.PostAt, a.EditedAt = normalize(a.PostAt), normalize(a.EditedAt)
		err := tx.execOne(ctx, "announcement", `UPDATE course_announcements SET title = $1, body_md = $2,
			body_html = $3, restricted = $4, post_at = $5, edited_at = $6, updated_at = $7 WHERE id = $8`, a.Title,
			a.BodyMD, a.BodyHTML, boolInt(len(a.GroupIDs) > 0), toMS(a.PostAt), toMS(a.EditedAt), toMS(now), a.ID)
		if err != nil {
			return err
		}
		if err := tx.putAnnouncementGroups(ctx, a.ID, a.GroupIDs); err != nil {
			return err
		}
		a.UpdatedAt = now
		return nil
	})
}

// MarkCourseAnnouncementPosted sets posted_at once.
func (s *DB) MarkCourseAnnouncementPosted(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := s.q.ExecContext(ctx, `UPDATE course_announcements SET posted_at = $1 WHERE id = $2 AND posted_at = 0`,
		toMS(at), id)
	if err != nil {
		return false, s.wrap(err, "mark announcement posted")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.wrap(err, "mark announcement posted")
	}
	if n == 0 {
		if _, err := s.CourseAnnouncementByID(ctx, id); err != nil {
			return false, err
		}
	}
	return n > 0, nil
}

// DeleteCourseAnnouncement removes the announcement (ENOTFOUND if none).
func (s *DB) DeleteCourseAnnouncement(ctx context.Context, id int64) error {
	return s.execOne(ctx, "announcement", `DELETE FROM course_announcements WHERE id = $1`, id)
}

// ListCourseAnnouncements returns the page f selects.
func (s *DB) ListCourseAnnouncements(ctx context.Context, f lms.AnnouncementFilter) ([]*lms.CourseAnnouncement, error) {
	var q args
	where := ` WHERE a.course_id = ` + q.add(f.CourseID)
	if !f.All {
		where += ` AND a.posted_at <> 0 AND (a.restricted = 0 OR EXISTS (SELECT 1 FROM course_announcement_groups g
			WHERE g.announcement_id = a.id AND g.group_id = ` + q.add(f.GroupID) + `))`
	}
	limit, offset := f.Rows()
	list, err := queryList(ctx, s, "list announcements", scanCourseAnnouncement, `SELECT `+announcementCols+announcementFrom+
		where+` ORDER BY a.post_at DESC, a.id DESC LIMIT `+q.add(limit)+` OFFSET `+q.add(offset), q...)
	if err != nil {
		return nil, err
	}
	return list, s.fillAnnouncementGroups(ctx, list)
}
