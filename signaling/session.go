package signaling

import (
	"fmt"
	"slices"
	"sync"

	"github.com/pion/webrtc/v4"
	"github.com/rs/zerolog"
)

// liveSession is one live session: its participants and published tracks.
type liveSession struct {
	id   string
	srv  *Server
	log  zerolog.Logger
	done chan struct{} // closed when the session ended

	mu           sync.Mutex // guards the fields below
	participants map[string]*participant
	tracks       []*publishedTrack // published, in order (stopped and ended ones removed)
	nextTrack    int
	nextSeq      int
	ended        bool
	stopEmpty    func() bool // cancels the empty-session timer
}

func newSession(s *Server, id string) *liveSession {
	sess := &liveSession{id: id, srv: s, log: s.log.With().Str("live_session", id).Logger(),
		done: make(chan struct{}), participants: make(map[string]*participant)}
	s.goFunc(sess.tick)
	return sess
}

// goIfJoined runs f on a counted goroutine unless p has left already.
func (sess *liveSession) goIfJoined(p *participant, f func()) {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if !p.left {
		sess.srv.goFunc(f)
	}
}

func (sess *liveSession) participant(id string) (*participant, error) {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	p := sess.participants[id]
	if p == nil {
		return nil, errNoParticipant
	}
	return p, nil
}

func (sess *liveSession) join(info ParticipantInfo, perms Permissions) error {
	p, err := newParticipant(sess, info, perms)
	if err != nil {
		return fmt.Errorf("signaling: peer connection: %w", err)
	}
	sess.mu.Lock()
	old := sess.participants[info.ID]
	switch {
	case sess.ended:
		err = errSessionEnded
	case old == nil && len(sess.participants) >= sess.srv.cfg.MaxParticipants:
		err = errorf(CodeLimitExceeded, "this live session is full (at most %d participants)", sess.srv.cfg.MaxParticipants)
	}
	if err != nil {
		sess.mu.Unlock()
		_ = p.pc.Close()
		p.cancel()
		return err
	}
	if sess.stopEmpty != nil {
		sess.stopEmpty()
		sess.stopEmpty = nil
	}
	sess.nextSeq++
	p.seq = sess.nextSeq
	sess.participants[info.ID] = p
	sess.srv.stats.participants.Add(1)
	p.start()
	joinedPerms := perms.clone() // p.perms may change while the message waits to be sent
	p.send(Message{Type: TypeJoined, Session: sess.id, Participant: &p.info, Permissions: &joinedPerms,
		Participants: sess.participantsLocked(), Tracks: sess.tracksForLocked(p),
		ICEServers: clientICEServers(sess.srv.cfg.ICE, info.ID, sess.srv.cfg.Clock.Now())})
	var downs []*downTrack
	if perms.Subscribe {
		for _, t := range sess.tracks {
			if t.owner.info.ID != info.ID && (t.state == TrackLive || t.state == TrackMuted) {
				downs = append(downs, sess.subscribeLocked(p, t))
			}
		}
	}
	others := sess.othersLocked(p)
	sess.mu.Unlock()

	if old != nil {
		sess.leave(old, ReasonReplaced)
	}
	for _, o := range others {
		o.send(Message{Type: TypeParticipantJoined, Participant: &p.info})
	}
	p.attach(downs)
	if h := sess.srv.cfg.Hooks.ParticipantJoined; h != nil {
		h(sess.id, info)
	}
	return nil
}

// subscribeLocked creates the down track of t for p (under sess.mu).
func (sess *liveSession) subscribeLocked(p *participant, t *publishedTrack) *downTrack {
	if dt := p.downs[t.id]; dt != nil {
		return dt
	}
	wanted := maxLayers - 1
	dt := newDownTrack(t, p, wanted)
	p.downs[t.id] = dt
	t.addSub(dt)
	return dt
}

// unsubscribeLocked removes the down tracks of t (under sess.mu) and
// returns them by subscriber, to detach after unlocking.
func (sess *liveSession) unsubscribeLocked(t *publishedTrack, into map[*participant][]*downTrack) {
	for _, dt := range t.takeSubs() {
		dt.closed.Store(true)
		if dt.sub.downs[t.id] == dt {
			delete(dt.sub.downs, t.id)
		}
		into[dt.sub] = append(into[dt.sub], dt)
	}
}

func detachAll(byParticipant map[*participant][]*downTrack) {
	for p, dts := range byParticipant {
		p.detach(dts)
	}
}

func attachAll(byParticipant map[*participant][]*downTrack) {
	for p, dts := range byParticipant {
		p.attach(dts)
	}
}

// leave removes p, its tracks and its subscriptions.
func (sess *liveSession) leave(p *participant, reason string) {
	sess.mu.Lock()
	if p.left {
		sess.mu.Unlock()
		return
	}
	p.left = true
	if sess.participants[p.info.ID] == p {
		delete(sess.participants, p.info.ID)
	}
	sess.srv.stats.participants.Add(-1)
	for id, dt := range p.downs {
		dt.closed.Store(true)
		dt.track.removeSub(dt)
		delete(p.downs, id)
	}
	detach := make(map[*participant][]*downTrack)
	var removed []TrackInfo
	for _, t := range p.published {
		if t.published && (t.state == TrackLive || t.state == TrackMuted) {
			removed = append(removed, t.info())
		}
		sess.endTrackLocked(t, detach)
	}
	empty := len(sess.participants) == 0 && !sess.ended
	if empty {
		sess.stopEmpty = sess.srv.cfg.Clock.AfterFunc(sess.srv.cfg.EmptyTimeout, sess.emptyTimeout)
	}
	others := sess.othersLocked(nil)
	ended := sess.ended
	sess.mu.Unlock()

	p.close(reason)
	delete(detach, p)
	detachAll(detach)
	if !ended {
		for _, o := range others {
			o.send(Message{Type: TypeParticipantLeft, Participant: &p.info, Reason: reason})
		}
		if len(removed) > 0 {
			sess.broadcastTracks()
		}
	}
	hooks := sess.srv.cfg.Hooks
	for _, ti := range removed {
		if hooks.TrackRemoved != nil {
			hooks.TrackRemoved(sess.id, ti)
		}
	}
	if hooks.ParticipantLeft != nil {
		hooks.ParticipantLeft(sess.id, p.info, reason)
	}
	if empty && hooks.SessionEmpty != nil {
		hooks.SessionEmpty(sess.id)
	}
}

// endTrackLocked takes t out of the session (under sess.mu).
func (sess *liveSession) endTrackLocked(t *publishedTrack, detach map[*participant][]*downTrack) {
	if t.state != trackStopped {
		t.setState(trackEnded)
	}
	sess.unsubscribeLocked(t, detach)
	sess.tracks = slices.DeleteFunc(sess.tracks, func(x *publishedTrack) bool { return x == t })
}

func (sess *liveSession) emptyTimeout() {
	sess.mu.Lock()
	idle := len(sess.participants) == 0
	sess.mu.Unlock()
	if idle {
		sess.end(ReasonEnded)
	}
}

// end removes everyone and forgets the session.
func (sess *liveSession) end(reason string) {
	sess.mu.Lock()
	if sess.ended {
		sess.mu.Unlock()
		return
	}
	sess.ended = true
	if sess.stopEmpty != nil {
		sess.stopEmpty()
		sess.stopEmpty = nil
	}
	ps := make([]*participant, 0, len(sess.participants))
	for _, p := range sess.participants {
		ps = append(ps, p)
	}
	sess.mu.Unlock()
	sess.srv.dropSession(sess)
	for _, p := range ps {
		sess.leave(p, reason)
	}
	close(sess.done)
	if h := sess.srv.cfg.Hooks.SessionEnded; h != nil {
		h(sess.id)
	}
}

// onRemoteTrack handles a new incoming track or simulcast layer of p.
func (sess *liveSession) onRemoteTrack(p *participant, remote *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	mid := ""
	if tr := recv.RTPTransceiver(); tr != nil {
		mid = tr.Mid()
	}
	var decl TrackInfo
	if d := p.decls.Load(); d != nil {
		decl = (*d)[mid]
	}
	sess.mu.Lock()
	if p.left || sess.ended {
		sess.mu.Unlock()
		return
	}
	t := p.published[mid]
	if t != nil && remote.RID() != "" && t.state != trackEnded {
		sess.addLayerLocked(t, remote, recv)
		sess.mu.Unlock()
		sess.broadcastTracks() // the subscribers learn the track's new layer
		return
	}
	if sess.openTracksLocked(p) >= sess.srv.cfg.MaxTracksPerParticipant {
		// Past the limit nothing is read at all: a client cannot make the
		// server drain any number of m-lines.
		sess.mu.Unlock()
		if err := recv.Stop(); err != nil {
			p.log.Debug().Err(err).Msg("stopping a receiver past the track limit")
		}
		p.send(Message{Type: TypeTrackRefused, Code: CodeLimitExceeded,
			Message: fmt.Sprintf("at most %d tracks per participant", sess.srv.cfg.MaxTracksPerParticipant)})
		return
	}
	source := decl.Source
	if !source.valid() || source.kind() != remote.Kind() {
		source = SourceCamera
		if remote.Kind() == webrtc.RTPCodecTypeAudio {
			source = SourceMicrophone
		}
	}
	sess.nextTrack++
	t = &publishedTrack{sess: sess, owner: p, id: fmt.Sprintf("t%d", sess.nextTrack), mid: mid, source: source,
		kind: remote.Kind(), codec: remote.Codec().RTPCodecCapability, declLayers: decl.Layers}
	t.loudest.Store(silentLevel)
	t.lastLevel = silentLevel
	if t.kind == webrtc.RTPCodecTypeAudio {
		t.levelExt = audioLevelExtID(recv)
	}
	p.published[mid] = t
	sess.tracks = append(sess.tracks, t)
	t.refusal = sess.admitLocked(p, t)
	attach := make(map[*participant][]*downTrack)
	if t.refusal != nil {
		t.setState(TrackRefused)
	} else {
		sess.goLiveLocked(t, attach)
	}
	sess.addLayerLocked(t, remote, recv)
	info, refusal := t.info(), t.refusal
	sess.mu.Unlock()

	attachAll(attach)
	if refusal != nil {
		p.send(Message{Type: TypeTrackRefused, Track: t.id, Code: refusal.Code, Message: refusal.Message})
	}
	sess.broadcastTracks()
	if h := sess.srv.cfg.Hooks.TrackPublished; h != nil && refusal == nil {
		h(sess.id, info)
	}
}

// openTracksLocked counts p's tracks that are read (live, muted or
// refused).
func (sess *liveSession) openTracksLocked(p *participant) int {
	n := 0
	for _, t := range p.published {
		if t.state == TrackLive || t.state == TrackMuted || t.state == TrackRefused {
			n++
		}
	}
	return n
}

// admitLocked decides whether t may be forwarded (nil) or why not.
func (sess *liveSession) admitLocked(p *participant, t *publishedTrack) *Error {
	cfg := sess.srv.cfg
	if !p.perms.mayPublish(t.source) {
		return errorf(CodeForbidden, "you may not publish %s now", t.source)
	}
	n, publishing := 0, map[*participant]bool{}
	for _, x := range sess.tracks {
		if x.state == TrackLive || x.state == TrackMuted {
			publishing[x.owner] = true
			if x.owner == p {
				n++
			}
		}
	}
	if n >= cfg.MaxTracksPerParticipant {
		return errorf(CodeLimitExceeded, "at most %d tracks per participant", cfg.MaxTracksPerParticipant)
	}
	if !publishing[p] && len(publishing) >= cfg.MaxPublishers {
		return errorf(CodeLimitExceeded, "this live session has its maximum of %d publishers", cfg.MaxPublishers)
	}
	return nil
}

// goLiveLocked forwards t to every participant allowed to receive it.
func (sess *liveSession) goLiveLocked(t *publishedTrack, attach map[*participant][]*downTrack) {
	t.setState(TrackLive)
	t.refusal = nil
	t.published = true
	for _, o := range sess.participants {
		if o != t.owner && o.perms.Subscribe {
			attach[o] = append(attach[o], sess.subscribeLocked(o, t))
		}
	}
}

// addLayerLocked starts reading a layer of t.
func (sess *liveSession) addLayerLocked(t *publishedTrack, remote *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	rank := t.rank(remote.RID())
	if rank < 0 || rank >= maxLayers || t.layers[rank].Load() != nil {
		rank = -1 // unknown RID or a duplicate: drained, not forwarded
	}
	l := &layer{rank: rank, rid: remote.RID(), remote: remote, receiver: recv, ssrc: uint32(remote.SSRC())}
	if rank >= 0 {
		t.layers[rank].Store(l)
	}
	t.nLayers++
	sess.srv.goFunc(func() { t.read(l) })
	sess.srv.goFunc(func() { t.readRTCP(l) })
}

// layerEnded runs when a layer's reader stops; the track ends with its
// last layer.
func (sess *liveSession) layerEnded(t *publishedTrack, l *layer) {
	sess.mu.Lock()
	if l.rank >= 0 && t.layers[l.rank].Load() == l {
		t.layers[l.rank].Store(nil)
	}
	t.nLayers--
	if t.nLayers > 0 || t.state == trackEnded {
		sess.mu.Unlock()
		return
	}
	wasShown := t.published && (t.state == TrackLive || t.state == TrackMuted)
	info := t.info()
	detach := make(map[*participant][]*downTrack)
	sess.endTrackLocked(t, detach)
	if t.owner.published[t.mid] == t {
		delete(t.owner.published, t.mid)
	}
	sess.mu.Unlock()
	detachAll(detach)
	if wasShown {
		sess.broadcastTracks()
		if h := sess.srv.cfg.Hooks.TrackRemoved; h != nil {
			h(sess.id, info)
		}
	}
}

// findTrackLocked returns a track of the session by id.
func (sess *liveSession) findTrackLocked(id string) *publishedTrack {
	for _, t := range sess.tracks {
		if t.id == id {
			return t
		}
	}
	return nil
}

// participantsLocked lists the participants in join order.
func (sess *liveSession) participantsLocked() []ParticipantInfo {
	ps := make([]*participant, 0, len(sess.participants))
	for _, p := range sess.participants {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *participant) int { return a.seq - b.seq })
	out := make([]ParticipantInfo, len(ps))
	for i, p := range ps {
		out[i] = p.info
	}
	return out
}

// othersLocked lists the participants but not.
func (sess *liveSession) othersLocked(not *participant) []*participant {
	out := make([]*participant, 0, len(sess.participants))
	for _, p := range sess.participants {
		if p != not {
			out = append(out, p)
		}
	}
	return out
}

// tracksForLocked lists the tracks p may know of: every live or muted
// track, and its own refused ones.
func (sess *liveSession) tracksForLocked(p *participant) []TrackInfo {
	out := []TrackInfo{}
	for _, t := range sess.tracks {
		if t.state == TrackLive || t.state == TrackMuted || (t.state == TrackRefused && t.owner == p) {
			out = append(out, t.info())
		}
	}
	return out
}

// broadcastTracks sends every participant its current track list.
func (sess *liveSession) broadcastTracks() {
	sess.mu.Lock()
	type msg struct {
		p      *participant
		tracks []TrackInfo
	}
	msgs := make([]msg, 0, len(sess.participants))
	for _, p := range sess.participants {
		msgs = append(msgs, msg{p, sess.tracksForLocked(p)})
	}
	sess.mu.Unlock()
	for _, m := range msgs {
		m.p.send(Message{Type: TypeTracks, Tracks: m.tracks})
	}
}

// info returns a snapshot of the session.
func (sess *liveSession) info() SessionInfo {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	si := SessionInfo{ID: sess.id, Participants: sess.participantsLocked()}
	for _, t := range sess.tracks {
		si.Tracks = append(si.Tracks, t.info())
	}
	return si
}
