package signaling

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"

	"github.com/pion/webrtc/v4"
	"github.com/rs/zerolog"
)

// Server is the SFU of one node: the pion API and the live sessions by id.
// Its methods are safe for concurrent use.
type Server struct {
	cfg     Config
	log     zerolog.Logger
	api     *webrtc.API
	closers []func() error // sockets of the ICE muxes
	udp     []net.Addr     // single-port mode's listen addresses
	tcp     net.Addr       // ICE-TCP listen address

	wg     sync.WaitGroup // every goroutine this package starts
	base   context.Context
	cancel context.CancelFunc

	mu       sync.Mutex // guards sessions and closed
	sessions map[string]*liveSession
	closed   bool

	stats counters

	// beforeWrite, when set (tests only), runs in a subscriber's media
	// writer before each packet, to simulate a slow subscriber.
	beforeWrite func(participantID string)
}

// New returns a server with cfg (see Config.WithDefaults). It opens the
// single-port UDP and ICE-TCP sockets when configured; Close releases them.
func New(cfg Config, log zerolog.Logger) (*Server, error) {
	if cfg.Send == nil {
		return nil, errors.New("signaling: Config.Send is required")
	}
	cfg = cfg.WithDefaults()
	b, err := newAPI(cfg.ICE, log)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, api: b.api, closers: b.closers, udp: b.udp, tcp: b.tcp, sessions: make(map[string]*liveSession)}
	s.base, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// go runs f on a goroutine counted for Close.
func (s *Server) goFunc(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

// JoinParams are the inputs of Join, all decided by the caller.
type JoinParams struct {
	Session     string // session id: 1-64 of A-Z a-z 0-9 _ - . :
	Participant ParticipantInfo
	Permissions Permissions
}

// Join adds a participant to a session, creating the session if needed,
// and sends it "joined". A participant id already in the session replaces
// the earlier participant (it leaves with ReasonReplaced), so a reconnecting
// client can join again at once. Errors: invalid ids, CodeLimitExceeded
// (sessions or participants), CodeUnavailable (closing).
func (s *Server) Join(ctx context.Context, p JoinParams) error {
	if !validID(p.Session) {
		return errorf(CodeInvalid, "invalid live session id")
	}
	if !validID(p.Participant.ID) {
		return errorf(CodeInvalid, "invalid participant id")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for {
		sess, err := s.session(p.Session, true)
		if err != nil {
			return err
		}
		err = sess.join(p.Participant, p.Permissions)
		if errors.Is(err, errSessionEnded) {
			continue // ended between lookup and join: a new one is created
		}
		return err
	}
}

// session returns the session with id, creating it when create is set.
func (s *Server) session(id string, create bool) (*liveSession, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errClosed
	}
	if sess := s.sessions[id]; sess != nil {
		return sess, nil
	}
	if !create {
		return nil, errNoSession
	}
	if len(s.sessions) >= s.cfg.MaxSessions {
		return nil, errorf(CodeLimitExceeded, "too many live sessions on this server (at most %d)", s.cfg.MaxSessions)
	}
	sess := newSession(s, id)
	s.sessions[id] = sess
	s.stats.sessions.Add(1)
	return sess, nil
}

// dropSession forgets sess once it ended.
func (s *Server) dropSession(sess *liveSession) {
	s.mu.Lock()
	if s.sessions[sess.id] == sess {
		delete(s.sessions, sess.id)
		s.stats.sessions.Add(-1)
	}
	s.mu.Unlock()
}

// participant finds a joined participant.
func (s *Server) participant(sessionID, participantID string) (*participant, error) {
	sess, err := s.session(sessionID, false)
	if err != nil {
		return nil, err
	}
	return sess.participant(participantID)
}

// Handle processes one inbound signaling message of a participant. Errors
// are for the client (see ErrorFrame): the session and the other
// participants are never affected by a bad message.
func (s *Server) Handle(ctx context.Context, sessionID, participantID string, raw []byte) error {
	if len(raw) > s.cfg.MaxMessageBytes {
		return errTooLarge
	}
	p, err := s.participant(sessionID, participantID)
	if err != nil {
		return err
	}
	if !p.limiter.allow(s.cfg.Clock.Now()) {
		return errRateLimited
	}
	m, derr := decode(raw, s.cfg.MaxMessageBytes)
	if derr != nil {
		return derr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	switch m.Type {
	case TypeNegotiate:
		p.requestTurn()
	case TypeOffer:
		return p.handleOffer(m)
	case TypeAnswer:
		return p.handleAnswer(m)
	case TypeCandidate:
		return p.handleCandidate(m.Candidate)
	case TypeMute, TypeUnmute:
		return p.sess.setMuted(p, m.Track, m.Type == TypeMute, false)
	case TypeLayer:
		q, _ := qualityIndex(m.Quality)
		return p.sess.setLayer(p, m.Track, q)
	case TypeSize:
		return p.sess.setDisplay(p, m.Track, m.Width, m.Height)
	case TypeLeave:
		p.sess.leave(p, ReasonLeave)
	}
	return nil
}

// Leave removes a participant (e.g. its WebSocket closed, or the caller
// removed it: pass ReasonRemoved; the participant is sent "left" unless
// reason is ReasonLeave).
func (s *Server) Leave(sessionID, participantID, reason string) error {
	p, err := s.participant(sessionID, participantID)
	if err != nil {
		return err
	}
	p.sess.leave(p, reason)
	return nil
}

// SetPermissions replaces a participant's permissions at run time. Tracks
// it may no longer publish stop being forwarded (the publisher is told,
// "track_refused"); refused tracks it may now publish start being
// forwarded; it is sent "permissions".
func (s *Server) SetPermissions(sessionID, participantID string, perms Permissions) error {
	p, err := s.participant(sessionID, participantID)
	if err != nil {
		return err
	}
	return p.sess.setPermissions(p, perms)
}

// Mute stops forwarding a track (staff action, after the caller's own
// check). The publisher is told ("track_muted") and may unmute it while it
// still has permission for the track's source; revoke the permission
// (SetPermissions) to keep it muted.
func (s *Server) Mute(sessionID, trackID string) error {
	sess, err := s.session(sessionID, false)
	if err != nil {
		return err
	}
	return sess.setMuted(nil, trackID, true, true)
}

// StopTrack ends a track for every subscriber (staff action). The
// publisher is told ("track_stopped") and must publish a new track to be
// seen or heard again.
func (s *Server) StopTrack(sessionID, trackID string) error {
	sess, err := s.session(sessionID, false)
	if err != nil {
		return err
	}
	return sess.stopTrack(trackID)
}

// SetLayer chooses the simulcast layer a subscriber receives of a track
// (0 lowest, 2 highest; clamped to the layers the publisher sends), e.g.
// from the size the track is displayed at.
func (s *Server) SetLayer(sessionID, participantID, trackID string, layer int) error {
	p, err := s.participant(sessionID, participantID)
	if err != nil {
		return err
	}
	return p.sess.setLayer(p, trackID, layer)
}

// SessionInfo is a snapshot of a live session.
type SessionInfo struct {
	ID           string
	Participants []ParticipantInfo
	Tracks       []TrackInfo // every published track, refused ones included
}

// Session returns a snapshot of a live session.
func (s *Server) Session(id string) (SessionInfo, error) {
	sess, err := s.session(id, false)
	if err != nil {
		return SessionInfo{}, err
	}
	return sess.info(), nil
}

// EndSession ends a session now: every participant is sent "left" with
// ReasonEnded and removed.
func (s *Server) EndSession(id string) error {
	sess, err := s.session(id, false)
	if err != nil {
		return err
	}
	sess.end(ReasonEnded)
	return nil
}

// UDPAddrs returns the listen addresses of single-port mode (nil when off).
func (s *Server) UDPAddrs() []net.Addr { return s.udp }

// TCPAddr returns the ICE-TCP listen address (nil when off).
func (s *Server) TCPAddr() net.Addr { return s.tcp }

// Close ends every session (participants are sent "left" with
// ReasonServerEnd), waits until the server's goroutines have finished or
// ctx is done (then pending sends are abandoned), and releases the sockets.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	sessions := make([]*liveSession, 0, len(s.sessions))
	for _, sess := range s.sessions {
		sessions = append(sessions, sess)
	}
	s.mu.Unlock()
	for _, sess := range sessions {
		sess.end(ReasonServerEnd)
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.cancel() // abandons Send calls still running
	<-done
	for _, c := range s.closers {
		_ = c()
	}
	return err
}

// Stats are counters of a server since it started.
type Stats struct {
	Sessions     int64  // live sessions now
	Participants int64  // participants now
	PacketsIn    uint64 // RTP packets received from publishers
	PacketsOut   uint64 // RTP packets written to subscribers
	Dropped      uint64 // packets dropped because a subscriber's queue was full
}

type counters struct {
	sessions, participants atomic.Int64
	in, out, dropped       atomic.Uint64
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	return Stats{Sessions: s.stats.sessions.Load(), Participants: s.stats.participants.Load(),
		PacketsIn: s.stats.in.Load(), PacketsOut: s.stats.out.Load(), Dropped: s.stats.dropped.Load()}
}
