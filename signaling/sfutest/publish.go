package sfutest

import (
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/lyceumhq/lyceum/signaling"
)

// Synthetic media. A video frame's first RTP packet carries a VP8 payload
// descriptor with S=1 (1 byte), a VP8 frame header (10 bytes: the frame
// tag with P=0 for keyframes; in keyframes the start code and the frame
// size, layerSizes, so the server can read a layer's size), the send time
// (unix ns, 8 bytes) and the simulcast layer (1 byte). An audio packet
// starts with the send time. Receivers use them for latency and
// to tell layers apart.
const (
	defaultVideoBitrate = 1_000_000 // bits per second of the top layer
	defaultFPS          = 30
	keyframeEvery       = 3 * time.Second // periodic keyframe, as encoders do
	maxPayload          = 1100            // bytes of VP8 payload per packet
	audioInterval       = 20 * time.Millisecond
	audioPayload        = 60 // bytes per Opus packet (~24 kbps)
	videoClock          = 90000
	audioClock          = 48000
	speakingLevelByte   = 0x80 | 20 // V=1, -20 dBov
)

// simulcastRIDs are the layers a simulcast publisher sends, lowest first.
var simulcastRIDs = []string{"q", "h", "f"}

// layerSizes are the frame sizes of the layers, lowest first (a single
// layer is the largest).
var layerSizes = [][2]int{{320, 180}, {640, 360}, {1280, 720}}

// PublishOptions says what a client publishes.
type PublishOptions struct {
	Video, Audio bool
	VideoSource  signaling.Source // default camera
	AudioSource  signaling.Source // default microphone
	VideoBitrate int              // bits/s of the top layer; default 1 Mbps
	FPS          int              // default 30
	Simulcast    bool             // three layers q, h, f (1/4, 1/2, 1 of the bitrate)
}

// publisher generates a client's media.
type publisher struct {
	opts     PublishOptions
	video    []*webrtc.TrackLocalStaticRTP // one per layer
	audio    *webrtc.TrackLocalStaticRTP
	vSender  *webrtc.RTPSender
	aSender  *webrtc.RTPSender
	midExt   atomic.Uint32 // negotiated extension ids (0: none yet)
	ridExt   atomic.Uint32
	levelExt atomic.Uint32
	vMid     atomic.Value // string
	plis     atomic.Int64
	keyNext  atomic.Bool
	stopped  chan struct{}
	once     sync.Once
	wg       sync.WaitGroup
}

// Publish adds the tracks of opts and offers them to the server, then
// sends media until the client closes.
func (c *Client) Publish(opts PublishOptions) error {
	if opts.VideoSource == "" {
		opts.VideoSource = signaling.SourceCamera
	}
	if opts.AudioSource == "" {
		opts.AudioSource = signaling.SourceMicrophone
	}
	if opts.VideoBitrate <= 0 {
		opts.VideoBitrate = defaultVideoBitrate
	}
	if opts.FPS <= 0 {
		opts.FPS = defaultFPS
	}
	p := &publisher{opts: opts, stopped: make(chan struct{})}
	p.vMid.Store("")
	c.negMu.Lock()
	err := c.addTracksLocked(p)
	c.negMu.Unlock()
	if err != nil {
		return err
	}
	c.pub = p
	p.start()
	c.Renegotiate()
	return nil
}

func (c *Client) addTracksLocked(p *publisher) error {
	opts := p.opts
	send := webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}
	if opts.Video {
		id := "video-" + c.ID
		rids := []string{""}
		if opts.Simulcast {
			rids = simulcastRIDs
		}
		for _, rid := range rids {
			var o []func(*webrtc.TrackLocalStaticRTP)
			if rid != "" {
				o = append(o, webrtc.WithRTPStreamID(rid))
			}
			t, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: videoClock}, id, c.ID, o...)
			if err != nil {
				return err
			}
			p.video = append(p.video, t)
		}
		tr, err := c.pc.AddTransceiverFromTrack(p.video[0], send)
		if err != nil {
			return err
		}
		p.vSender = tr.Sender()
		for _, t := range p.video[1:] {
			if err := p.vSender.AddEncoding(t); err != nil {
				return err
			}
		}
		decl := signaling.TrackInfo{Mid: id, Source: opts.VideoSource}
		if opts.Simulcast {
			decl.Layers = simulcastRIDs
		}
		c.decls = append(c.decls, decl)
	}
	if opts.Audio {
		id := "audio-" + c.ID
		t, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: audioClock, Channels: 2}, id, c.ID)
		if err != nil {
			return err
		}
		tr, err := c.pc.AddTransceiverFromTrack(t, send)
		if err != nil {
			return err
		}
		p.audio, p.aSender = t, tr.Sender()
		c.decls = append(c.decls, signaling.TrackInfo{Mid: id, Source: opts.AudioSource})
	}
	return nil
}

// negotiated learns the extension ids once an answer arrived.
func (p *publisher) negotiated(pc *webrtc.PeerConnection) {
	for _, tr := range pc.GetTransceivers() {
		if tr.Sender() == nil || tr.Sender() != p.vSender {
			continue
		}
		p.vMid.Store(tr.Mid())
		for _, e := range tr.Sender().GetParameters().HeaderExtensions {
			switch e.URI {
			case sdp.SDESMidURI:
				p.midExt.Store(uint32(e.ID))
			case sdp.SDESRTPStreamIDURI:
				p.ridExt.Store(uint32(e.ID))
			}
		}
	}
	if p.aSender != nil {
		for _, e := range p.aSender.GetParameters().HeaderExtensions {
			if e.URI == sdp.AudioLevelURI {
				p.levelExt.Store(uint32(e.ID))
			}
		}
	}
}

func (p *publisher) start() {
	if p.vSender != nil {
		for i, t := range p.video {
			p.wg.Add(2)
			go p.sendVideo(t, i)
			go p.readRTCP(t.RID())
		}
	}
	if p.audio != nil {
		p.wg.Add(1)
		go p.sendAudio()
	}
}

func (p *publisher) stop() {
	p.once.Do(func() { close(p.stopped) })
	p.wg.Wait()
}

// readRTCP counts keyframe requests and makes the next frame a keyframe.
func (p *publisher) readRTCP(rid string) {
	defer p.wg.Done()
	for {
		var pkts []rtcp.Packet
		var err error
		if rid != "" {
			pkts, _, err = p.vSender.ReadSimulcastRTCP(rid)
		} else {
			pkts, _, err = p.vSender.ReadRTCP()
		}
		if err != nil {
			return
		}
		for _, pkt := range pkts {
			switch pkt.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				p.plis.Add(1)
				p.keyNext.Store(true)
			}
		}
	}
}

func (p *publisher) sendVideo(t *webrtc.TrackLocalStaticRTP, layer int) {
	defer p.wg.Done()
	bitrate := p.opts.VideoBitrate
	if p.opts.Simulcast {
		bitrate >>= len(p.video) - 1 - layer
	}
	frameBytes := bitrate / 8 / p.opts.FPS
	interval := time.Second / time.Duration(p.opts.FPS)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var seq uint16
	var ts uint32
	lastKey := time.Time{}
	filler := make([]byte, maxPayload+16)
	for {
		select {
		case <-p.stopped:
			return
		case <-tick.C:
		}
		now := time.Now()
		key := now.Sub(lastKey) >= keyframeEvery
		if p.keyNext.Load() && layer == len(p.video)-1 { // the top layer's reader clears the request
			key = true
		}
		if key {
			lastKey = now
			if layer == len(p.video)-1 {
				p.keyNext.Store(false)
			}
		}
		for off := 0; off < frameBytes; off += maxPayload {
			n := min(maxPayload, frameBytes-off)
			payload := make([]byte, 1+n)
			copy(payload[1:], filler[:n])
			if off == 0 {
				payload[0] = 0x10 // S=1, partition 0
				payload[1] = 0x01 // P=1: delta frame
				if key {
					payload[1] = 0x00
				}
				clear(payload[2:min(len(payload), 11)])
				if len(payload) >= 20 {
					if key {
						size := layerSizes[len(layerSizes)-len(p.video)+layer]
						copy(payload[4:7], []byte{0x9d, 0x01, 0x2a})
						binary.LittleEndian.PutUint16(payload[7:9], uint16(size[0]))
						binary.LittleEndian.PutUint16(payload[9:11], uint16(size[1]))
					}
					binary.BigEndian.PutUint64(payload[11:19], uint64(now.UnixNano()))
					payload[19] = byte(layer)
				}
			}
			pkt := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts,
				Marker: off+maxPayload >= frameBytes}, Payload: payload}
			if rid := t.RID(); rid != "" {
				if id := p.midExt.Load(); id != 0 {
					_ = pkt.Header.SetExtension(uint8(id), []byte(p.vMid.Load().(string)))
				}
				if id := p.ridExt.Load(); id != 0 {
					_ = pkt.Header.SetExtension(uint8(id), []byte(rid))
				}
			}
			_ = t.WriteRTP(pkt)
			seq++
		}
		ts += uint32(videoClock / p.opts.FPS)
	}
}

func (p *publisher) sendAudio() {
	defer p.wg.Done()
	tick := time.NewTicker(audioInterval)
	defer tick.Stop()
	var seq uint16
	var ts uint32
	for {
		select {
		case <-p.stopped:
			return
		case <-tick.C:
		}
		payload := make([]byte, audioPayload)
		binary.BigEndian.PutUint64(payload, uint64(time.Now().UnixNano()))
		pkt := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts}, Payload: payload}
		if id := p.levelExt.Load(); id != 0 {
			_ = pkt.Header.SetExtension(uint8(id), []byte{speakingLevelByte})
		}
		_ = p.audio.WriteRTP(pkt)
		seq++
		ts += uint32(audioClock * audioInterval / time.Second)
	}
}

// PLIs returns how many keyframe requests the publisher received.
func (c *Client) PLIs() int64 {
	if c.pub == nil {
		return 0
	}
	return c.pub.plis.Load()
}

// String describes the options (for logs).
func (o PublishOptions) String() string {
	return fmt.Sprintf("video=%v audio=%v simulcast=%v bitrate=%d", o.Video, o.Audio, o.Simulcast, o.VideoBitrate)
}
