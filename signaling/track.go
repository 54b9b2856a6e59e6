package signaling

import (
	"slices"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// Forwarding tunables.
const (
	receiveMTU   = 1500                    // bytes read per RTP packet
	layerTimeout = 1500 * time.Millisecond // a simulcast layer without packets for this long is skipped
	silentLevel  = 127                     // RFC 6464: -127 dBov
)

// Track states beyond the public ones (never sent).
const (
	trackStopped = "stopped" // stopped by staff: hidden, drained until its publisher stops sending
	trackEnded   = "ended"   // its publisher stopped sending or left
)

// publishedTrack is one track a participant sends, with its simulcast
// layers (one when not simulcast) and the down tracks it feeds.
type publishedTrack struct {
	sess       *liveSession
	owner      *participant
	id, mid    string
	source     Source
	kind       webrtc.RTPCodecType
	codec      webrtc.RTPCodecCapability
	declLayers []string // declared simulcast RIDs, lowest first

	layers [maxLayers]atomic.Pointer[layer] // by quality rank
	subs   atomic.Pointer[[]*downTrack]     // copy on write under sess.mu
	live   atomic.Bool                      // state == TrackLive, for the readers

	// Guarded by sess.mu.
	state     string
	refusal   *Error // why it is refused
	published bool   // was live at least once (Hooks.TrackPublished called)
	nLayers   int    // running layer readers

	// Audio level (RFC 6464): the loudest level since the ticker last took
	// it, and the last reported state (owned by the session ticker).
	levelExt     uint8
	loudest      atomic.Int32
	voice        atomic.Bool
	lastLevel    int
	lastSpeaking bool
}

// layer is one simulcast encoding (or the only one) of a track.
type layer struct {
	rank       int
	rid        string
	remote     *webrtc.TrackRemote
	receiver   *webrtc.RTPReceiver
	ssrc       uint32
	lastPLI    atomic.Int64 // unix ns of the last keyframe request
	lastPacket atomic.Int64 // unix ns of the last packet
	// size is the frame size of its latest keyframe (VP8), width<<16 |
	// height; 0 until known.
	size atomic.Int64
}

// fwdPacket is one received packet, shared read-only by every subscriber.
type fwdPacket struct {
	hdr      rtp.Header
	payload  []byte
	layer    int
	keyframe bool
	level    int16 // audio level extension byte, -1 when absent
}

// knownRIDOrders are common simulcast RID sets, lowest quality first,
// used when the publisher did not declare its layers.
var knownRIDOrders = [][]string{{"q", "h", "f"}, {"0", "1", "2"}, {"l", "m", "h"}, {"low", "mid", "high"}}

// rank returns the quality rank of rid (0 lowest), or -1.
func (t *publishedTrack) rank(rid string) int {
	if rid == "" {
		return 0
	}
	if i := slices.Index(t.declLayers, rid); i >= 0 {
		return i
	}
	for _, order := range knownRIDOrders {
		if i := slices.Index(order, rid); i >= 0 {
			return i
		}
	}
	return -1
}

// streamID groups a publisher's tracks for the browser's A/V sync.
func (t *publishedTrack) streamID() string {
	if t.source == SourceScreen || t.source == SourceScreenAudio {
		return t.owner.info.ID + "/screen"
	}
	return t.owner.info.ID
}

// info describes the track (under sess.mu).
func (t *publishedTrack) info() TrackInfo {
	ti := TrackInfo{ID: t.id, Participant: t.owner.info.ID, Source: t.source, Kind: t.kind.String(), State: t.state}
	for i := range t.layers {
		if l := t.layers[i].Load(); l != nil && l.rid != "" {
			ti.Layers = append(ti.Layers, l.rid)
		}
	}
	return ti
}

// setState changes the state (under sess.mu).
func (t *publishedTrack) setState(state string) {
	t.state = state
	t.live.Store(state == TrackLive)
}

// addSub and removeSub change the subscriber list (under sess.mu).
func (t *publishedTrack) addSub(dt *downTrack) {
	old := t.subs.Load()
	var subs []*downTrack
	if old != nil {
		subs = slices.Clone(*old)
	}
	subs = append(subs, dt)
	t.subs.Store(&subs)
}

func (t *publishedTrack) removeSub(dt *downTrack) {
	old := t.subs.Load()
	if old == nil {
		return
	}
	subs := slices.DeleteFunc(slices.Clone(*old), func(d *downTrack) bool { return d == dt })
	t.subs.Store(&subs)
}

// takeSubs empties the subscriber list and returns it (under sess.mu).
func (t *publishedTrack) takeSubs() []*downTrack {
	old := t.subs.Swap(nil)
	if old == nil {
		return nil
	}
	return *old
}

// read forwards one layer's packets until the publisher stops sending it
// or its connection closes.
func (t *publishedTrack) read(l *layer) {
	defer t.sess.layerEnded(t, l)
	srv := t.sess.srv
	video := t.kind == webrtc.RTPCodecTypeVideo
	buf := make([]byte, receiveMTU)
	for {
		n, _, err := l.remote.Read(buf)
		if err != nil {
			return
		}
		srv.stats.in.Add(1)
		l.lastPacket.Store(time.Now().UnixNano())
		subs := t.subs.Load()
		if t.levelExt == 0 && (subs == nil || len(*subs) == 0) {
			continue
		}
		p := &fwdPacket{layer: l.rank, level: -1}
		var pkt rtp.Packet
		if err := pkt.Unmarshal(slices.Clone(buf[:n])); err != nil {
			continue
		}
		p.hdr, p.payload = pkt.Header, pkt.Payload
		if t.levelExt != 0 {
			if ext := pkt.Header.GetExtension(t.levelExt); len(ext) == 1 {
				p.level = int16(ext[0])
				t.noteLevel(ext[0])
			}
		}
		if !t.live.Load() || subs == nil || l.rank < 0 {
			continue
		}
		if video {
			p.keyframe = isKeyframeStart(t.codec.MimeType, p.payload)
			if p.keyframe {
				t.noteSize(l, p.payload)
			}
		}
		for _, dt := range *subs {
			if dt.accepts(l.rank, p.keyframe) {
				dt.sub.enqueue(dt, p)
			}
		}
	}
}

// readRTCP reads the publisher's RTCP for a layer, which drives pion's
// receiver reports and NACK generator; the packets themselves are not
// needed.
func (t *publishedTrack) readRTCP(l *layer) {
	for {
		var err error
		if l.rid != "" {
			_, _, err = l.receiver.ReadSimulcastRTCP(l.rid)
		} else {
			_, _, err = l.receiver.ReadRTCP()
		}
		if err != nil {
			return
		}
	}
}

// requestKeyframe sends a PLI for a layer to the publisher, at most once
// per Config.PLIInterval per layer.
func (t *publishedTrack) requestKeyframe(rank int) {
	if t.kind != webrtc.RTPCodecTypeVideo || rank < 0 || rank >= maxLayers {
		return
	}
	l := t.layers[rank].Load()
	if l == nil {
		return
	}
	now := time.Now().UnixNano()
	last := l.lastPLI.Load()
	if now-last < int64(t.sess.srv.cfg.PLIInterval) || !l.lastPLI.CompareAndSwap(last, now) {
		return
	}
	if err := t.owner.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: l.ssrc}}); err != nil {
		t.owner.log.Debug().Err(err).Msg("sending a keyframe request")
	}
}

// bestLayer is the highest layer at or below wanted that is receiving
// packets; failing that the lowest one that is; failing that the lowest
// one there is.
func (t *publishedTrack) bestLayer(wanted int) int {
	wanted = min(max(wanted, 0), maxLayers-1)
	now := time.Now().UnixNano()
	alive := func(i int) bool {
		l := t.layers[i].Load()
		return l != nil && now-l.lastPacket.Load() < int64(layerTimeout)
	}
	for i := wanted; i >= 0; i-- {
		if alive(i) {
			return i
		}
	}
	for i := wanted + 1; i < maxLayers; i++ {
		if alive(i) {
			return i
		}
	}
	for i := range maxLayers {
		if t.layers[i].Load() != nil {
			return i
		}
	}
	return 0
}

// noteLevel records an audio level extension byte (V bit and level).
func (t *publishedTrack) noteLevel(b byte) {
	if b&0x80 != 0 {
		t.voice.Store(true)
	}
	lvl := int32(b & 0x7f)
	for {
		cur := t.loudest.Load()
		if lvl >= cur || t.loudest.CompareAndSwap(cur, lvl) {
			return
		}
	}
}

// takeLevel returns and resets the loudest level and voice flag.
func (t *publishedTrack) takeLevel() (level int, voice bool) {
	return int(t.loudest.Swap(silentLevel)), t.voice.Swap(false)
}

// audioLevelExtID returns the negotiated id of the audio level extension.
func audioLevelExtID(recv *webrtc.RTPReceiver) uint8 {
	for _, e := range recv.GetParameters().HeaderExtensions {
		if e.URI == sdp.AudioLevelURI {
			return uint8(e.ID)
		}
	}
	return 0
}

// noteSize records a layer's frame size from a keyframe; when it changed,
// the subscribers that reported their display size choose again.
func (t *publishedTrack) noteSize(l *layer, payload []byte) {
	w, h, ok := vp8KeyframeSize(payload)
	if !ok {
		return
	}
	size := int64(w)<<16 | int64(h)
	if l.size.Swap(size) == size {
		return
	}
	if subs := t.subs.Load(); subs != nil {
		for _, dt := range *subs {
			dt.fit()
		}
	}
}

// layerFor is the smallest layer whose frames are at least w x h, the
// largest known one when none is, and -1 when no layer's size is known
// yet.
func (t *publishedTrack) layerFor(w, h int) int {
	best := -1
	for rank := range maxLayers {
		l := t.layers[rank].Load()
		if l == nil || l.size.Load() == 0 {
			continue
		}
		size := l.size.Load()
		if int(size>>16) >= w && int(size&0xffff) >= h {
			return rank
		}
		best = rank
	}
	return best
}
