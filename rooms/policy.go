package rooms

import (
	"context"
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

// UserSource loads the current state of an account (store.Store does).
type UserSource interface {
	UserByID(ctx context.Context, id int64) (*lms.User, error)
}

// RoomChat is what the policy needs of room chat (course.Chat).
type RoomChat interface {
	RoomAccess(ctx context.Context, actor *lms.User, roomID int64) (*lms.Room, lms.CourseRole, bool, error)
	SendMessage(ctx context.Context, actor *lms.User, in course.SendInput) (*course.Sent, error)
}

// Discussions is what the policy needs of discussion boards
// (course.Discussion).
type Discussions interface {
	ForumAccess(ctx context.Context, actor *lms.User, forumID int64) (*lms.Forum, error)
	ThreadAccess(ctx context.Context, actor *lms.User, threadID int64) (*lms.Thread, error)
}

// CourseAccess says who a caller is in a course (course.Loader).
type CourseAccess interface {
	Load(ctx context.Context, actor *lms.User, courseID int64, act lms.CourseAction) (*course.Access, error)
}

// PolicyParams are what NewPolicy needs.
type PolicyParams struct {
	Chat        RoomChat
	Discussions Discussions
	Access      CourseAccess
	// Users loads the current state of an account; nil trusts the
	// identity's snapshot of the user.
	Users UserSource
	// Cache, when Users (or the upgrade's authentication) reads through a
	// cache, is told of every revocation and account change on this node
	// (Hooks().Invalidated) so it drops its entries first; nil: no cache.
	Cache AccountCache
	Log   zerolog.Logger
}

// AccountCache is a cache of credentials and accounts that revocations
// must empty (auth.Cache).
type AccountCache interface {
	// Forget drops the account and every credential of the user.
	Forget(userID int64)
	ForgetSession(userID, sessionID int64)
	ForgetToken(userID, tokenID int64)
}

// Policy decides what a connection may do. It needs no hub, so it can be
// built before the hub that enforces it. The zero Policy knows only the
// personal and load topics; NewPolicy adds the course topics.
type Policy struct {
	chat   RoomChat     // nil: no course topics
	boards Discussions  // nil: no course topics
	access CourseAccess // nil: no course topics
	users  UserSource   // nil: trust the identity's snapshot of the user
	cache  AccountCache // nil: nothing to drop
	log    zerolog.Logger
}

// NewPolicy returns the policy for personal, load and course topics: rooms,
// typing indicators, threads and course progress feeds. Every course
// decision is made by the course services as the connection's user,
// freshly loaded from Users (so a changed role, a removal from the course
// or a disabled account counts at the next subscribe or publish).
func NewPolicy(p PolicyParams) *Policy {
	return &Policy{chat: p.Chat, boards: p.Discussions, access: p.Access, users: p.Users, cache: p.Cache, log: p.Log}
}

// Hooks returns the hub hooks that enforce the policy.
func (p *Policy) Hooks() hub.Hooks {
	return hub.Hooks{
		CanSubscribe: p.canSubscribe,
		OnPublish:    p.onPublish,
		ErrorInfo:    p.errorInfo,
		Invalidated:  p.invalidated,
	}
}

// invalidated drops the cache's entries that a Disconnect or Recheck
// (announced on every node) makes stale: a revoked session or token, or
// everything about a user whose sessions ended or whose account changed.
// A re-check of a scope (course access) drops nothing: no course access
// is cached.
func (p *Policy) invalidated(userID, sessionID, scope string) {
	if p.cache == nil {
		return
	}
	uid, err := strconv.ParseInt(userID, 10, 64)
	if err != nil || uid <= 0 {
		return
	}
	kind, num, _ := strings.Cut(sessionID, ":")
	id, _ := strconv.ParseInt(num, 10, 64)
	switch {
	case sessionID == "" && scope == "":
		p.cache.Forget(uid)
	case sessionID == sessionKey(id) && kind == "s":
		p.cache.ForgetSession(uid, id)
	case sessionID == tokenKey(id) && kind == "t":
		p.cache.ForgetToken(uid, id)
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

func (p *Policy) canSubscribe(ctx context.Context, id hub.Identity, topic string) (hub.SubscribeOptions, error) {
	c := callerOf(id)
	if c.userID == 0 {
		return hub.SubscribeOptions{}, lms.Errorf(lms.EUNAUTHORIZED, "Sign in first.")
	}
	f, isFeed := TopicFeed(topic)
	if isFeed && f.Kind == lms.FeedUser { // decided by the id alone: a disabled account's sockets are closed
		if f.ID != c.userID {
			return hub.SubscribeOptions{}, lms.Errorf(lms.EFORBIDDEN, "You can only follow your own notifications.")
		}
		return hub.SubscribeOptions{}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, hookTimeout)
	defer cancel()
	u, err := p.user(ctx, c)
	if err != nil {
		return hub.SubscribeOptions{}, err
	}
	if strings.HasPrefix(topic, loadTopicPrefix) {
		if !u.IsAdmin() {
			return hub.SubscribeOptions{}, lms.Errorf(lms.EFORBIDDEN, "Load-test topics are for administrators.")
		}
		// Presence only where asked for: announcing every join to every
		// subscriber costs N² frames when a thousand load clients connect.
		return hub.SubscribeOptions{Presence: strings.HasPrefix(topic, loadPresencePrefix)}, nil
	}
	if roomID, ok := typingRoom(topic); ok && p.chat != nil {
		r, _, _, err := p.chat.RoomAccess(ctx, u, roomID)
		if err != nil {
			return hub.SubscribeOptions{}, err
		}
		return hub.SubscribeOptions{Scope: CourseScope(r.CourseID)}, nil
	}
	if !isFeed || p.chat == nil {
		return hub.SubscribeOptions{}, lms.Errorf(lms.ENOTFOUND, "Unknown topic.")
	}
	courseID, presence, err := p.feedAccess(ctx, u, f)
	if err != nil {
		return hub.SubscribeOptions{}, err
	}
	return hub.SubscribeOptions{Presence: presence, Scope: CourseScope(courseID)}, nil
}

// feedAccess checks that u may follow a course feed and returns its
// course and whether it has presence.
func (p *Policy) feedAccess(ctx context.Context, u *lms.User, f lms.Feed) (courseID int64, presence bool, err error) {
	switch f.Kind {
	case lms.FeedRoom:
		r, _, _, err := p.chat.RoomAccess(ctx, u, f.ID)
		if err != nil {
			return 0, false, err
		}
		return r.CourseID, true, nil
	case lms.FeedThread:
		t, err := p.boards.ThreadAccess(ctx, u, f.ID)
		if err != nil {
			return 0, false, err
		}
		return t.CourseID, false, nil
	case lms.FeedForum:
		fo, err := p.boards.ForumAccess(ctx, u, f.ID)
		if err != nil {
			return 0, false, err
		}
		return fo.CourseID, false, nil
	case lms.FeedGradebook:
		return f.ID, false, p.canViewGrades(ctx, u, f.ID, "Only the course staff follow its gradebook.")
	case lms.FeedAnnouncements:
		_, err := p.access.Load(ctx, u, f.ID, lms.ActViewContent)
		return f.ID, false, err
	default: // course progress
		return f.ID, false, p.canViewGrades(ctx, u, f.ID, "Only the course staff follow its progress.")
	}
}

// canViewGrades lets those who may see every learner's progress and
// grades (view_grades) follow the course's progress and gradebook feeds;
// others get EFORBIDDEN with refusal.
func (p *Policy) canViewGrades(ctx context.Context, u *lms.User, courseID int64, refusal string) error {
	_, err := p.access.Load(ctx, u, courseID, lms.ActViewGrades)
	if lms.IsCode(err, lms.EFORBIDDEN) {
		return lms.Errorf(lms.EFORBIDDEN, "%s", refusal)
	}
	return err
}

func (p *Policy) onPublish(ctx context.Context, req hub.PublishRequest) (hub.PublishResult, error) {
	c := callerOf(req.Identity)
	if c.userID == 0 {
		return hub.PublishResult{}, lms.Errorf(lms.EUNAUTHORIZED, "Sign in first.")
	}
	if strings.HasPrefix(req.Topic, loadTopicPrefix) && c.admin {
		// Load tests publish as fast as they can: the identity's snapshot
		// decides (an administrator demoted since is re-checked and closed).
		return hub.PublishResult{Data: req.Data}, nil
	}
	roomID, typing := typingRoom(req.Topic)
	f, ok := TopicFeed(req.Topic)
	if p.chat == nil || (!typing && (!ok || f.Kind != lms.FeedRoom)) {
		return hub.PublishResult{}, lms.Errorf(lms.EFORBIDDEN, "You cannot publish on this topic.")
	}
	ctx, cancel := context.WithTimeout(ctx, hookTimeout)
	defer cancel()
	u, err := p.user(ctx, c)
	if err != nil {
		return hub.PublishResult{}, err
	}
	if typing {
		return p.typing(ctx, u, roomID, req)
	}
	return p.sendMessage(ctx, u, f.ID, req)
}
