package signaling

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/pion/webrtc/v4"
)

// Message types. Client -> server: negotiate, offer, answer, candidate,
// mute, unmute, layer, size, leave. Server -> client: joined, negotiate, offer,
// answer, candidate, tracks,
// participant_joined, participant_left, permissions, track_refused,
// track_muted, track_stopped, left, error. docs/signaling.md describes each.
const (
	TypeJoined            = "joined"
	TypeNegotiate         = "negotiate"
	TypeOffer             = "offer"
	TypeAnswer            = "answer"
	TypeCandidate         = "candidate"
	TypeTracks            = "tracks"
	TypeParticipantJoined = "participant_joined"
	TypeParticipantLeft   = "participant_left"
	TypePermissions       = "permissions"
	TypeTrackRefused      = "track_refused"
	TypeTrackMuted        = "track_muted"
	TypeTrackStopped      = "track_stopped"
	TypeMute              = "mute"
	TypeUnmute            = "unmute"
	TypeLayer             = "layer"
	TypeSize              = "size"
	TypeLeave             = "leave"
	TypeLeft              = "left"
	TypeError             = "error"
)

// Message is one signaling message in either direction. Only the fields of
// its Type are set; the rest are omitted from JSON.
type Message struct {
	Type string `json:"type"`
	// ID is chosen by the client (optional) and echoed in the error about
	// that message.
	ID int64 `json:"id,omitempty"`

	SDP string `json:"sdp,omitempty"` // offer, answer
	// Candidate is a trickled ICE candidate; a candidate message without
	// it (or with an empty candidate string) means end of candidates.
	Candidate *webrtc.ICECandidateInit `json:"candidate,omitempty"`
	// Tracks: in a client offer, what its sending m-lines carry (Mid,
	// Source, Layers); from the server, the published tracks ("tracks",
	// "joined").
	Tracks []TrackInfo `json:"tracks,omitempty"`
	// Mids maps, in a server offer, each m-line the server sends on to the
	// track it carries ("mid" -> track id).
	Mids map[string]string `json:"mids,omitempty"`

	Track   string `json:"track,omitempty"`   // mute, unmute, layer, track_* messages
	Quality string `json:"quality,omitempty"` // layer: "low", "medium" or "high"
	// Width and Height are the size a subscriber displays a track at, in
	// device pixels ("size").
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`

	Session      string            `json:"session,omitempty"`      // joined
	Participant  *ParticipantInfo  `json:"participant,omitempty"`  // joined (yourself), participant_*
	Participants []ParticipantInfo `json:"participants,omitempty"` // joined
	Permissions  *Permissions      `json:"permissions,omitempty"`  // joined, permissions
	ICEServers   []ICEServer       `json:"ice_servers,omitempty"`  // joined

	Code    Code   `json:"code,omitempty"`    // error, track_refused
	Message string `json:"message,omitempty"` // error, track_refused
	Reason  string `json:"reason,omitempty"`  // left, participant_left, track_muted, track_stopped
}

// Source is what a published track carries.
type Source string

// Track sources.
const (
	SourceCamera      Source = "camera"
	SourceMicrophone  Source = "microphone"
	SourceScreen      Source = "screen"
	SourceScreenAudio Source = "screen_audio"
)

// valid reports whether s is a known source.
func (s Source) valid() bool {
	switch s {
	case SourceCamera, SourceMicrophone, SourceScreen, SourceScreenAudio:
		return true
	}
	return false
}

// kind is the media kind a source carries.
func (s Source) kind() webrtc.RTPCodecType {
	if s == SourceMicrophone || s == SourceScreenAudio {
		return webrtc.RTPCodecTypeAudio
	}
	return webrtc.RTPCodecTypeVideo
}

// ParticipantInfo identifies a participant. The caller chooses all of it.
type ParticipantInfo struct {
	ID   string `json:"id"`             // unique in the session: 1-64 of A-Z a-z 0-9 _ - . :
	Name string `json:"name,omitempty"` // display name
	Role string `json:"role,omitempty"` // opaque label for the UI (e.g. "instructor")
}

// Permissions are what a participant may do, decided by the caller.
type Permissions struct {
	// Publish lists the sources it may publish; a track of another source
	// is refused (not forwarded, and the publisher is told).
	Publish []Source `json:"publish"`
	// Subscribe lets it receive the other participants' tracks.
	Subscribe bool `json:"subscribe"`
}

// clone returns a copy of p that shares nothing and lists Publish as []
// rather than null in JSON.
func (p Permissions) clone() Permissions {
	p.Publish = append([]Source{}, p.Publish...)
	return p
}

// mayPublish reports whether p allows publishing s.
func (p Permissions) mayPublish(s Source) bool { return slices.Contains(p.Publish, s) }

// Track states in TrackInfo.State.
const (
	TrackLive    = "live"    // forwarded
	TrackMuted   = "muted"   // not forwarded: muted by its publisher or by staff
	TrackRefused = "refused" // not forwarded: no permission or a limit (only its publisher sees it)
)

// TrackInfo describes a published track.
type TrackInfo struct {
	ID          string `json:"id,omitempty"`          // server-assigned track id
	Participant string `json:"participant,omitempty"` // its publisher
	Source      Source `json:"source"`
	Kind        string `json:"kind,omitempty"` // "audio" or "video"
	State       string `json:"state,omitempty"`
	// Mid is, in a client offer, the m-line the track is sent on.
	Mid string `json:"mid,omitempty"`
	// Layers are the simulcast RIDs, lowest quality first: declared by the
	// publisher in its offer, and reported by the server once received.
	Layers []string `json:"layers,omitempty"`
}

// Limits on inbound fields.
const (
	maxIDBytes       = 64 // session and participant ids
	maxDeclaredMids  = 16 // track declarations in one offer
	maxLayers        = 3  // simulcast layers per track
	maxRIDBytes      = 16
	maxCandidateSize = 1024
	maxDisplayPixels = 16383 // a VP8 frame's largest side
)

// decode parses one inbound message and checks its shape.
func decode(raw []byte, maxBytes int) (Message, *Error) {
	var m Message
	if len(raw) > maxBytes {
		return m, errTooLarge
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&m); err != nil {
		return m, errorf(CodeInvalid, "malformed signaling message")
	}
	if dec.More() {
		return m, errorf(CodeInvalid, "one JSON object per signaling message")
	}
	return m, validate(&m)
}

// validate checks the fields of an inbound message of a known type.
func validate(m *Message) *Error {
	switch m.Type {
	case TypeOffer, TypeAnswer:
		if m.SDP == "" {
			return errorf(CodeInvalid, "%s needs sdp", m.Type)
		}
		if m.Type == TypeOffer {
			return validateDeclarations(m.Tracks)
		}
	case TypeCandidate:
		if m.Candidate != nil && len(m.Candidate.Candidate) > maxCandidateSize {
			return errorf(CodeInvalid, "candidate too long")
		}
	case TypeMute, TypeUnmute:
		if m.Track == "" {
			return errorf(CodeInvalid, "%s needs track", m.Type)
		}
	case TypeLayer:
		if m.Track == "" {
			return errorf(CodeInvalid, "layer needs track")
		}
		if _, ok := qualityIndex(m.Quality); !ok {
			return errorf(CodeInvalid, `quality must be "low", "medium" or "high"`)
		}
	case TypeSize:
		if m.Track == "" {
			return errorf(CodeInvalid, "size needs track")
		}
		if m.Width < 1 || m.Width > maxDisplayPixels || m.Height < 1 || m.Height > maxDisplayPixels {
			return errorf(CodeInvalid, "width and height must be 1 to %d", maxDisplayPixels)
		}
	case TypeLeave, TypeNegotiate:
	default:
		return errorf(CodeInvalid, "unknown signaling message type")
	}
	return nil
}

func validateDeclarations(decls []TrackInfo) *Error {
	if len(decls) > maxDeclaredMids {
		return errorf(CodeLimitExceeded, "at most %d tracks per offer", maxDeclaredMids)
	}
	for _, d := range decls {
		if d.Mid == "" || len(d.Mid) > maxIDBytes {
			return errorf(CodeInvalid, "every declared track needs a mid")
		}
		if !d.Source.valid() {
			return errorf(CodeInvalid, "unknown track source %q", d.Source)
		}
		if len(d.Layers) > maxLayers {
			return errorf(CodeInvalid, "at most %d simulcast layers", maxLayers)
		}
		for _, rid := range d.Layers {
			if rid == "" || len(rid) > maxRIDBytes {
				return errorf(CodeInvalid, "invalid simulcast layer id")
			}
		}
	}
	return nil
}

// qualityIndex maps a layer quality name to a layer index (0 lowest).
func qualityIndex(q string) (int, bool) {
	switch q {
	case "low":
		return 0, true
	case "medium":
		return 1, true
	case "high":
		return 2, true
	}
	return 0, false
}

// validID reports whether id is a usable session or participant id.
func validID(id string) bool {
	if id == "" || len(id) > maxIDBytes {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '-' || c == '.' || c == ':'
		if !ok {
			return false
		}
	}
	return true
}
