package hub

import (
	"crypto/rand"
	"encoding/hex"
	"runtime"
	"time"
)

// Defaults for Config. Every tunable has a named default with its unit.
const (
	DefaultSendQueueMessages   = 1024             // frames queued per connection before it counts as slow
	DefaultSendQueueBytes      = 1 << 20          // bytes queued per connection before it counts as slow (1 MiB)
	DefaultWriteTimeout        = 10 * time.Second // deadline for one WebSocket write
	DefaultPingInterval        = 25 * time.Second // WebSocket ping period
	DefaultPingTimeout         = 15 * time.Second // time allowed for the pong
	DefaultReadLimit           = 64 << 10         // bytes per incoming message (64 KiB); larger -> close 1009
	DefaultRateLimit           = 20.0             // commands per second per connection (token refill)
	DefaultRateBurst           = 50               // token bucket size per connection
	DefaultRateAbuseLimit      = 100              // rejected commands in a row before close 1008
	DefaultHistorySize         = 1000             // publications kept per topic for recovery
	DefaultHistoryTTL          = 10 * time.Minute // age of the oldest publication kept for recovery
	DefaultPresenceTTL         = 60 * time.Second // a dead node's presence entries vanish after this
	DefaultMaxBatchBytes       = 64 << 10         // coalesce queued frames into one WebSocket message up to this size
	DefaultBrokerTimeout       = 3 * time.Second  // deadline for one broker call
	DefaultIdempotencyTTL      = 5 * time.Minute  // how long a publish idempotency key is remembered
	DefaultMaxSubscriptions    = 512              // topics per connection
	DefaultMaxCommandsPerFrame = 64               // commands in one client WebSocket message
	DefaultShutdownCloseRate   = 1000.0           // connections closed per second by Shutdown (see Hub.Shutdown)
	DefaultAdmitRatePerCPU     = 1250.0           // new connections admitted per second per CPU (GOMAXPROCS) at most; see Config.AdmitRate
	DefaultAdmitBurst          = 8                // connections admitted at once before pacing starts
	DefaultAdmitWait           = 10 * time.Second // longest an upgrade waits for admission before 503
	DefaultRecentPublications  = 32               // per topic, kept to answer subscribes without a history read
)

// DefaultPublishTimeout bounds one publish (Hub.Publish and the publish
// command): within it the broker confirms the publication, or the caller
// gets ErrUnavailable and the publication is never made later (see Broker).
// Other broker calls, a whole subscribe command included, have BrokerTimeout.
const DefaultPublishTimeout = 500 * time.Millisecond

// Config holds every tunable of a Hub. Zero fields take the defaults above
// (see WithDefaults).
type Config struct {
	// NodeID names this node in presence entries and logs; random when empty.
	NodeID string
	// OriginPatterns lists extra allowed Origin hosts for the WebSocket
	// upgrade (coder/websocket patterns, e.g. the public URL's host). Same-host
	// upgrades are always allowed; other cross-site upgrades are refused.
	OriginPatterns []string

	SendQueueMessages int           // see DefaultSendQueueMessages
	SendQueueBytes    int           // see DefaultSendQueueBytes
	WriteTimeout      time.Duration // see DefaultWriteTimeout
	PingInterval      time.Duration // see DefaultPingInterval
	PingTimeout       time.Duration // see DefaultPingTimeout
	ReadLimit         int64         // see DefaultReadLimit
	RateLimit         float64       // see DefaultRateLimit
	RateBurst         int           // see DefaultRateBurst
	RateAbuseLimit    int           // see DefaultRateAbuseLimit
	HistorySize       int           // see DefaultHistorySize
	HistoryTTL        time.Duration // see DefaultHistoryTTL
	PresenceTTL       time.Duration // see DefaultPresenceTTL
	MaxBatchBytes     int           // see DefaultMaxBatchBytes
	BrokerTimeout     time.Duration // see DefaultBrokerTimeout
	PublishTimeout    time.Duration // see DefaultPublishTimeout
	IdempotencyTTL    time.Duration // see DefaultIdempotencyTTL
	MaxSubscriptions  int           // see DefaultMaxSubscriptions
	MaxCommands       int           // see DefaultMaxCommandsPerFrame
	ShutdownCloseRate float64       // see DefaultShutdownCloseRate

	// AdmitRate paces new connections while the node delivers: after
	// AdmitBurst at once, upgrades queue and are let through one at a time,
	// 1/AdmitRate after the previous one went, so at most this many a
	// second and fewer when the node is busy; one whose turn would be more
	// than AdmitWait away is refused with 503. It keeps a reconnect storm
	// (another node stopped under its clients) from crowding out the
	// deliveries to connections already here. 0: DefaultAdmitRatePerCPU ×
	// GOMAXPROCS; negative: no pacing.
	AdmitRate  float64
	AdmitBurst int           // see DefaultAdmitBurst
	AdmitWait  time.Duration // see DefaultAdmitWait

	// RecentPublications is how many of a topic's last publications the
	// node keeps to answer a subscribe without a broker history read (see
	// topic.activateRecent); 0: DefaultRecentPublications; negative: none.
	RecentPublications int

	// Hooks decide what connections may do; see Hooks.
	Hooks Hooks
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.NodeID == "" {
		c.NodeID = randomID(6)
	}
	setDefault(&c.SendQueueMessages, DefaultSendQueueMessages)
	setDefault(&c.SendQueueBytes, DefaultSendQueueBytes)
	setDefault(&c.WriteTimeout, DefaultWriteTimeout)
	setDefault(&c.PingInterval, DefaultPingInterval)
	setDefault(&c.PingTimeout, DefaultPingTimeout)
	setDefault(&c.ReadLimit, DefaultReadLimit)
	setDefault(&c.RateLimit, DefaultRateLimit)
	setDefault(&c.RateBurst, DefaultRateBurst)
	setDefault(&c.RateAbuseLimit, DefaultRateAbuseLimit)
	setDefault(&c.HistorySize, DefaultHistorySize)
	setDefault(&c.HistoryTTL, DefaultHistoryTTL)
	setDefault(&c.PresenceTTL, DefaultPresenceTTL)
	setDefault(&c.MaxBatchBytes, DefaultMaxBatchBytes)
	setDefault(&c.BrokerTimeout, DefaultBrokerTimeout)
	setDefault(&c.PublishTimeout, DefaultPublishTimeout)
	setDefault(&c.IdempotencyTTL, DefaultIdempotencyTTL)
	setDefault(&c.MaxSubscriptions, DefaultMaxSubscriptions)
	setDefault(&c.MaxCommands, DefaultMaxCommandsPerFrame)
	setDefault(&c.ShutdownCloseRate, DefaultShutdownCloseRate)
	if c.AdmitRate == 0 {
		c.AdmitRate = DefaultAdmitRatePerCPU * float64(runtime.GOMAXPROCS(0))
	}
	setDefault(&c.AdmitBurst, DefaultAdmitBurst)
	setDefault(&c.AdmitWait, DefaultAdmitWait)
	if c.RecentPublications == 0 {
		c.RecentPublications = DefaultRecentPublications
	}
	return c
}

func setDefault[T int | int64 | float64 | time.Duration](p *T, def T) {
	if *p <= 0 {
		*p = def
	}
}

// randomID returns 2n hex characters from crypto/rand.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand panics internally on failure)
	return hex.EncodeToString(b)
}

// NewEpoch returns a fresh random epoch string for a topic's history.
// Brokers use it when a topic's history starts (or restarts).
func NewEpoch() string { return randomID(8) }
