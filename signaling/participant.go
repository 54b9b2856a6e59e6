package signaling

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/pion/webrtc/v4"
	"github.com/rs/zerolog"
)

// participant is one member of a session: its PeerConnection, its
// outbound signaling queue and its media queue with their goroutines.
type participant struct {
	sess    *liveSession
	srv     *Server
	info    ParticipantInfo
	log     zerolog.Logger
	pc      *webrtc.PeerConnection
	limiter *tokenBucket

	// Guarded by sess.mu.
	perms     Permissions
	left      bool
	seq       int                        // join order in the session
	downs     map[string]*downTrack      // what it receives, by track id
	published map[string]*publishedTrack // what it sends, by mid

	// decls is what its latest offer declared, by mid (replaced per offer).
	decls     atomic.Pointer[map[string]TrackInfo]
	connected atomic.Bool // its PeerConnection reached "connected"
	slow      atomic.Bool // its signaling queue overflowed

	negMu        sync.Mutex // serializes SDP operations; guards the fields below
	needOffer    bool       // the server must (re)offer when stable
	turnWanted   bool       // the client asked to offer ("negotiate")
	turnGranted  bool       // ... and was told it may
	stopTurn     func() bool
	remoteSet    bool // a remote description was applied
	pendingCands []webrtc.ICECandidateInit
	senders      map[*downTrack]*webrtc.RTPTransceiver // attached down tracks
	nextMid      int                                   // mids of server-created transceivers: "s1", "s2" ...

	candMu    sync.Mutex // guards holdCands and heldCands
	holdCands bool       // a local description is being set: hold candidates until it is queued
	heldCands []webrtc.ICECandidateInit

	outMu     sync.Mutex // guards outClosed and sending on out
	out       chan Message
	outClosed bool

	media  chan mediaItem // RTP to write, drained by the media writer
	ctx    context.Context
	cancel context.CancelFunc // stops the media writer
}

// mediaItem is one packet for one down track.
type mediaItem struct {
	dt  *downTrack
	pkt *fwdPacket
}

// newParticipant creates the participant and its PeerConnection; its
// goroutines start with start.
func newParticipant(sess *liveSession, info ParticipantInfo, perms Permissions) (*participant, error) {
	srv := sess.srv
	pc, err := srv.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	p := &participant{sess: sess, srv: srv, info: info, perms: perms, pc: pc,
		log:     sess.log.With().Str("participant", info.ID).Logger(),
		limiter: newTokenBucket(srv.cfg.RateLimit, srv.cfg.RateBurst, srv.cfg.Clock.Now()),
		downs:   make(map[string]*downTrack), published: make(map[string]*publishedTrack),
		senders: make(map[*downTrack]*webrtc.RTPTransceiver),
		out:     make(chan Message, srv.cfg.SignalQueue),
		media:   make(chan mediaItem, srv.cfg.SubscriberQueue),
	}
	p.ctx, p.cancel = context.WithCancel(srv.base)
	pc.OnICECandidate(p.onCandidate)
	pc.OnTrack(func(remote *webrtc.TrackRemote, recv *webrtc.RTPReceiver) { sess.onRemoteTrack(p, remote, recv) })
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateConnected:
			p.connected.Store(true)
		case webrtc.PeerConnectionStateFailed:
			p.connected.Store(false)
			sess.goIfJoined(p, func() { sess.leave(p, ReasonFailed) })
		}
	})
	return p, nil
}

// start runs the signaling sender and the media writer (under sess.mu,
// so Close's wait covers them).
func (p *participant) start() {
	p.srv.goFunc(p.sendLoop)
	p.srv.goFunc(p.writeLoop)
}

// send queues an outbound message without blocking. A participant whose
// queue is full cannot follow the negotiation any more and is removed.
func (p *participant) send(m Message) {
	p.outMu.Lock()
	defer p.outMu.Unlock()
	if p.outClosed {
		return
	}
	select {
	case p.out <- m:
	default:
		// The sender goroutine is still running (the queue is open), so
		// Close's wait covers this goroutine too.
		if p.slow.CompareAndSwap(false, true) {
			p.log.Warn().Msg("signaling queue full: removing the participant")
			p.srv.goFunc(func() { p.sess.leave(p, ReasonSlow) })
		}
	}
}

// closeOut queues last (when its Type is set) and closes the queue; the
// sender delivers what is queued, then exits. With discard, what is still
// queued is dropped instead.
func (p *participant) closeOut(last Message, discard bool) {
	p.outMu.Lock()
	defer p.outMu.Unlock()
	if p.outClosed {
		return
	}
	for discard && len(p.out) > 0 {
		<-p.out
	}
	if last.Type != "" {
		select {
		case p.out <- last:
		default:
		}
	}
	p.outClosed = true
	close(p.out)
}

func (p *participant) sendLoop() {
	for m := range p.out {
		ctx, cancel := context.WithTimeout(p.srv.base, p.srv.cfg.SendTimeout)
		if err := p.srv.cfg.Send(ctx, p.sess.id, p.info.ID, m); err != nil {
			p.log.Debug().Err(err).Str("type", m.Type).Msg("signaling send failed")
		}
		cancel()
	}
}

// enqueue hands a packet to the media writer, dropping it (and counting)
// when the queue is full: a slow subscriber loses packets, nobody waits.
func (p *participant) enqueue(dt *downTrack, pkt *fwdPacket) {
	select {
	case p.media <- mediaItem{dt: dt, pkt: pkt}:
	default:
		p.srv.stats.dropped.Add(1)
		dt.dropped.Add(1)
	}
}

func (p *participant) writeLoop() {
	hook := p.srv.beforeWrite
	for {
		select {
		case it := <-p.media:
			if hook != nil {
				hook(p.info.ID)
			}
			it.dt.write(it.pkt)
		case <-p.ctx.Done():
			return
		}
	}
}

// onCandidate trickles a local candidate (nil: gathering finished),
// holding it while a local description is being queued so the client
// never gets a candidate before the description it belongs to.
func (p *participant) onCandidate(c *webrtc.ICECandidate) {
	var init webrtc.ICECandidateInit
	if c != nil {
		init = c.ToJSON()
	}
	p.candMu.Lock()
	defer p.candMu.Unlock()
	if p.holdCands {
		p.heldCands = append(p.heldCands, init)
		return
	}
	p.send(candidateMessage(init))
}

func candidateMessage(c webrtc.ICECandidateInit) Message {
	if c.Candidate == "" {
		return Message{Type: TypeCandidate} // end of candidates
	}
	return Message{Type: TypeCandidate, Candidate: &c}
}

// holdCandidates starts holding local candidates; releaseCandidates sends
// them after the description was queued.
func (p *participant) holdCandidates() {
	p.candMu.Lock()
	p.holdCands = true
	p.candMu.Unlock()
}

func (p *participant) releaseCandidates() {
	p.candMu.Lock()
	defer p.candMu.Unlock()
	p.holdCands = false
	for _, c := range p.heldCands {
		p.send(candidateMessage(c))
	}
	p.heldCands = nil
}

// close ends the participant: tells it why (unless it left by itself, or
// was replaced or moved: its address now belongs to the new participant,
// so what it still had queued is dropped), closes its PeerConnection and stops its
// goroutines.
func (p *participant) close(reason string) {
	var last Message
	handedOver := reason == ReasonReplaced || reason == ReasonMoved
	if reason != ReasonLeave && !handedOver {
		last = Message{Type: TypeLeft, Reason: reason}
	}
	p.closeOut(last, handedOver)
	p.negMu.Lock()
	p.endClientTurnLocked()
	p.negMu.Unlock()
	if err := p.pc.Close(); err != nil {
		p.log.Debug().Err(err).Msg("closing the peer connection")
	}
	p.cancel()
}
