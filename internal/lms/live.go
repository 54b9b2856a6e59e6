package lms

import "time"

// FeedKind names what a live feed is about. Domain services announce
// changes on feeds by meaning ("a message was stored in room R"); the live
// layer (rooms) maps each feed to its topic and decides who may follow it.
type FeedKind string

// Feed kinds.
const (
	FeedRoom     FeedKind = "room"     // a chat room's messages, reactions and read markers (ID: the room)
	FeedThread   FeedKind = "thread"   // a discussion thread's posts (ID: the thread)
	FeedForum    FeedKind = "forum"    // a forum's new threads and posts, for its thread list (ID: the forum)
	FeedProgress FeedKind = "progress" // a course's live learner progress, for its staff (ID: the course)
	FeedUser     FeedKind = "user"     // a user's personal notifications (ID: the user)
	// FeedGradebook is a course's changed grades, for staff who see every
	// grade (ID: the course).
	FeedGradebook FeedKind = "gradebook"
	// FeedAnnouncements says that a course's announcements changed (ID:
	// the course), for its members' course page. Its events name the
	// announcement only: each reader reloads the list, which shows what is
	// for them (group restrictions, scheduled ones for staff).
	FeedAnnouncements FeedKind = "announcements"
	// FeedAccess is not followed by anyone: an announcement on it says
	// that access to the course (ID) changed for one user (AccessChange),
	// so the live layer re-checks the affected subscriptions on every node.
	FeedAccess FeedKind = "access"
)

// Feed is one live feed: a kind and the id of what it is about.
type Feed struct {
	Kind FeedKind
	ID   int64
}

// Announcement is a stored change waiting to be announced live (the
// transactional outbox): it is written in the same transaction as the
// change, so a change that is stored is always announced, by the node that
// made it or, if that node dies or the broker is down, by any live node
// later. Data is the JSON subscribers receive; ID makes a repeated
// announcement idempotent.
type Announcement struct {
	ID        int64
	Feed      Feed
	Data      []byte
	CreatedAt time.Time
}

// AccessChange is the Data of a FeedAccess announcement.
type AccessChange struct {
	// UserID is whose access to the course changed; 0 for everyone's (the
	// course was hidden or deleted, a room's audience changed).
	UserID int64 `json:"user_id"`
}

// FeedPosition is where an announcement landed in its feed's live stream
// (the hub's epoch and offset of its topic).
type FeedPosition struct {
	Epoch  string `json:"epoch"`
	Offset uint64 `json:"offset"`
}
