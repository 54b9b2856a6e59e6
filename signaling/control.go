package signaling

// Staff and participant actions on tracks and permissions.

// setMuted mutes or unmutes a track: by its publisher (by set) or by staff.
func (sess *liveSession) setMuted(by *participant, trackID string, mute, staff bool) error {
	sess.mu.Lock()
	t := sess.findTrackLocked(trackID)
	var err error
	switch {
	case t == nil:
		err = errNoTrack
	case !staff && t.owner != by:
		err = errorf(CodeForbidden, "you can only mute or unmute your own tracks")
	case t.state == TrackRefused && !mute:
		err = errorf(CodeForbidden, "you may not publish %s now", t.source)
	case !mute && !t.owner.perms.mayPublish(t.source):
		err = errorf(CodeForbidden, "you may not publish %s now", t.source)
	}
	if err != nil {
		sess.mu.Unlock()
		return err
	}
	changed := false
	var subs []*downTrack
	switch {
	case mute && t.state == TrackLive:
		t.setState(TrackMuted)
		changed = true
	case !mute && t.state == TrackMuted:
		t.setState(TrackLive)
		changed = true
		if s := t.subs.Load(); s != nil {
			subs = *s
		}
	}
	owner := t.owner
	sess.mu.Unlock()
	for _, dt := range subs {
		dt.resync.Store(true)
		dt.requestKeyframe()
	}
	if staff && mute {
		owner.send(Message{Type: TypeTrackMuted, Track: trackID, Reason: "staff"})
	}
	if changed {
		sess.broadcastTracks()
	}
	return nil
}

// stopTrack ends a track for its subscribers (staff action).
func (sess *liveSession) stopTrack(trackID string) error {
	sess.mu.Lock()
	t := sess.findTrackLocked(trackID)
	if t == nil {
		sess.mu.Unlock()
		return errNoTrack
	}
	wasShown := t.published && (t.state == TrackLive || t.state == TrackMuted)
	info := t.info()
	t.setState(trackStopped)
	detach := make(map[*participant][]*downTrack)
	sess.endTrackLocked(t, detach)
	sess.mu.Unlock()
	detachAll(detach)
	t.owner.send(Message{Type: TypeTrackStopped, Track: trackID, Reason: "staff"})
	sess.broadcastTracks()
	if h := sess.srv.cfg.Hooks.TrackRemoved; h != nil && wasShown {
		h(sess.id, info)
	}
	return nil
}

// setPermissions applies new permissions to p's tracks and subscriptions.
func (sess *liveSession) setPermissions(p *participant, perms Permissions) error {
	sess.mu.Lock()
	if p.left {
		sess.mu.Unlock()
		return errNoParticipant
	}
	old := p.perms
	p.perms = perms
	attach := make(map[*participant][]*downTrack)
	detach := make(map[*participant][]*downTrack)
	var refused []Message
	var published []TrackInfo
	for _, t := range p.published {
		switch {
		case (t.state == TrackLive || t.state == TrackMuted) && !perms.mayPublish(t.source):
			t.setState(TrackRefused)
			t.refusal = errorf(CodeForbidden, "you may not publish %s now", t.source)
			sess.unsubscribeLocked(t, detach)
			refused = append(refused, Message{Type: TypeTrackRefused, Track: t.id, Code: CodeForbidden, Message: t.refusal.Message})
		case t.state == TrackRefused && perms.mayPublish(t.source):
			if t.refusal = sess.admitLocked(p, t); t.refusal == nil {
				sess.goLiveLocked(t, attach)
				published = append(published, t.info())
			}
		}
	}
	switch {
	case old.Subscribe && !perms.Subscribe:
		for id, dt := range p.downs {
			dt.closed.Store(true)
			dt.track.removeSub(dt)
			delete(p.downs, id)
			detach[p] = append(detach[p], dt)
		}
	case !old.Subscribe && perms.Subscribe:
		for _, t := range sess.tracks {
			if t.owner != p && (t.state == TrackLive || t.state == TrackMuted) {
				attach[p] = append(attach[p], sess.subscribeLocked(p, t))
			}
		}
	}
	sess.mu.Unlock()
	detachAll(detach)
	attachAll(attach)
	sent := perms.clone()
	p.send(Message{Type: TypePermissions, Permissions: &sent})
	for _, m := range refused {
		p.send(m)
	}
	sess.broadcastTracks()
	if h := sess.srv.cfg.Hooks.TrackPublished; h != nil {
		for _, ti := range published {
			h(sess.id, ti)
		}
	}
	return nil
}

// setDisplay records the size p displays a track at; the layer follows it.
func (sess *liveSession) setDisplay(p *participant, trackID string, w, h int) error {
	sess.mu.Lock()
	dt := p.downs[trackID]
	sess.mu.Unlock()
	if dt == nil {
		return errNoTrack
	}
	dt.display.Store(int64(w)<<16 | int64(h))
	dt.fit()
	return nil
}

// setLayer sets the simulcast layer p wants of a track.
func (sess *liveSession) setLayer(p *participant, trackID string, rank int) error {
	sess.mu.Lock()
	dt := p.downs[trackID]
	sess.mu.Unlock()
	if dt == nil {
		return errNoTrack
	}
	dt.display.Store(0) // an explicit choice wins over the display size
	dt.wanted.Store(int32(min(max(rank, 0), maxLayers-1)))
	dt.requestKeyframe()
	return nil
}
