package rooms

import (
	"strconv"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// The topic vocabulary: every topic name Lyceum uses is made and read
// here. Domain services announce on feeds by meaning (lms.Feed); FeedTopic
// and TopicFeed map them to and from hub topics; the policy decides who may
// follow each.
const (
	userTopicPrefix    = "user:"
	loadTopicPrefix    = "load:"
	loadPresencePrefix = "load:presence-" // load topics with presence
	roomTopicPrefix    = "room:"
	typingTopicPrefix  = "typing:"
	threadTopicPrefix  = "thread:"
	forumTopicPrefix   = "forum:"
	courseTopicPrefix  = "course:"
	gradebookPrefix    = "gradebook:"
	announcePrefix     = "announcements:"
	progressSuffix     = ":progress"
)

// FeedTopic is the topic a feed is published on; ok is false for feeds
// nobody subscribes to (lms.FeedAccess) and unknown kinds.
func FeedTopic(f lms.Feed) (topic string, ok bool) {
	id := strconv.FormatInt(f.ID, 10)
	switch f.Kind {
	case lms.FeedRoom:
		return roomTopicPrefix + id, true
	case lms.FeedThread:
		return threadTopicPrefix + id, true
	case lms.FeedForum:
		return forumTopicPrefix + id, true
	case lms.FeedProgress:
		return courseTopicPrefix + id + progressSuffix, true
	case lms.FeedUser:
		return userTopicPrefix + id, true
	case lms.FeedGradebook:
		return gradebookPrefix + id, true
	case lms.FeedAnnouncements:
		return announcePrefix + id, true
	}
	return "", false
}

// TopicFeed reads a feed's topic back; ok is false for anything else,
// including ids not written canonically (so one room cannot be reached
// under two topic names).
func TopicFeed(topic string) (f lms.Feed, ok bool) {
	prefixes := []struct {
		prefix string
		kind   lms.FeedKind
	}{
		{roomTopicPrefix, lms.FeedRoom}, {threadTopicPrefix, lms.FeedThread}, {forumTopicPrefix, lms.FeedForum},
		{courseTopicPrefix, lms.FeedProgress}, {userTopicPrefix, lms.FeedUser}, {gradebookPrefix, lms.FeedGradebook},
		{announcePrefix, lms.FeedAnnouncements},
	}
	for _, p := range prefixes {
		rest, found := strings.CutPrefix(topic, p.prefix)
		if !found {
			continue
		}
		if p.kind == lms.FeedProgress {
			if rest, found = strings.CutSuffix(rest, progressSuffix); !found {
				return lms.Feed{}, false
			}
		}
		id, ok := canonicalID(rest)
		return lms.Feed{Kind: p.kind, ID: id}, ok
	}
	return lms.Feed{}, false
}

// canonicalID parses a positive id written without sign or leading zeros.
func canonicalID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != s {
		return 0, false
	}
	return n, true
}

// topic is FeedTopic for the kinds that have one.
func topic(kind lms.FeedKind, id int64) string {
	t, _ := FeedTopic(lms.Feed{Kind: kind, ID: id})
	return t
}

// UserTopic is a user's personal topic (notifications, account events).
func UserTopic(userID int64) string { return topic(lms.FeedUser, userID) }

// RoomTopic is a chat room's topic (messages, reactions, read markers),
// with presence.
func RoomTopic(roomID int64) string { return topic(lms.FeedRoom, roomID) }

// ThreadTopic is a discussion thread's topic.
func ThreadTopic(threadID int64) string { return topic(lms.FeedThread, threadID) }

// ForumTopic is a forum's topic: new threads and posts, for its thread list.
func ForumTopic(forumID int64) string { return topic(lms.FeedForum, forumID) }

// ProgressTopic is a course's live progress topic (staff).
func ProgressTopic(courseID int64) string { return topic(lms.FeedProgress, courseID) }

// GradebookTopic is a course's gradebook topic: a frame for every changed
// grade, for staff with the gradebook open (view_grades).
func GradebookTopic(courseID int64) string { return topic(lms.FeedGradebook, courseID) }

// AnnouncementsTopic is a course's announcements topic: a frame whenever
// one is posted, changed or deleted, for its members (view_content).
func AnnouncementsTopic(courseID int64) string { return topic(lms.FeedAnnouncements, courseID) }

// TypingTopic is the topic of a room's typing indicators (ephemeral: they
// are not stored, so not a feed).
func TypingTopic(roomID int64) string { return typingTopicPrefix + strconv.FormatInt(roomID, 10) }

// typingRoom reads a typing topic back.
func typingRoom(topic string) (int64, bool) {
	rest, found := strings.CutPrefix(topic, typingTopicPrefix)
	if !found {
		return 0, false
	}
	return canonicalID(rest)
}

// CourseScope is the hub subscription scope of every topic whose access
// depends on a course (hub.SubscribeOptions.Scope, Hub.Recheck).
func CourseScope(courseID int64) string { return "course:" + strconv.FormatInt(courseID, 10) }
