package signaling

import (
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// downTrack is one published track as sent to one subscriber: a pion
// TrackLocal whose packets are rewritten (SSRC, payload type, sequence
// numbers and timestamps continuous across simulcast switches and
// pauses, the audio level extension renumbered, other extensions
// dropped) and written by the subscriber's media writer.
type downTrack struct {
	track *publishedTrack
	sub   *participant

	binding atomic.Pointer[binding]
	closed  atomic.Bool
	wanted  atomic.Int32 // simulcast layer the subscriber asked for
	// display is the size the subscriber shows the track at (width<<16 |
	// height, device pixels), 0 when not reported: the layer then follows
	// it (fit).
	display atomic.Int64
	current atomic.Int32 // simulcast layer being forwarded (-1: none yet)
	resync  atomic.Bool  // restart at the next keyframe (unmuted, reconnected)
	dropped atomic.Uint64

	sender *webrtc.RTPSender // set by attach under sub.negMu

	// Owned by the subscriber's media writer.
	started   bool
	rebase    bool
	needKey   bool
	seqOff    uint16
	tsOff     uint32
	lastSeq   uint16
	lastTS    uint32
	lastWrite time.Time
	ext       [1]rtp.Extension
	level     [1]byte
}

// binding is what pion negotiated for a down track.
type binding struct {
	ssrc     uint32
	pt       uint8
	levelExt uint8 // audio level extension id, 0 when not negotiated
	writer   webrtc.TrackLocalWriter
}

// newDownTrack returns t as sent to sub. Video starts at a keyframe of
// the best layer at or below wanted (current -1 until then); audio at once.
func newDownTrack(t *publishedTrack, sub *participant, wanted int) *downTrack {
	dt := &downTrack{track: t, sub: sub}
	dt.wanted.Store(int32(wanted))
	if t.kind == webrtc.RTPCodecTypeVideo {
		dt.current.Store(-1)
	}
	return dt
}

// video reports whether the track is video.
func (dt *downTrack) video() bool { return dt.track.kind == webrtc.RTPCodecTypeVideo }

// requestKeyframe asks the publisher for a keyframe of the layer this
// subscriber should receive (throttled per layer).
func (dt *downTrack) requestKeyframe() {
	if dt.video() {
		dt.track.requestKeyframe(dt.track.bestLayer(int(dt.wanted.Load())))
	}
}

// Bind implements webrtc.TrackLocal: it picks the publisher's codec among
// the negotiated ones.
func (dt *downTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	for _, c := range ctx.CodecParameters() {
		if !equalFoldMime(c.MimeType, dt.track.codec.MimeType) {
			continue
		}
		b := &binding{ssrc: uint32(ctx.SSRC()), pt: uint8(c.PayloadType), writer: ctx.WriteStream()}
		for _, e := range ctx.HeaderExtensions() {
			if e.URI == sdp.AudioLevelURI {
				b.levelExt = uint8(e.ID)
			}
		}
		dt.binding.Store(b)
		dt.resync.Store(true)
		if dt.sub.connected.Load() { // a new track on a live connection: start it now
			dt.requestKeyframe()
		}
		return c, nil
	}
	return webrtc.RTPCodecParameters{}, errNoCodec
}

// Unbind implements webrtc.TrackLocal.
func (dt *downTrack) Unbind(webrtc.TrackLocalContext) error {
	dt.binding.Store(nil)
	return nil
}

// ID implements webrtc.TrackLocal: the server's track id.
func (dt *downTrack) ID() string { return dt.track.id }

// RID implements webrtc.TrackLocal (a down track is never simulcast).
func (dt *downTrack) RID() string { return "" }

// StreamID implements webrtc.TrackLocal: the publisher's id, with
// "/screen" for screen sharing, so that camera and microphone (and
// screen and its audio) are synchronized by the browser.
func (dt *downTrack) StreamID() string { return dt.track.streamID() }

// Kind implements webrtc.TrackLocal.
func (dt *downTrack) Kind() webrtc.RTPCodecType { return dt.track.kind }

// accepts is the publisher-side filter: a simulcast down track takes the
// packets of its current layer and keyframes of the layer it should
// switch to.
func (dt *downTrack) accepts(layer int, keyframe bool) bool {
	cur := int(dt.current.Load())
	if cur == layer {
		return true
	}
	return keyframe && layer == dt.track.bestLayer(int(dt.wanted.Load()))
}

// write rewrites and sends one packet; it runs on the subscriber's media
// writer only.
func (dt *downTrack) write(p *fwdPacket) {
	b := dt.binding.Load()
	if b == nil || dt.closed.Load() {
		return
	}
	if !dt.sub.connected.Load() {
		dt.resync.Store(true)
		return
	}
	video := dt.video()
	if dt.resync.Swap(false) {
		dt.needKey = video
		dt.rebase = dt.started
	}
	if video {
		cur := int(dt.current.Load())
		if p.layer != cur || dt.needKey {
			best := dt.track.bestLayer(int(dt.wanted.Load()))
			if !p.keyframe || (p.layer != best && p.layer != cur) {
				if dt.needKey || cur < 0 {
					dt.track.requestKeyframe(best)
				}
				return
			}
			if p.layer != cur {
				dt.current.Store(int32(p.layer))
				dt.rebase = dt.started
			}
			dt.needKey = false
		}
	}
	now := time.Now()
	if !dt.started {
		dt.started = true
		dt.seqOff, dt.tsOff = 0, 0
		dt.lastSeq, dt.lastTS = p.hdr.SequenceNumber-1, p.hdr.Timestamp
	} else if dt.rebase {
		dt.rebase = false
		delta := uint32(now.Sub(dt.lastWrite).Seconds() * float64(dt.track.codec.ClockRate))
		dt.seqOff = dt.lastSeq + 1 - p.hdr.SequenceNumber
		dt.tsOff = dt.lastTS + max(delta, 1) - p.hdr.Timestamp
	}
	hdr := rtp.Header{Version: 2, Padding: p.hdr.Padding, PaddingSize: p.hdr.PaddingSize, Marker: p.hdr.Marker,
		PayloadType: b.pt, SSRC: b.ssrc,
		SequenceNumber: p.hdr.SequenceNumber + dt.seqOff, Timestamp: p.hdr.Timestamp + dt.tsOff}
	if diff := hdr.SequenceNumber - dt.lastSeq; diff != 0 && diff < 0x8000 { // newer (mod 2^16)
		dt.lastSeq, dt.lastTS, dt.lastWrite = hdr.SequenceNumber, hdr.Timestamp, now
	}
	if b.levelExt != 0 && p.level >= 0 {
		dt.level[0] = byte(p.level) // V bit and level, as the publisher sent them
		hdr.Extensions = dt.ext[:0] // SetExtension appends here: no allocation
		_ = hdr.SetExtension(b.levelExt, dt.level[:])
	}
	if _, err := b.writer.WriteRTP(&hdr, p.payload); err == nil {
		dt.sub.srv.stats.out.Add(1)
	}
}

// readRTCP reads the subscriber's RTCP for this track (which also drives
// pion's NACK responder and reports) and forwards keyframe requests to the
// publisher, throttled there. It returns when the sender stops.
func (dt *downTrack) readRTCP(sender *webrtc.RTPSender) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, pkt := range pkts {
			switch pkt.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				dt.track.requestKeyframe(int(dt.current.Load()))
			}
		}
	}
}

// fit chooses the layer from the display size the subscriber reported
// (the smallest layer at least that size), if it did and a layer's size
// is known.
func (dt *downTrack) fit() {
	d := dt.display.Load()
	if d == 0 {
		return
	}
	rank := dt.track.layerFor(int(d>>16), int(d&0xffff))
	if rank < 0 || dt.wanted.Swap(int32(rank)) == int32(rank) {
		return
	}
	dt.requestKeyframe()
}
