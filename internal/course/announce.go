package course

import (
	"context"
	"encoding/json"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Announcer delivers stored announcements live (rooms.Relay over the hub).
// Every announcement it is handed is in the store's outbox already, so a
// failure only delays it: a relay on some node announces it later. The
// position says where it landed in its feed (zero for FeedAccess).
type Announcer interface {
	Announce(ctx context.Context, a *lms.Announcement) (lms.FeedPosition, error)
}

// change collects the announcements and audit entries of one stored
// change (see apply).
type change struct {
	list   []*lms.Announcement
	audits []*lms.AuditEntry
}

// audit records, in the change's transaction, that actor did action to
// target: the one line each audited course action adds.
func (c *change) audit(actor *lms.User, action, target, detail string) {
	e := &lms.AuditEntry{Action: action, Target: target, Detail: detail}
	if actor != nil {
		e.ActorID, e.ActorName = actor.ID, actor.Username
	}
	c.audits = append(c.audits, e)
}

// announce announces ev on the feed (kind, id) once the change is stored.
func (c *change) announce(kind lms.FeedKind, id int64, ev Event) {
	c.add(kind, id, ev)
}

// accessChanged says that userID's access to the course changed (0:
// everyone's), so live subscriptions there are checked again.
func (c *change) accessChanged(courseID, userID int64) {
	c.add(lms.FeedAccess, courseID, lms.AccessChange{UserID: userID})
}

func (c *change) add(kind lms.FeedKind, id int64, v any) {
	data, err := json.Marshal(v)
	if err != nil { // Event and AccessChange are plain data
		panic("course: encode an announcement: " + err.Error())
	}
	c.list = append(c.list, &lms.Announcement{Feed: lms.Feed{Kind: kind, ID: id}, Data: data})
}

// txStore is what apply needs of a service's store S.
type txStore[S any] interface {
	InTx(ctx context.Context, fn func(S) error) error
	AppendOutbox(ctx context.Context, a *lms.Announcement) error
	AppendAudit(ctx context.Context, e *lms.AuditEntry) error
}

// apply stores one change and announces it: fn runs with the service T
// bound (by bind) to one transaction of st, so every store call it makes is
// in it, and records what to announce in ch; the announcements go into the
// outbox in the same transaction, so a stored change is never left
// unannounced (durable first, then live), and are handed to the Announcer
// after the commit. It returns where each announcement landed, in order (nil
// entries: not delivered yet; the relay will). Each service wraps it in an
// apply method of its own.
func apply[S txStore[S], T any](ctx context.Context, c *core, st S, bind func(S) T, fn func(tx T, ch *change) error) ([]*lms.FeedPosition, error) {
	ch := &change{}
	err := st.InTx(ctx, func(tx S) error {
		if err := fn(bind(tx), ch); err != nil {
			return err
		}
		for _, e := range ch.audits {
			e.At, e.IP = c.now().UTC(), lms.ClientFrom(ctx).IP
			if err := tx.AppendAudit(ctx, e); err != nil {
				return err
			}
		}
		if c.ann == nil {
			return nil // nobody would relay them (tests without a live layer)
		}
		for _, a := range ch.list {
			if err := tx.AppendOutbox(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c.deliver(ctx, ch.list), nil
}

// deliver hands stored announcements to the Announcer now. A failure is
// logged, not returned: the change is stored and its announcement stays in
// the outbox for the relay.
func (s *core) deliver(ctx context.Context, list []*lms.Announcement) []*lms.FeedPosition {
	out := make([]*lms.FeedPosition, len(list))
	if s.ann == nil {
		return out
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	for i, a := range list {
		pos, err := s.ann.Announce(ctx, a)
		if err != nil {
			s.log.Warn().Err(err).Str("feed", string(a.Feed.Kind)).Int64("id", a.Feed.ID).
				Int64("announcement", a.ID).Msg("announcement not delivered now; the relay will retry")
			continue
		}
		out[i] = &pos
	}
	return out
}

// react stores a's caller's reaction on a post or message (or with remove,
// takes it back) with add or take, and announces it on feed. A removal
// event carries when it was removed.
func react[S txStore[S]](ctx context.Context, c *core, st S, a *Access, feed lms.Feed, targetID int64, emoji string,
	remove bool, add func(S, context.Context, *lms.Reaction) error, take func(S, context.Context, int64, int64, string) error) error {
	if err := lms.CheckEmoji(emoji); err != nil {
		return err
	}
	if err := a.Writable(); err != nil {
		return err
	}
	x := &lms.Reaction{TargetID: targetID, UserID: a.User.ID, Emoji: emoji}
	_, err := apply(ctx, c, st, func(tx S) S { return tx }, func(tx S, ch *change) error {
		var err error
		if remove {
			x.CreatedAt = c.now().UTC().Truncate(time.Millisecond)
			err = take(tx, ctx, targetID, a.User.ID, emoji)
		} else {
			err = add(tx, ctx, x)
		}
		if err != nil {
			return err
		}
		ch.announce(feed.Kind, feed.ID, Event{Kind: EventReaction, CourseID: a.Course.ID, Reaction: x, Removed: remove})
		return nil
	})
	return err
}
