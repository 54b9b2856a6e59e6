package rooms

import (
	"strconv"
	"strings"
)

// Live video topics (see docs/protocol.md, "Live video"):
//
//	live:<roomID>                  the room's live session state (participants
//	                               with mic/camera, hand queue, speaking);
//	                               members of the room subscribe, the server
//	                               publishes
//	live:<roomID>:u<userID>-<tag>  one participant's signaling channel: only
//	                               that user subscribes; the client publishes
//	                               its commands and signaling messages on it and
//	                               the server publishes its messages to it
const (
	liveTopicPrefix = "live:"
	maxTagBytes     = 24 // a participant tag: 1-24 of A-Z a-z 0-9 _
)

// LiveTopic is the topic of a room's live video state.
func LiveTopic(roomID int64) string { return liveTopicPrefix + strconv.FormatInt(roomID, 10) }

// ParticipantTopic is a participant's signaling topic in a room's live
// session; the participant id is u<userID>-<tag> (tag: the client's choice,
// one per page, so one user may join from two tabs).
func ParticipantTopic(roomID int64, participantID string) string {
	return LiveTopic(roomID) + ":" + participantID
}

// ParticipantID is the participant id of a user's page with tag.
func ParticipantID(userID int64, tag string) string {
	return "u" + strconv.FormatInt(userID, 10) + "-" + tag
}

// liveTopic reads a live topic back: the room and, for a participant's
// topic, the participant id and its user.
func liveTopic(topic string) (roomID int64, participant string, userID int64, ok bool) {
	rest, found := strings.CutPrefix(topic, liveTopicPrefix)
	if !found {
		return 0, "", 0, false
	}
	room, pid, hasPID := strings.Cut(rest, ":")
	if roomID, ok = canonicalID(room); !ok {
		return 0, "", 0, false
	}
	if !hasPID {
		return roomID, "", 0, true
	}
	if userID, ok = participantUser(pid); !ok {
		return 0, "", 0, false
	}
	return roomID, pid, userID, true
}

// participantUser returns the user of a participant id u<userID>-<tag>.
func participantUser(pid string) (int64, bool) {
	rest, found := strings.CutPrefix(pid, "u")
	if !found {
		return 0, false
	}
	user, tag, found := strings.Cut(rest, "-")
	if !found || tag == "" || len(tag) > maxTagBytes {
		return 0, false
	}
	for _, r := range tag {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return 0, false
		}
	}
	return canonicalID(user)
}

// sessionName is the signaling session id of a room's live session.
func sessionName(roomID int64) string { return "room-" + strconv.FormatInt(roomID, 10) }
