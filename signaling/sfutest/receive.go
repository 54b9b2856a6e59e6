package sfutest

import (
	"encoding/binary"
	"maps"
	"time"

	"github.com/pion/webrtc/v4"
)

// TrackStats counts what a client received of one track.
type TrackStats struct {
	Kind       string
	Packets    uint64
	Bytes      uint64
	Lost       uint64        // sequence numbers skipped (expected - received, not below 0)
	Keyframes  uint64        // frames that started with a keyframe
	Layer      int           // simulcast layer of the last frame
	Latency    time.Duration // sum over Samples
	MaxLatency time.Duration
	Samples    uint64 // frames (video) or packets (audio) with a send time
	First      time.Time

	base, highest uint32 // extended sequence numbers
	started       bool
}

// onTrack counts a received track's packets until it ends.
func (c *Client) onTrack(remote *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	id := remote.ID()
	video := remote.Kind() == webrtc.RTPCodecTypeVideo
	for { // ends when the PeerConnection closes
		pkt, _, err := remote.ReadRTP()
		if err != nil {
			return
		}
		now := time.Now()
		c.mu.Lock()
		st := c.received[id]
		if st == nil {
			st = &TrackStats{Kind: remote.Kind().String(), First: now}
			c.received[id] = st
		}
		st.Packets++
		st.Bytes += uint64(len(pkt.Payload))
		seq := uint32(pkt.SequenceNumber)
		if !st.started {
			st.started, st.base, st.highest = true, seq, seq
		} else {
			ext := st.highest&^0xffff | seq // unwrap near the highest seen
			switch {
			case ext+0x8000 < st.highest:
				ext += 0x10000
			case ext > st.highest+0x8000 && ext >= 0x10000:
				ext -= 0x10000
			}
			st.highest = max(st.highest, ext)
		}
		if expected := uint64(st.highest-st.base) + 1; expected > st.Packets {
			st.Lost = expected - st.Packets
		} else {
			st.Lost = 0
		}
		var sent int64
		switch {
		case video && len(pkt.Payload) >= 20 && pkt.Payload[0]&0x10 != 0:
			if pkt.Payload[1]&0x01 == 0 {
				st.Keyframes++
			}
			st.Layer = int(pkt.Payload[19])
			sent = int64(binary.BigEndian.Uint64(pkt.Payload[11:19]))
		case !video && len(pkt.Payload) >= 8:
			sent = int64(binary.BigEndian.Uint64(pkt.Payload))
		}
		if sent > 0 {
			lat := now.Sub(time.Unix(0, sent))
			st.Latency += lat
			st.MaxLatency = max(st.MaxLatency, lat)
			st.Samples++
		}
		c.mu.Unlock()
	}
}

// Received returns the stats of every track received, by track id.
func (c *Client) Received() map[string]TrackStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]TrackStats, len(c.received))
	for id, st := range maps.All(c.received) {
		out[id] = *st
	}
	return out
}

// Summary totals the received stats of several clients.
type Summary struct {
	Tracks      int
	Packets     uint64
	Lost        uint64
	MeanLatency time.Duration
	MaxLatency  time.Duration
}

// Summarize totals what clients received.
func Summarize(clients []*Client) Summary {
	var s Summary
	var sum time.Duration
	var n uint64
	for _, c := range clients {
		for _, st := range c.Received() {
			s.Tracks++
			s.Packets += st.Packets
			s.Lost += st.Lost
			sum += st.Latency
			n += st.Samples
			s.MaxLatency = max(s.MaxLatency, st.MaxLatency)
		}
	}
	if n > 0 {
		s.MeanLatency = sum / time.Duration(n)
	}
	return s
}
