package signaling

// Hooks tell the caller what happens in its sessions (attendance, the
// participant list, speaking indicators). Every hook is optional. Hooks run
// on the server's goroutines with no lock held, so they may call Server
// methods, but they should return quickly: a slow hook delays the event
// that triggered it (never media forwarding).
type Hooks struct {
	// ParticipantJoined is called after Join succeeded.
	ParticipantJoined func(sessionID string, p ParticipantInfo)
	// ParticipantLeft is called once per participant that joined, with why
	// it left (one of the Reason constants).
	ParticipantLeft func(sessionID string, p ParticipantInfo, reason string)
	// TrackPublished is called when a participant's track is forwarded for
	// the first time (after the permission check).
	TrackPublished func(sessionID string, t TrackInfo)
	// TrackRemoved is called when a forwarded track ends (unpublished,
	// stopped by staff or its publisher left).
	TrackRemoved func(sessionID string, t TrackInfo)
	// SessionEmpty is called when the last participant left; the session
	// ends after Config.EmptyTimeout unless someone joins.
	SessionEmpty func(sessionID string)
	// SessionEnded is called once when a session ends (empty timeout,
	// EndSession or Server.Close).
	SessionEnded func(sessionID string)
	// AudioLevels reports, at most every Config.AudioLevelInterval per
	// session, the audio tracks whose level changed noticeably.
	AudioLevels func(sessionID string, levels []AudioLevel)
}

// Reasons a participant left, as passed to Hooks.ParticipantLeft and sent
// in "left" messages.
const (
	ReasonLeave    = "leave"    // the participant left (Leave or a "leave" message)
	ReasonRemoved  = "removed"  // the caller removed it (Server.Leave with this reason)
	ReasonReplaced = "replaced" // a new Join with the same participant id
	// ReasonMoved: the caller moved the participant to another session
	// (a breakout group, or back). Like ReasonReplaced it is sent no
	// "left" and what it still had queued is dropped: its address now
	// belongs to its place in the other session.
	ReasonMoved     = "moved"
	ReasonFailed    = "failed"     // its PeerConnection failed
	ReasonSlow      = "slow"       // its signaling queue overflowed
	ReasonEnded     = "ended"      // the session ended
	ReasonServerEnd = "server_end" // the server closed
)

// AudioLevel is the loudness of one audio track over the last interval.
type AudioLevel struct {
	Participant string `json:"participant"`
	Track       string `json:"track"`
	// Level is the loudest level heard, in -dBov: 0 is the loudest
	// possible, 127 silence (RFC 6464).
	Level uint8 `json:"level"`
	// Speaking is true when the level passed the speaking threshold or the
	// sender marked voice activity.
	Speaking bool `json:"speaking"`
}
