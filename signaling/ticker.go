package signaling

import (
	"time"

	"github.com/pion/webrtc/v4"
)

// speakingLevel is the audio level (-dBov) at or under which a track
// counts as speaking; levelStep is the change (dB) worth reporting.
const (
	speakingLevel = 50
	levelStep     = 6
)

// tick reports audio levels and keeps simulcast subscribers on their best
// layer, every Config.AudioLevelInterval until the session ends.
func (sess *liveSession) tick() {
	tk := time.NewTicker(sess.srv.cfg.AudioLevelInterval)
	defer tk.Stop()
	for {
		select {
		case <-sess.done:
			return
		case <-tk.C:
		}
		sess.mu.Lock()
		var audio []*publishedTrack
		var video [][]*downTrack
		for _, t := range sess.tracks {
			switch {
			case t.state != TrackLive:
			case t.kind == webrtc.RTPCodecTypeAudio && t.levelExt != 0:
				audio = append(audio, t)
			case t.kind == webrtc.RTPCodecTypeVideo:
				if s := t.subs.Load(); s != nil {
					video = append(video, *s)
				}
			}
		}
		sess.mu.Unlock()
		sess.reportLevels(audio)
		for _, subs := range video {
			for _, dt := range subs {
				if dt.sub.connected.Load() && int(dt.current.Load()) != dt.track.bestLayer(int(dt.wanted.Load())) {
					dt.requestKeyframe()
				}
			}
		}
	}
}

// reportLevels calls Hooks.AudioLevels with the tracks whose level moved.
func (sess *liveSession) reportLevels(audio []*publishedTrack) {
	var levels []AudioLevel
	for _, t := range audio {
		lvl, voice := t.takeLevel()
		speaking := voice || lvl <= speakingLevel
		if speaking == t.lastSpeaking && abs(lvl-t.lastLevel) < levelStep {
			continue
		}
		t.lastLevel, t.lastSpeaking = lvl, speaking
		levels = append(levels, AudioLevel{Participant: t.owner.info.ID, Track: t.id, Level: uint8(lvl), Speaking: speaking})
	}
	if h := sess.srv.cfg.Hooks.AudioLevels; h != nil && len(levels) > 0 {
		h(sess.id, levels)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
