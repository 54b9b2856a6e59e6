package rooms

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// hookTimeout bounds one subscribe or publish decision (it may read and
// write the database).
const hookTimeout = 5 * time.Second

// Topic prefixes.
const (
	userTopicPrefix    = "user:"
	loadTopicPrefix    = "load:"
	loadPresencePrefix = "load:presence-" // load topics with presence
	roomTopicPrefix    = "room:"
	typingTopicPrefix  = "typing:"
	threadTopicPrefix  = "thread:"
	forumTopicPrefix   = "forum:"
	courseTopicPrefix  = "course:"
	progressSuffix     = ":progress"
)

// UserTopic is the personal topic of a user.
func UserTopic(userID int64) string { return userTopicPrefix + strconv.FormatInt(userID, 10) }

// TypingTopic is the topic of a room's typing indicators (ephemeral; the
// room's messages are on course.RoomTopic).
func TypingTopic(roomID int64) string { return typingTopicPrefix + strconv.FormatInt(roomID, 10) }

// UserSource loads the current state of an account (store.Store does).
type UserSource interface {
	UserByID(ctx context.Context, id int64) (*lms.User, error)
}

// Policy decides what a connection may do. It needs no hub, so it can be
// built before the hub that enforces it. The zero Policy knows only the
// personal and load topics; NewPolicy adds the course topics.
type Policy struct {
	courses *course.Service // nil: no course topics
	users   UserSource      // nil: trust the identity's snapshot of the user
	log     zerolog.Logger
}

// NewPolicy returns the policy for personal, load and course topics: rooms,
// typing indicators, threads and course progress feeds. Every course
// decision is made by courses as the connection's user, freshly loaded
// from users (so a changed role, a removal from the course or a disabled
// account counts at the next subscribe or publish).
func NewPolicy(courses *course.Service, users UserSource, log zerolog.Logger) *Policy {
	return &Policy{courses: courses, users: users, log: log}
}

// Hooks returns the hub hooks that enforce the policy.
func (p *Policy) Hooks() hub.Hooks {
	return hub.Hooks{
		CanSubscribe: p.canSubscribe,
		OnPublish:    p.onPublish,
		ErrorInfo:    p.errorInfo,
	}
}

// errorInfo maps a hook error to its lms code and a message safe to show;
// internal errors are logged here (the client sees only "internal").
func (p *Policy) errorInfo(err error) (string, string) {
	code := lms.ErrorCode(err)
	if code == lms.EINTERNAL {
		p.log.Error().Err(err).Msg("live command failed")
	}
	return code, lms.ErrorMessage(err)
}

// caller is what the policy knows about a connection (Identity.Data).
type caller struct {
	userID int64
	admin  bool
	user   *lms.User // the user when the socket opened (used when the policy has no UserSource)
}

// callerOf returns the connection's caller: Identity.Data as ServeHTTP
// set it, or else just the user id the server authenticated (without the
// snapshot: such connections need a Policy with a UserSource).
func callerOf(id hub.Identity) caller {
	if c, ok := id.Data.(caller); ok {
		return c
	}
	n, err := strconv.ParseInt(id.UserID, 10, 64)
	if err != nil || n <= 0 {
		return caller{}
	}
	return caller{userID: n}
}

// user returns the connection's user as it is now: disabled or deleted
// accounts are refused.
func (p *Policy) user(ctx context.Context, c caller) (*lms.User, error) {
	if p.users == nil {
		if c.user == nil {
			return nil, lms.Errorf(lms.EUNAUTHORIZED, "Sign in first.")
		}
		return c.user, nil
	}
	u, err := p.users.UserByID(ctx, c.userID)
	if lms.IsCode(err, lms.ENOTFOUND) || (err == nil && u.Disabled) {
		return nil, lms.Errorf(lms.EUNAUTHORIZED, "Sign in first.")
	}
	return u, err
}

// topicKind splits a course topic into its kind (its prefix) and id; ok is
// false for anything else, including ids not written canonically (so one
// room cannot be reached under two topic names).
func topicKind(topic string) (kind string, id int64, ok bool) {
	for _, prefix := range []string{roomTopicPrefix, typingTopicPrefix, threadTopicPrefix, forumTopicPrefix, courseTopicPrefix} {
		rest, found := strings.CutPrefix(topic, prefix)
		if !found {
			continue
		}
		if prefix == courseTopicPrefix {
			if rest, found = strings.CutSuffix(rest, progressSuffix); !found {
				return "", 0, false
			}
		}
		n, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || n <= 0 || strconv.FormatInt(n, 10) != rest {
			return "", 0, false
		}
		return prefix, n, true
	}
	return "", 0, false
}

func (p *Policy) canSubscribe(ctx context.Context, id hub.Identity, topic string) (hub.SubscribeOptions, error) {
	c := callerOf(id)
	if c.userID == 0 {
		return hub.SubscribeOptions{}, lms.Errorf(lms.EUNAUTHORIZED, "Sign in first.")
	}
	switch {
	case strings.HasPrefix(topic, userTopicPrefix):
		if topic != UserTopic(c.userID) {
			return hub.SubscribeOptions{}, lms.Errorf(lms.EFORBIDDEN, "You can only follow your own notifications.")
		}
		return hub.SubscribeOptions{}, nil
	case strings.HasPrefix(topic, loadTopicPrefix):
		if !c.admin {
			return hub.SubscribeOptions{}, lms.Errorf(lms.EFORBIDDEN, "Load-test topics are for administrators.")
		}
		// Presence only where asked for: announcing every join to every
		// subscriber costs N² frames when a thousand load clients connect.
		return hub.SubscribeOptions{Presence: strings.HasPrefix(topic, loadPresencePrefix)}, nil
	}
	kind, objID, ok := topicKind(topic)
	if !ok || p.courses == nil {
		return hub.SubscribeOptions{}, lms.Errorf(lms.ENOTFOUND, "Unknown topic.")
	}
	ctx, cancel := context.WithTimeout(ctx, hookTimeout)
	defer cancel()
	u, err := p.user(ctx, c)
	if err != nil {
		return hub.SubscribeOptions{}, err
	}
	switch kind {
	case roomTopicPrefix:
		_, _, _, err = p.courses.RoomAccess(ctx, u, objID)
		return hub.SubscribeOptions{Presence: true}, err
	case typingTopicPrefix:
		_, _, _, err = p.courses.RoomAccess(ctx, u, objID)
		return hub.SubscribeOptions{}, err
	case threadTopicPrefix:
		_, err = p.courses.ThreadAccess(ctx, u, objID)
		return hub.SubscribeOptions{}, err
	case forumTopicPrefix:
		return hub.SubscribeOptions{}, p.courses.ForumAccess(ctx, u, objID)
	default: // course progress
		return hub.SubscribeOptions{}, p.canFollowProgress(ctx, u, objID)
	}
}

// canFollowProgress lets those who may see every learner's progress
// (view_grades) follow the course's live progress feed.
func (p *Policy) canFollowProgress(ctx context.Context, u *lms.User, courseID int64) error {
	v, err := p.courses.GetCourse(ctx, u, courseID)
	if err != nil {
		return err
	}
	for _, act := range v.Can {
		if act == lms.ActViewGrades {
			return nil
		}
	}
	return lms.Errorf(lms.EFORBIDDEN, "Only the course staff follow its progress.")
}

func (p *Policy) onPublish(ctx context.Context, req hub.PublishRequest) (json.RawMessage, error) {
	c := callerOf(req.Identity)
	if c.userID == 0 {
		return nil, lms.Errorf(lms.EUNAUTHORIZED, "Sign in first.")
	}
	if strings.HasPrefix(req.Topic, loadTopicPrefix) && c.admin {
		return req.Data, nil
	}
	kind, objID, ok := topicKind(req.Topic)
	if !ok || p.courses == nil || (kind != roomTopicPrefix && kind != typingTopicPrefix) {
		return nil, lms.Errorf(lms.EFORBIDDEN, "You cannot publish on this topic.")
	}
	ctx, cancel := context.WithTimeout(ctx, hookTimeout)
	defer cancel()
	u, err := p.user(ctx, c)
	if err != nil {
		return nil, err
	}
	if kind == roomTopicPrefix {
		return p.sendMessage(ctx, u, objID, req)
	}
	return p.typing(ctx, u, objID, req)
}
