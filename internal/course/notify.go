package course

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Notifications owns in-app notifications: storing them, announcing them
// on the person's topic, listing them and marking them read.
type Notifications struct {
	core
	store NotificationsStore
	email EmailQueue // nil: email is off
}

// EmailQueue queues the email of a stored notification (for a kind the
// person gets by email at once, or in the daily digest: settings say
// which), writing through tx so the email (or the digest's job) commits
// with the notification; n.CreatedAt is now, settings the person's.
type EmailQueue interface {
	QueueEmail(ctx context.Context, tx NotificationsStore, n *lms.Notification, payload map[string]any,
		settings lms.NotifySettings) error
}

// UseEmail makes the service queue emails through q (call it before
// serving anyone; without it, nothing is emailed).
func (s *Notifications) UseEmail(q EmailQueue) { s.email = q }

// NewNotifications returns the Notifications service.
func NewNotifications(b Base, st NotificationsStore) *Notifications {
	return &Notifications{core: newCore(b), store: st}
}

// Notifier is how the other services notify people.
type Notifier interface {
	// Notify stores a notification for userID and announces it; a failure
	// is logged, never returned (the change it reports is stored already).
	Notify(ctx context.Context, userID int64, kind string, payload map[string]any)
	// NotifyStaff notifies every instructor of the course.
	NotifyStaff(ctx context.Context, courseID int64, kind string, payload map[string]any)
	// Mention notifies the members of a's course named as @username in
	// body (at most maxMentionsPerPost, never the author) and returns who
	// was notified.
	Mention(ctx context.Context, a *Access, body string, payload map[string]any) map[int64]bool
}

// apply runs fn in one transaction and announces what it records.
func (s *Notifications) apply(ctx context.Context, fn func(tx *Notifications, ch *change) error) ([]*lms.FeedPosition, error) {
	return apply(ctx, &s.core, s.store, func(st NotificationsStore) *Notifications { t := *s; t.store = st; return &t }, fn)
}

// Notify stores a notification for userID and announces it on their topic.
// The payload gains "link", the deep link to what it is about
// (lms.NotificationLink), unless the caller gave one. The person's settings
// decide: nothing from a muted course, nothing in the app for a kind they
// turned off there. Failures are logged: a notification never fails the
// action behind it.
func (s *Notifications) Notify(ctx context.Context, userID int64, kind string, payload map[string]any) {
	if _, err := s.deliver(ctx, userID, "", kind, payload); err != nil {
		s.log.Warn().Err(err).Int64("user", userID).Str("kind", kind).Msg("notification not stored")
	}
}

// NotifyOnce is Notify for a notification that must reach each person at
// most once whatever runs it again (a deadline reminder job): key names it
// ("due_soon:24h:assignment:12"), and it is recorded with the notification
// in one transaction. It reports whether this call gave it (false: given
// before, or the person's settings leave it out).
func (s *Notifications) NotifyOnce(ctx context.Context, userID int64, key, kind string, payload map[string]any) (bool, error) {
	if key == "" || len(key) > lms.MaxJobKeyLen {
		return false, lms.Errorf(lms.EINVALID, "a notification key has 1 to %d bytes", lms.MaxJobKeyLen)
	}
	return s.deliver(ctx, userID, key, kind, payload)
}

// notifyBatch is how many people NotifyOnceEach notifies in one
// transaction (a claim and an insert of that many rows each).
const notifyBatch = 500

// NotifyOnceEach is NotifyOnce for each of userIDs (a reminder for a
// course's learners) and returns how many it gave: notifyBatch people per
// transaction, their settings read at once, the claims and the
// notifications written as multi-row inserts. It stops at the first
// failure: those given before keep theirs, and running it again gives the
// rest theirs.
func (s *Notifications) NotifyOnceEach(ctx context.Context, userIDs []int64, key, kind string, payload map[string]any) (int, error) {
	if key == "" || len(key) > lms.MaxJobKeyLen {
		return 0, lms.Errorf(lms.EINVALID, "a notification key has 1 to %d bytes", lms.MaxJobKeyLen)
	}
	p := withLink(kind, payload)
	given := 0
	for i := 0; i < len(userIDs); i += notifyBatch {
		n, err := s.deliverEach(ctx, userIDs[i:min(i+notifyBatch, len(userIDs))], key, kind, p)
		given += n
		if err != nil {
			return given, err
		}
	}
	return given, nil
}

// deliverEach stores and announces the notification keyed key for those
// of ids whose settings let it in and who did not have it, in one
// transaction.
func (s *Notifications) deliverEach(ctx context.Context, ids []int64, key, kind string, p map[string]any) (int, error) {
	settings, err := s.store.NotifySettingsOf(ctx, ids)
	if err != nil {
		return 0, err
	}
	now := s.now()
	type one struct {
		n        *lms.Notification
		payload  map[string]any
		settings lms.NotifySettings
	}
	want := map[int64]one{}
	var wantIDs []int64
	for _, id := range ids {
		st := settings[id]
		pp, b, ok := s.personal(kind, p, st)
		if !ok || want[id].n != nil {
			continue
		}
		want[id] = one{n: &lms.Notification{UserID: id, Kind: kind, Payload: string(b), CreatedAt: now}, payload: pp,
			settings: st}
		wantIDs = append(wantIDs, id)
	}
	if len(wantIDs) == 0 {
		return 0, nil
	}
	given := 0
	_, err = s.apply(ctx, func(tx *Notifications, ch *change) error {
		claimed, err := tx.store.ClaimNotificationsOnce(ctx, key, wantIDs, now)
		if err != nil {
			return err
		}
		list := make([]*lms.Notification, 0, len(claimed))
		for _, id := range claimed {
			list = append(list, want[id].n)
		}
		if err := tx.store.CreateNotifications(ctx, list); err != nil {
			return err
		}
		for _, n := range list {
			o := want[n.UserID]
			if s.email != nil && o.settings.Pref(kind).Email == lms.EmailNow {
				if err := s.email.QueueEmail(ctx, tx.store, n, o.payload, o.settings); err != nil {
					return err
				}
			}
			ch.announce(lms.FeedUser, n.UserID, Event{Kind: EventNotification, Notification: n})
		}
		given = len(list)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return given, nil
}

// withLink returns a copy of payload with "link", the deep link to what it
// is about (lms.NotificationLink), unless the caller gave one.
func withLink(kind string, payload map[string]any) map[string]any {
	p := make(map[string]any, len(payload)+1)
	for k, v := range payload {
		p[k] = v
	}
	if _, ok := p["link"]; !ok {
		if link := lms.NotificationLink(kind, p); link != "" {
			p["link"] = link
		}
	}
	return p
}

// personal returns p for one person (its dates also in their own zone) and
// encoded; false when their settings leave it out (a muted course, a kind
// they turned off in the app).
func (s *Notifications) personal(kind string, p map[string]any, settings lms.NotifySettings) (map[string]any, []byte, bool) {
	if settings.Muted(lms.PayloadCourseID(p)) || !settings.Pref(kind).InApp {
		return nil, nil, false
	}
	out, copied := p, false
	for _, f := range []string{"due", "opens"} {
		if t, ok := p[f+"_at"].(time.Time); ok && !t.IsZero() {
			if !copied { // p is shared by everyone in the batch
				out, copied = maps.Clone(p), true
			}
			out[f+"_local"] = settings.FormatLocal(t)
		}
	}
	b, err := json.Marshal(out)
	if err != nil || len(b) > lms.MaxNotifyPayload {
		s.log.Warn().Err(err).Str("kind", kind).Msg("notification payload dropped")
		b = []byte("{}")
	}
	return out, b, true
}

// deliver stores and announces one notification unless the person's
// settings leave it out or key (when given) was claimed before.
func (s *Notifications) deliver(ctx context.Context, userID int64, key, kind string, payload map[string]any) (bool, error) {
	settings, err := s.store.GetNotifySettings(ctx, userID)
	if err != nil {
		return false, err
	}
	p, b, ok := s.personal(kind, withLink(kind, payload), settings)
	if !ok {
		return false, nil
	}
	n := &lms.Notification{UserID: userID, Kind: kind, Payload: string(b), CreatedAt: s.now()}
	given := false
	_, err = s.apply(ctx, func(tx *Notifications, ch *change) error {
		if key != "" {
			first, err := tx.store.ClaimNotificationOnce(ctx, userID, key, n.CreatedAt)
			if err != nil || !first {
				return err
			}
		}
		if err := tx.store.CreateNotification(ctx, n); err != nil {
			return err
		}
		if mode := settings.Pref(kind).Email; s.email != nil && (mode == lms.EmailNow || mode == lms.EmailDigest) {
			if err := s.email.QueueEmail(ctx, tx.store, n, p, settings); err != nil {
				return err
			}
		}
		ch.announce(lms.FeedUser, userID, Event{Kind: EventNotification, Notification: n})
		given = true
		return nil
	})
	return given && err == nil, err
}

// NotifySettings returns the caller's notification settings.
func (s *Notifications) NotifySettings(ctx context.Context, actor *lms.User) (lms.NotifySettings, error) {
	if err := requireUser(actor); err != nil {
		return lms.NotifySettings{}, err
	}
	return s.store.GetNotifySettings(ctx, actor.ID)
}

// SaveNotifySettings checks and saves the caller's notification settings
// and returns them as stored.
func (s *Notifications) SaveNotifySettings(ctx context.Context, actor *lms.User, st lms.NotifySettings) (lms.NotifySettings, error) {
	if err := requireUser(actor); err != nil {
		return lms.NotifySettings{}, err
	}
	if err := st.Check(); err != nil {
		return lms.NotifySettings{}, err
	}
	if st.Kinds == nil {
		st.Kinds = map[string]lms.KindPref{}
	}
	if st.MutedCourses == nil {
		st.MutedCourses = []int64{}
	}
	st.UpdatedAt = s.now()
	if err := s.store.PutNotifySettings(ctx, actor.ID, st); err != nil {
		return lms.NotifySettings{}, err
	}
	return s.store.GetNotifySettings(ctx, actor.ID)
}

// MarkNotificationRead marks one of the caller's notifications read.
func (s *Notifications) MarkNotificationRead(ctx context.Context, actor *lms.User, id int64) error {
	if err := requireUser(actor); err != nil {
		return err
	}
	return s.store.MarkNotificationRead(ctx, actor.ID, id, s.now())
}

// // NotifyStaff notifies every instructor of the course.
func (s *Notifications) NotifyStaff(ctx context.Context, courseID int64, kind string, payload map[string]any) {
	list, _, err := s.store.ListEnrollments(ctx, lms.EnrollmentFilter{CourseID: courseID, Role: lms.CourseInstructor,
		Status: lms.EnrollActive, Limit: lms.MaxPageSize})
	if err != nil {
		s.log.Warn().Err(err).Int64("course", courseID).Msg("list instructors for a notification")
		return
	}
	for _, e := range list {
		s.Notify(ctx, e.UserID, kind, payload)
	}
}

// ListNotifications returns the caller's notifications, newest first.
func (s *Notifications) ListNotifications(ctx context.Context, actor *lms.User, unreadOnly bool, beforeID int64, limit int) ([]*lms.Notification, int, error) {
	if err := requireUser(actor); err != nil {
		return nil, 0, err
	}
	list, err := s.store.ListNotifications(ctx, lms.NotificationFilter{UserID: actor.ID, UnreadOnly: unreadOnly,
		BeforeID: beforeID, Limit: limit})
	if err != nil {
		return nil, 0, err
	}
	unread, err := s.store.CountUnreadNotifications(ctx, actor.ID)
	return list, unread, err
}

// MarkNotificationsRead marks the caller's notifications up to upToID (0:
// all) read and returns how many.
func (s *Notifications) MarkNotificationsRead(ctx context.Context, actor *lms.User, upToID int64) (int, error) {
	if err := requireUser(actor); err != nil {
		return 0, err
	}
	return s.store.MarkNotificationsRead(ctx, actor.ID, upToID, s.now())
}

// Mention notifies the course's active members @mentioned in body (not
// the author) and returns who was notified. Each name is looked up once
// (logins match case-insensitively), however often it is mentioned.
func (s *Notifications) Mention(ctx context.Context, a *Access, body string, payload map[string]any) map[int64]bool {
	notified := map[int64]bool{}
	looked := map[string]bool{}
	for _, m := range mentionPattern.FindAllStringSubmatch(body, -1) {
		if len(notified) >= maxMentionsPerPost {
			break
		}
		name := strings.ToLower(strings.TrimRight(m[1], "."))
		if looked[name] {
			continue
		}
		looked[name] = true
		u, err := s.store.UserByLogin(ctx, name)
		if err != nil || u.ID == a.User.ID || notified[u.ID] || !strings.EqualFold(u.Username, name) {
			continue
		}
		if e, err := s.store.EnrollmentOf(ctx, a.Course.ID, u.ID); err != nil || e.Status != lms.EnrollActive {
			continue
		}
		p := map[string]any{"course_id": a.Course.ID, "by": a.User.Username, "by_name": a.User.Name}
		for k, v := range payload {
			p[k] = v
		}
		s.Notify(ctx, u.ID, lms.NotifyMention, p)
		notified[u.ID] = true
	}
	return notified
}

// UnsubscribeEmail turns off the email of kind for userID, the person an
// unsubscribe link names (the link is the credential: its caller checks
// it); kind lms.NotifyDigest turns off every kind emailed in the digest.
// It returns the modes it changed, as they were, for UndoUnsubscribe.
func (s *Notifications) UnsubscribeEmail(ctx context.Context, userID int64, kind string) (map[string]lms.EmailMode, error) {
	var kinds []string
	if kind == lms.NotifyDigest {
		for _, k := range lms.NotifyKinds {
			kinds = append(kinds, k.Name)
		}
	} else if _, ok := lms.NotifyKindByName(kind); ok {
		kinds = []string{kind}
	} else {
		return nil, lms.Errorf(lms.EINVALID, "%q is not a kind of notification.", kind)
	}
	changed := map[string]lms.EmailMode{}
	err := s.editSettings(ctx, userID, func(st *lms.NotifySettings) {
		for _, k := range kinds {
			p := st.Pref(k)
			if p.Email == lms.EmailOff || (kind == lms.NotifyDigest && p.Email != lms.EmailDigest) {
				continue
			}
			changed[k] = p.Email
			p.Email = lms.EmailOff
			st.Kinds[k] = p
		}
	})
	return changed, err
}

// UndoUnsubscribe sets back the email modes UnsubscribeEmail changed for
// the link naming userID and kind: modes may name only that kind (for
// lms.NotifyDigest, only kinds set back to the digest).
func (s *Notifications) UndoUnsubscribe(ctx context.Context, userID int64, kind string, modes map[string]lms.EmailMode) error {
	for k, m := range modes {
		ok := k == kind || (kind == lms.NotifyDigest && m == lms.EmailDigest)
		if _, known := lms.NotifyKindByName(k); !ok || !known || !m.Valid() {
			return lms.FieldError("kinds", "This link may set back only the email it turned off.")
		}
	}
	return s.editSettings(ctx, userID, func(st *lms.NotifySettings) {
		for k, m := range modes {
			p := st.Pref(k)
			p.Email = m
			st.Kinds[k] = p
		}
	})
}

// editSettings changes userID's notification settings with fn in one
// transaction.
func (s *Notifications) editSettings(ctx context.Context, userID int64, fn func(*lms.NotifySettings)) error {
	return s.store.InTx(ctx, func(tx NotificationsStore) error {
		st, err := tx.GetNotifySettings(ctx, userID)
		if err != nil {
			return err
		}
		if st.Kinds == nil {
			st.Kinds = map[string]lms.KindPref{}
		}
		fn(&st)
		st.UpdatedAt = s.now()
		return tx.PutNotifySettings(ctx, userID, st)
	})
}
