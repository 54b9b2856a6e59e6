package course

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// AnnouncementJobKind is the kind of the durable job (internal/jobs) that
// posts an announcement at its time and notifies everyone it is for.
const AnnouncementJobKind = "announce.post"

// announcementJobKey names the job of announcement id.
func announcementJobKey(id int64) string { return fmt.Sprintf("%s:%d", AnnouncementJobKind, id) }

// Announcement event kinds (on lms.FeedAnnouncements; Extra names the
// announcement: {"announcement_id"}).
const (
	EventAnnouncementPosted  = "announcement.posted"  // posted now (or at its time)
	EventAnnouncementChanged = "announcement.changed" // created scheduled, edited
	EventAnnouncementDeleted = "announcement.deleted" // deleted
)

// AnnouncementsStore is the storage the Announcements service uses (course
// announcements and the jobs that post them): the backends implement it; a
// test may hand-write a fake.
type AnnouncementsStore interface {
	changeStore
	store.Announcements
	// InTx runs fn with the store bound to one transaction; fn's error rolls back.
	InTx(ctx context.Context, fn func(AnnouncementsStore) error) error
	// GroupByID returns the group with its member count (ENOTFOUND if none).
	GroupByID(ctx context.Context, id int64) (*lms.Group, error)
	// ListEnrollments returns the matching enrolments ordered by user id,
	// with Username and Name, and the total.
	ListEnrollments(ctx context.Context, f lms.EnrollmentFilter) ([]*lms.Enrollment, int, error)
	// ScheduleJob schedules (or replaces) the durable job j.Key (store.Jobs).
	ScheduleJob(ctx context.Context, j *lms.Job, now time.Time) error
	// CancelJob removes the job with key, if any.
	CancelJob(ctx context.Context, key string) error
	// SetUploadRefs makes ref (e.g. "announcement:12") reference exactly
	// uploadIDs, so the upload sweep keeps the files the body links.
	SetUploadRefs(ctx context.Context, courseID int64, ref string, uploadIDs []int64) error
	usableStore
}

// announcementRef is the upload reference of an announcement's body.
func announcementRef(id int64) string { return "announcement:" + strconv.FormatInt(id, 10) }

// linkUploads records the files x's body links (in tx), which must be
// actor's own uploads or used in the course already.
func linkUploads(ctx context.Context, tx AnnouncementsStore, actor *lms.User, x *lms.CourseAnnouncement) error {
	ids := UploadRefs(x.BodyMD)
	if err := usableUploads(ctx, tx, actor, x.CourseID, "body_md", ids); err != nil {
		return err
	}
	return tx.SetUploadRefs(ctx, x.CourseID, announcementRef(x.ID), ids)
}

// announcementVisible is the upload reader of "announcement:<id>": those
// who may read the announcement may open the files it links.
func (s *Announcements) announcementVisible(ctx context.Context, actor *lms.User, id, _ int64) error {
	_, err := s.Announcement(ctx, actor, id)
	return err
}

// OnceNotifier gives each person a notification at most once per key
// (Notifications.NotifyOnce).
type OnceNotifier interface {
	NotifyOnce(ctx context.Context, userID int64, key, kind string, payload map[string]any) (bool, error)
}

// Announcements owns course announcements: staff (announce) post them to
// the course or some of its groups, now or at a later time; posting
// notifies everyone they are for, exactly once, through a durable job.
type Announcements struct {
	core
	store AnnouncementsStore
	notes OnceNotifier
}

// NewAnnouncements returns the Announcements service.
func NewAnnouncements(b Base, st AnnouncementsStore, notes OnceNotifier) *Announcements {
	return &Announcements{core: newCore(b), store: st, notes: notes}
}

// apply runs fn in one transaction and announces what it records.
func (s *Announcements) apply(ctx context.Context, fn func(tx *Announcements, ch *change) error) error {
	_, err := apply(ctx, &s.core, s.store, func(st AnnouncementsStore) *Announcements { t := *s; t.store = st; return &t }, fn)
	return err
}

// AnnouncementInput is a new announcement.
type AnnouncementInput struct {
	Title  string `json:"title"`
	BodyMD string `json:"body_md"`
	// GroupIDs are the groups of the course it is for; none: everyone.
	GroupIDs []int64 `json:"group_ids,omitempty"`
	// PostAt schedules it; zero (or a time past): post it now.
	PostAt time.Time `json:"post_at,omitzero"`
}

// AnnouncementPatch changes the fields it sets of an announcement. PostAt
// applies only while it is scheduled (the zero time or a time past posts
// it now).
type AnnouncementPatch struct {
	Title    *string    `json:"title,omitempty"`
	BodyMD   *string    `json:"body_md,omitempty"`
	GroupIDs *[]int64   `json:"group_ids,omitempty"`
	PostAt   *time.Time `json:"post_at,omitempty"`
}

// announcementJob is the payload of an announcement's job: the time it was
// planned for (a job for a time that has changed since is stale).
type announcementJob struct {
	ID     int64     `json:"id"`
	PostAt time.Time `json:"post_at"`
}

// clean trims and checks x's text, renders its body and checks its groups
// (each a group of its course; sorted, once each).
func (s *Announcements) clean(ctx context.Context, x *lms.CourseAnnouncement) error {
	x.Title = strings.TrimSpace(x.Title)
	if err := lms.CheckText("title", x.Title, lms.MaxTitleChars, true); err != nil {
		return err
	}
	if err := checkBody(x.BodyMD); err != nil {
		return err
	}
	x.BodyHTML = RenderMarkdown(x.BodyMD)
	groups := slices.Compact(slices.Sorted(slices.Values(x.GroupIDs)))
	if len(groups) > lms.MaxAnnouncementGroups {
		return lms.FieldError("group_ids", "Pick at most %d groups.", lms.MaxAnnouncementGroups)
	}
	for _, id := range groups {
		g, err := s.store.GroupByID(ctx, id)
		if lms.IsCode(err, lms.ENOTFOUND) || (err == nil && g.CourseID != x.CourseID) {
			return lms.FieldError("group_ids", "There is no such group in this course.")
		}
		if err != nil {
			return err
		}
	}
	x.GroupIDs = groups
	if x.GroupIDs == nil {
		x.GroupIDs = []int64{}
	}
	return nil
}

// schedule plans x's job at `at` through tx (the change's transaction).
func (s *Announcements) schedule(ctx context.Context, tx AnnouncementsStore, x *lms.CourseAnnouncement, at time.Time) error {
	data, err := json.Marshal(announcementJob{ID: x.ID, PostAt: x.PostAt})
	if err != nil {
		return fmt.Errorf("announcement job: %w", err)
	}
	return tx.ScheduleJob(ctx, &lms.Job{Kind: AnnouncementJobKind, Key: announcementJobKey(x.ID), Payload: data,
		RunAt: at}, s.now())
}

// ping announces that x changed on its course's announcements feed.
func ping(ch *change, kind string, x *lms.CourseAnnouncement) {
	ch.announce(lms.FeedAnnouncements, x.CourseID, Event{Kind: kind, CourseID: x.CourseID,
		Extra: map[string]any{"announcement_id": x.ID}})
}

// auditAnnouncement records a change of x.
func auditAnnouncement(ch *change, actor *lms.User, action string, x *lms.CourseAnnouncement) {
	detail, _ := json.Marshal(map[string]any{"course": x.CourseID, "title": x.Title, "groups": x.GroupIDs,
		"post_at": x.PostAt}) // plain data
	ch.audit(actor, action, fmt.Sprintf("announcement:%d", x.ID), string(detail))
}

// CreateAnnouncement posts an announcement to the course, or schedules it
// (announce). Its job notifies everyone it is for once it is posted.
func (s *Announcements) CreateAnnouncement(ctx context.Context, actor *lms.User, courseID int64, in AnnouncementInput) (*lms.CourseAnnouncement, error) {
	if _, err := s.load(ctx, actor, courseID, lms.ActAnnounce); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	x := &lms.CourseAnnouncement{CourseID: courseID, AuthorID: actor.ID, Title: in.Title, BodyMD: in.BodyMD,
		GroupIDs: in.GroupIDs, PostAt: in.PostAt.UTC(), AuthorName: actor.Name, AuthorUsername: actor.Username}
	if err := s.clean(ctx, x); err != nil {
		return nil, err
	}
	if !x.PostAt.After(now) {
		x.PostAt, x.PostedAt = now, now
	}
	err := s.apply(ctx, func(tx *Announcements, ch *change) error {
		if err := tx.store.CreateCourseAnnouncement(ctx, x); err != nil {
			return err
		}
		if err := linkUploads(ctx, tx.store, actor, x); err != nil {
			return err
		}
		auditAnnouncement(ch, actor, lms.AuditAnnouncementCreate, x)
		if x.Scheduled() {
			ping(ch, EventAnnouncementChanged, x)
		} else {
			ping(ch, EventAnnouncementPosted, x)
		}
		return s.schedule(ctx, tx.store, x, x.PostAt)
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// loadOne returns the announcement and the caller's access to its course (act
// there); a missing announcement, an outsider and a member it is not for
// get the same ENOTFOUND.
func (s *Announcements) loadOne(ctx context.Context, actor *lms.User, id int64, act lms.CourseAction) (*lms.CourseAnnouncement, *Access, error) {
	x, a, err := loadInCourse(ctx, &s.core, actor, id, act, "announcement", s.store.CourseAnnouncementByID,
		func(x *lms.CourseAnnouncement) int64 { return x.CourseID })
	if err != nil {
		return nil, nil, err
	}
	if !sees(a, x) {
		return nil, nil, lms.Errorf(lms.ENOTFOUND, "announcement not found")
	}
	return x, a, nil
}

// sees reports whether the caller may read x: staff (announce) always,
// others once it is posted and if it is for them.
func sees(a *Access, x *lms.CourseAnnouncement) bool {
	if a.Can(lms.ActAnnounce) {
		return true
	}
	group := int64(0)
	if a.Enrollment != nil {
		group = a.Enrollment.GroupID
	}
	return !x.Scheduled() && x.ForGroup(group)
}

// Announcement returns one announcement (members it is for; staff see
// every one).
func (s *Announcements) Announcement(ctx context.Context, actor *lms.User, id int64) (*lms.CourseAnnouncement, error) {
	x, _, err := s.loadOne(ctx, actor, id, lms.ActViewContent)
	return x, err
}

// ListAnnouncements returns a page of the course's announcements the
// caller may read, latest first: staff (announce) every one, scheduled
// ones included; others the posted ones for everyone or for their group.
func (s *Announcements) ListAnnouncements(ctx context.Context, actor *lms.User, courseID int64, p lms.Page) ([]*lms.CourseAnnouncement, error) {
	a, err := s.load(ctx, actor, courseID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	f := lms.AnnouncementFilter{CourseID: courseID, All: a.Can(lms.ActAnnounce), Page: p}
	if a.Enrollment != nil {
		f.GroupID = a.Enrollment.GroupID
	}
	return s.store.ListCourseAnnouncements(ctx, f)
}

// PatchAnnouncement changes the fields p sets (announce). A scheduled one
// may move (a time past posts it now); a posted one is marked edited, and
// when its groups change, those it is now for are notified (nobody twice).
func (s *Announcements) PatchAnnouncement(ctx context.Context, actor *lms.User, id int64, p AnnouncementPatch) (*lms.CourseAnnouncement, error) {
	x, _, err := s.loadOne(ctx, actor, id, lms.ActAnnounce)
	if err != nil {
		return nil, err
	}
	before := slices.Clone(x.GroupIDs)
	lms.SetTo(&x.Title, p.Title)
	lms.SetTo(&x.BodyMD, p.BodyMD)
	lms.SetTo(&x.GroupIDs, p.GroupIDs)
	if err := s.clean(ctx, x); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	postNow := false
	switch {
	case x.Scheduled() && p.PostAt != nil:
		x.PostAt = p.PostAt.UTC()
		if !x.PostAt.After(now) {
			x.PostAt, postNow = now, true
		}
	case !x.Scheduled():
		if p.PostAt != nil && !p.PostAt.Equal(x.PostAt) {
			return nil, lms.FieldError("post_at", "This announcement is posted already.")
		}
		x.EditedAt = now
	}
	err = s.apply(ctx, func(tx *Announcements, ch *change) error {
		if err := tx.store.UpdateCourseAnnouncement(ctx, x); err != nil {
			return hideMissing(err, "announcement")
		}
		if err := linkUploads(ctx, tx.store, actor, x); err != nil {
			return err
		}
		auditAnnouncement(ch, actor, lms.AuditAnnouncementUpdate, x)
		switch {
		case postNow:
			if _, err := tx.store.MarkCourseAnnouncementPosted(ctx, x.ID, now); err != nil {
				return err
			}
			x.PostedAt = now
			ping(ch, EventAnnouncementPosted, x)
			return s.schedule(ctx, tx.store, x, now)
		case x.Scheduled():
			ping(ch, EventAnnouncementChanged, x)
			return s.schedule(ctx, tx.store, x, x.PostAt)
		default:
			ping(ch, EventAnnouncementChanged, x)
			if !slices.Equal(before, x.GroupIDs) {
				return s.schedule(ctx, tx.store, x, now) // tells those it is for now
			}
			return nil
		}
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// DeleteAnnouncement deletes an announcement and its job (announce).
func (s *Announcements) DeleteAnnouncement(ctx context.Context, actor *lms.User, id int64) error {
	x, _, err := s.loadOne(ctx, actor, id, lms.ActAnnounce)
	if err != nil {
		return err
	}
	return s.apply(ctx, func(tx *Announcements, ch *change) error {
		if err := tx.store.DeleteCourseAnnouncement(ctx, id); err != nil {
			return hideMissing(err, "announcement")
		}
		if err := tx.store.SetUploadRefs(ctx, x.CourseID, announcementRef(id), nil); err != nil {
			return err
		}
		auditAnnouncement(ch, actor, lms.AuditAnnouncementDelete, x)
		ping(ch, EventAnnouncementDeleted, x)
		return tx.store.CancelJob(ctx, announcementJobKey(id))
	})
}

// HandleJob posts the job's announcement if it is still scheduled (and
// announces it live), then notifies everyone it is for: the active
// members of its course but its author, learners only when it is for
// their group (jobs.Handler). Each person is notified once whatever runs
// the job again (the dedup key "announcement:<id>"); a job for an
// announcement that is gone or has moved to another time does nothing (its
// new job posts it). An error retries the job.
func (s *Announcements) HandleJob(ctx context.Context, j *lms.Job) error {
	var p announcementJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		s.log.Error().Err(err).Str("job", j.Key).Msg("announcement job payload dropped")
		return nil // retrying would not help
	}
	x, err := s.store.CourseAnnouncementByID(ctx, p.ID)
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil
	}
	if err != nil {
		return err
	}
	if x.PostAt.UnixMilli() != p.PostAt.UnixMilli() {
		return nil
	}
	if x.Scheduled() {
		now := s.now().UTC()
		err := s.apply(ctx, func(tx *Announcements, ch *change) error {
			posted, err := tx.store.MarkCourseAnnouncementPosted(ctx, x.ID, now)
			if posted {
				ping(ch, EventAnnouncementPosted, x)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return s.notifyAll(ctx, x)
}

// notifyAll notifies everyone x is for, once each.
func (s *Announcements) notifyAll(ctx context.Context, x *lms.CourseAnnouncement) error {
	c, err := s.store.CourseByID(ctx, x.CourseID)
	if err != nil {
		return err
	}
	payload := map[string]any{"course_id": x.CourseID, "course_title": c.Title, "announcement_id": x.ID, "title": x.Title,
		"by": x.AuthorUsername, "by_name": x.AuthorName, "link": AnnouncementLink(x.CourseID, x.ID)}
	key := fmt.Sprintf("announcement:%d", x.ID)
	for offset := 0; ; offset += lms.MaxPageSize {
		page, _, err := s.store.ListEnrollments(ctx, lms.EnrollmentFilter{CourseID: x.CourseID,
			Status: lms.EnrollActive, Limit: lms.MaxPageSize, Offset: offset})
		if err != nil {
			return err
		}
		for _, e := range page {
			if e.UserID == x.AuthorID || (!lms.Can(false, e.Role, lms.ActAnnounce) && !x.ForGroup(e.GroupID)) {
				continue
			}
			if _, err := s.notes.NotifyOnce(ctx, e.UserID, key, lms.NotifyAnnouncement, payload); err != nil {
				return fmt.Errorf("notify %d of announcement %d: %w", e.UserID, x.ID, err)
			}
		}
		if len(page) < lms.MaxPageSize {
			return nil
		}
	}
}

// AnnouncementLink is the app path of an announcement: the course page,
// which shows (scrolls to) the announcement ?announcement= names.
func AnnouncementLink(courseID, id int64) string {
	return fmt.Sprintf("/courses/%d?announcement=%d", courseID, id)
}
