package signaling

import (
	"errors"
	"strconv"
	"time"

	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// clientTurnTimeout bounds how long the server holds its own offers after
// granting the client a turn ("negotiate") that the client does not use.
const clientTurnTimeout = 10 * time.Second

// Negotiation. The server offers whenever the tracks it sends change, one
// offer at a time. A client offers to publish, in one of two ways:
//
//   - Turn-taking (no glare, no rollback; for clients that cannot roll
//     back, such as pion): the client sends "negotiate", the server answers
//     "negotiate" once it is stable and holds its own offers until the
//     client's offer has been answered (or clientTurnTimeout passed).
//   - Perfect negotiation (browsers): the client offers at any time; when
//     offers cross, the server (impolite) ignores the client's offer and
//     keeps its own; the client (polite) rolls back, answers, and offers
//     again.

// handleOffer applies a client offer and answers it.
func (p *participant) handleOffer(m Message) error {
	var parsed sdp.SessionDescription
	if err := parsed.UnmarshalString(m.SDP); err != nil {
		return errorf(CodeInvalid, "malformed SDP in offer")
	}
	p.negMu.Lock()
	defer p.negMu.Unlock()
	if p.pc.SignalingState() == webrtc.SignalingStateHaveLocalOffer {
		p.log.Debug().Msg("offer collision: keeping the server's offer")
		return nil
	}
	p.endClientTurnLocked()
	decls := make(map[string]TrackInfo, len(m.Tracks))
	for _, d := range m.Tracks {
		decls[d.Mid] = d
	}
	p.decls.Store(&decls)
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: m.SDP}); err != nil {
		p.log.Debug().Err(err).Msg("client offer refused")
		if p.pc.SignalingState() == webrtc.SignalingStateStable {
			p.stableLocked()
			return errorf(CodeInvalid, "the offer could not be applied")
		}
		// pion cannot roll a remote offer back: answer what it kept, so
		// the connection returns to stable, and still tell the client.
		if aerr := p.answerLocked(); aerr != nil {
			return aerr
		}
		return errorf(CodeInvalid, "the offer could not be applied completely")
	}
	p.remoteSet = true
	p.applyPendingCandidates()
	return p.answerLocked()
}

// answerLocked answers the applied remote offer.
func (p *participant) answerLocked() error {
	answer, err := p.pc.CreateAnswer(nil)
	if err != nil {
		return p.fail(err)
	}
	p.holdCandidates()
	defer p.releaseCandidates()
	if err := p.pc.SetLocalDescription(answer); err != nil {
		return p.fail(err)
	}
	p.send(Message{Type: TypeAnswer, SDP: answer.SDP, Mids: p.midsLocked()})
	p.stableLocked()
	return nil
}

// handleAnswer applies the client's answer to the server's offer.
func (p *participant) handleAnswer(m Message) error {
	var parsed sdp.SessionDescription
	if err := parsed.UnmarshalString(m.SDP); err != nil {
		return errorf(CodeInvalid, "malformed SDP in answer")
	}
	p.negMu.Lock()
	defer p.negMu.Unlock()
	if p.pc.SignalingState() != webrtc.SignalingStateHaveLocalOffer {
		return errorf(CodeConflict, "no offer is waiting for an answer")
	}
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: m.SDP}); err != nil {
		p.log.Debug().Err(err).Msg("client answer refused")
		if p.pc.SignalingState() == webrtc.SignalingStateHaveLocalOffer {
			// The offer still waits for a (valid) answer.
			return errorf(CodeInvalid, "the answer could not be applied; answer the offer again")
		}
		return p.fail(err)
	}
	p.remoteSet = true
	p.applyPendingCandidates()
	p.stableLocked()
	return nil
}

// handleCandidate adds a trickled remote candidate (nil: end of
// candidates), or holds it until the first remote description.
func (p *participant) handleCandidate(c *webrtc.ICECandidateInit) error {
	if c == nil || c.Candidate == "" {
		return nil // end of candidates: nothing to do for pion
	}
	p.negMu.Lock()
	defer p.negMu.Unlock()
	if !p.remoteSet {
		if len(p.pendingCands) >= DefaultPendingCandidates {
			return errorf(CodeLimitExceeded, "too many candidates before an offer or answer")
		}
		p.pendingCands = append(p.pendingCands, *c)
		return nil
	}
	if err := p.pc.AddICECandidate(*c); err != nil {
		return errorf(CodeInvalid, "the ICE candidate could not be added")
	}
	return nil
}

func (p *participant) applyPendingCandidates() {
	for _, c := range p.pendingCands {
		if err := p.pc.AddICECandidate(c); err != nil {
			p.log.Debug().Err(err).Msg("held candidate refused")
		}
	}
	p.pendingCands = nil
}

// stableLocked runs when a negotiation completed: a client waiting for
// its turn gets it, or else a pending server offer goes out.
func (p *participant) stableLocked() {
	if p.pc.SignalingState() != webrtc.SignalingStateStable {
		return
	}
	switch {
	case p.turnWanted && !p.turnGranted:
		p.turnGranted = true
		p.stopTurn = p.srv.cfg.Clock.AfterFunc(clientTurnTimeout, p.turnExpired)
		p.send(Message{Type: TypeNegotiate})
	case p.turnGranted:
		// the client's offer comes next
	case p.needOffer:
		p.offerLocked()
	}
}

// requestTurn handles the client's "negotiate": it may offer once the
// server is stable, and the server holds its own offers until then.
func (p *participant) requestTurn() {
	p.negMu.Lock()
	defer p.negMu.Unlock()
	if p.turnWanted {
		return
	}
	p.turnWanted = true
	p.stableLocked()
}

// endClientTurnLocked ends a granted turn (the client's offer arrived).
func (p *participant) endClientTurnLocked() {
	if p.stopTurn != nil {
		p.stopTurn()
		p.stopTurn = nil
	}
	p.turnWanted, p.turnGranted = false, false
}

// turnExpired takes the turn back from a client that did not offer.
func (p *participant) turnExpired() {
	p.negMu.Lock()
	defer p.negMu.Unlock()
	if p.turnGranted {
		p.stopTurn = nil
		p.turnWanted, p.turnGranted = false, false
		p.stableLocked()
	}
}

// renegotiate makes the server offer now, or as soon as the current
// negotiation completes.
func (p *participant) renegotiate() {
	p.negMu.Lock()
	defer p.negMu.Unlock()
	p.needOffer = true
	p.stableLocked()
}

func (p *participant) offerLocked() {
	p.needOffer = false
	if p.pc.ConnectionState() == webrtc.PeerConnectionStateClosed {
		return
	}
	offer, err := p.pc.CreateOffer(nil)
	if err != nil {
		_ = p.fail(err)
		return
	}
	p.holdCandidates()
	defer p.releaseCandidates()
	if err := p.pc.SetLocalDescription(offer); err != nil {
		_ = p.fail(err)
		return
	}
	p.send(Message{Type: TypeOffer, SDP: offer.SDP, Mids: p.midsLocked()})
}

// midsLocked maps each m-line carrying a down track to its track id.
func (p *participant) midsLocked() map[string]string {
	mids := make(map[string]string, len(p.senders))
	for dt, tr := range p.senders {
		if mid := tr.Mid(); mid != "" {
			mids[mid] = dt.track.id
		}
	}
	return mids
}

// fail handles an unexpected pion error during negotiation: the
// participant cannot continue and is removed.
func (p *participant) fail(err error) error {
	if errors.Is(err, webrtc.ErrConnectionClosed) {
		return errParticipantGone
	}
	p.log.Warn().Err(err).Msg("negotiation failed")
	p.sess.goIfJoined(p, func() { p.sess.leave(p, ReasonFailed) })
	return errorf(CodeInternal, "negotiation failed")
}

// attach adds down tracks to the PeerConnection and renegotiates.
func (p *participant) attach(dts []*downTrack) {
	if len(dts) == 0 {
		return
	}
	p.negMu.Lock()
	added := false
	for _, dt := range dts {
		if dt.closed.Load() || p.senders[dt] != nil {
			continue
		}
		tr, err := p.addSender(dt)
		if err != nil {
			p.log.Debug().Err(err).Str("track", dt.track.id).Msg("adding a down track")
			continue
		}
		p.senders[dt] = tr
		dt.sender = tr.Sender()
		sender := dt.sender
		p.srv.goFunc(func() { dt.readRTCP(sender) })
		added = true
	}
	p.negMu.Unlock()
	if added {
		p.renegotiate()
	}
}

// addSender adds a transceiver for dt. Freed m-lines are not reused: with
// pion clients a reused m-line did not always deliver the new track, so
// a participant's SDP keeps one inactive m-line per track it stopped
// receiving.
func (p *participant) addSender(dt *downTrack) (*webrtc.RTPTransceiver, error) {
	tr, err := p.pc.AddTransceiverFromTrack(dt, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return nil, err
	}
	// The server's m-lines get their own mids ("s1", "s2" ...), so they
	// never collide with the numeric mids a client gave its own
	// transceivers in an offer it had to roll back.
	p.nextMid++
	if err := tr.SetMid("s" + strconv.Itoa(p.nextMid)); err != nil {
		return nil, err
	}
	return tr, nil
}

// detach removes down tracks from the PeerConnection and renegotiates.
func (p *participant) detach(dts []*downTrack) {
	p.negMu.Lock()
	removed := false
	for _, dt := range dts {
		tr := p.senders[dt]
		if tr == nil {
			continue
		}
		delete(p.senders, dt)
		if err := p.pc.RemoveTrack(tr.Sender()); err != nil {
			continue // closed
		}
		removed = true
	}
	p.negMu.Unlock()
	if removed {
		p.renegotiate()
	}
}
