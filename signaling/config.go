package signaling

import (
	"context"
	"time"
)

// Defaults for Config. Every tunable has a named default with its unit.
const (
	DefaultMaxSessions             = 1000             // live sessions per server
	DefaultMaxParticipants         = 200              // participants per session
	DefaultMaxPublishers           = 16               // participants per session with at least one forwarded track
	DefaultMaxTracksPerParticipant = 6                // published tracks per participant (camera, mic, screen, screen audio + spare)
	DefaultEmptyTimeout            = 60 * time.Second // a session with nobody in it ends after this
	DefaultSubscriberQueue         = 512              // RTP packets queued per subscriber before drops
	DefaultSignalQueue             = 256              // outbound signaling messages queued per participant
	DefaultSendTimeout             = 5 * time.Second  // deadline for one Config.Send call
	DefaultPLIInterval             = 500 * time.Millisecond
	DefaultAudioLevelInterval      = 250 * time.Millisecond // speaking indicators are reported at most this often
	DefaultMaxMessageBytes         = 64 << 10               // bytes per inbound signaling message (64 KiB)
	DefaultRateLimit               = 50.0                   // inbound signaling messages per second per participant
	DefaultRateBurst               = 200                    // token bucket size (a trickle of candidates comes in bursts)
	DefaultTURNCredentialTTL       = 12 * time.Hour         // lifetime of generated TURN credentials
	DefaultPendingCandidates       = 64                     // remote candidates buffered before the first remote description
)

// SendFunc delivers one outbound message to a participant. It is called from
// the participant's own sender goroutine, one message at a time and in order,
// with a context that expires after Config.SendTimeout. An error is logged;
// the message is not retried.
type SendFunc func(ctx context.Context, sessionID, participantID string, msg Message) error

// Config holds every setting of a Server. Zero fields take the defaults
// above (see WithDefaults).
type Config struct {
	// Send delivers outbound messages (required).
	Send SendFunc
	// Hooks report joins, leaves, tracks, audio levels and session ends.
	Hooks Hooks

	// ICE decides which candidates the server gathers and what clients
	// are told about STUN and TURN.
	ICE ICEConfig

	MaxSessions             int           // see DefaultMaxSessions
	MaxParticipants         int           // see DefaultMaxParticipants
	MaxPublishers           int           // see DefaultMaxPublishers
	MaxTracksPerParticipant int           // see DefaultMaxTracksPerParticipant
	EmptyTimeout            time.Duration // see DefaultEmptyTimeout
	SubscriberQueue         int           // see DefaultSubscriberQueue
	SignalQueue             int           // see DefaultSignalQueue
	SendTimeout             time.Duration // see DefaultSendTimeout
	PLIInterval             time.Duration // keyframe requests per published layer at most this often; see DefaultPLIInterval
	AudioLevelInterval      time.Duration // see DefaultAudioLevelInterval
	MaxMessageBytes         int           // see DefaultMaxMessageBytes
	RateLimit               float64       // see DefaultRateLimit
	RateBurst               int           // see DefaultRateBurst

	// Clock drives the empty-session timer, the client's negotiation turn
	// timeout and the rate limits; the real clock when nil.
	Clock Clock
}

// ICEConfig is the network side of a Server.
type ICEConfig struct {
	// Loopback gathers and accepts 127.0.0.1 only (tests and one-machine
	// demos); it overrides HostIPs and Interfaces.
	Loopback bool
	// HostIPs, when set, are the only local IPs host candidates are
	// gathered on.
	HostIPs []string
	// Interfaces, when set, are the only network interfaces gathered on.
	Interfaces []string
	// PublicIPs are external addresses of a 1:1 NAT in front of the server;
	// they are advertised as extra host candidates with the same ports.
	PublicIPs []string
	// SingleUDPPort multiplexes all ICE traffic of all sessions on one UDP
	// port (UDPPort; 0 lets the system choose, see Server.UDPAddrs), so a
	// firewall needs one open port.
	SingleUDPPort bool
	UDPPort       int
	// TCP adds passive ICE-TCP candidates on TCPPort (0: system-chosen),
	// for networks that block UDP.
	TCP     bool
	TCPPort int
	// Servers are the STUN and TURN servers handed to clients in "joined".
	Servers []ICEServer
	// TURNSecret, when set, replaces the Username and Credential of every
	// turn:/turns: server with time-limited credentials (the TURN REST
	// convention of coturn's use-auth-secret) valid for TURNCredentialTTL.
	TURNSecret        string
	TURNCredentialTTL time.Duration // see DefaultTURNCredentialTTL
}

// ICEServer is one STUN or TURN server as a browser's RTCIceServer.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	setDefault(&c.MaxSessions, DefaultMaxSessions)
	setDefault(&c.MaxParticipants, DefaultMaxParticipants)
	setDefault(&c.MaxPublishers, DefaultMaxPublishers)
	setDefault(&c.MaxTracksPerParticipant, DefaultMaxTracksPerParticipant)
	setDefault(&c.EmptyTimeout, DefaultEmptyTimeout)
	setDefault(&c.SubscriberQueue, DefaultSubscriberQueue)
	setDefault(&c.SignalQueue, DefaultSignalQueue)
	setDefault(&c.SendTimeout, DefaultSendTimeout)
	setDefault(&c.PLIInterval, DefaultPLIInterval)
	setDefault(&c.AudioLevelInterval, DefaultAudioLevelInterval)
	setDefault(&c.MaxMessageBytes, DefaultMaxMessageBytes)
	setDefault(&c.RateLimit, DefaultRateLimit)
	setDefault(&c.RateBurst, DefaultRateBurst)
	setDefault(&c.ICE.TURNCredentialTTL, DefaultTURNCredentialTTL)
	if c.Clock == nil {
		c.Clock = realClock{}
	}
	return c
}

func setDefault[T int | float64 | time.Duration](p *T, def T) {
	if *p <= 0 {
		*p = def
	}
}

// Clock is the time source of a Server, injectable for tests.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine after d; stop cancels it and
	// reports whether it did so before f started.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
