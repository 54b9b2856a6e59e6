package signaling

import (
	"strings"

	"github.com/pion/webrtc/v4"
)

// isKeyframeStart reports whether an RTP payload of codec starts a
// keyframe (the packet a decoder can start from, or switch layers at).
func isKeyframeStart(mime string, payload []byte) bool {
	switch {
	case strings.EqualFold(mime, webrtc.MimeTypeVP8):
		return vp8KeyframeStart(payload)
	case strings.EqualFold(mime, webrtc.MimeTypeH264):
		return h264KeyframeStart(payload)
	}
	return false
}

// vp8KeyframeStart parses the VP8 payload descriptor (RFC 7741 section
// 4.2): the first packet of a frame (S=1, partition 0) whose payload
// header has P=0 (an intra frame).
func vp8KeyframeStart(b []byte) bool {
	i, ok := vp8FrameStart(b)
	return ok && b[i]&0x01 == 0
}

// vp8KeyframeSize reads the frame size of a VP8 keyframe's first packet
// (RFC 6386 section 9.1: the 3-byte frame tag, the start code 9d 01 2a,
// then 14-bit width and height, little-endian).
func vp8KeyframeSize(b []byte) (w, h int, ok bool) {
	i, ok := vp8FrameStart(b)
	if !ok || b[i]&0x01 != 0 || len(b) < i+10 || b[i+3] != 0x9d || b[i+4] != 0x01 || b[i+5] != 0x2a {
		return 0, 0, false
	}
	w = int(b[i+6]) | int(b[i+7]&0x3f)<<8
	h = int(b[i+8]) | int(b[i+9]&0x3f)<<8
	return w, h, w > 0 && h > 0
}

// vp8FrameStart returns where the VP8 payload starts in the first packet
// of a frame (S=1, partition 0), after the payload descriptor.
func vp8FrameStart(b []byte) (int, bool) {
	if len(b) < 1 {
		return 0, false
	}
	if b[0]&0x10 == 0 || b[0]&0x07 != 0 { // S bit, PID
		return 0, false
	}
	i := 1
	if b[0]&0x80 != 0 { // X: extension byte
		if len(b) < 2 {
			return 0, false
		}
		x := b[1]
		i = 2
		if x&0x80 != 0 { // I: picture id, 7 or 15 bits
			if len(b) <= i {
				return 0, false
			}
			if b[i]&0x80 != 0 {
				i++
			}
			i++
		}
		if x&0x40 != 0 { // L: TL0PICIDX
			i++
		}
		if x&0x30 != 0 { // T or K: TID/KEYIDX byte
			i++
		}
	}
	return i, len(b) > i
}

// H.264 NAL unit types (RFC 6184).
const (
	naluIDR   = 5
	naluSPS   = 7
	naluSTAPA = 24
	naluFUA   = 28
)

// h264KeyframeStart reports a packet carrying an SPS or the start of an
// IDR slice, alone, in a STAP-A or as the first FU-A fragment.
func h264KeyframeStart(b []byte) bool {
	if len(b) < 1 {
		return false
	}
	switch t := b[0] & 0x1f; t {
	case naluIDR, naluSPS:
		return true
	case naluSTAPA:
		for i := 1; i+2 < len(b); {
			size := int(b[i])<<8 | int(b[i+1])
			if i+2 >= len(b) {
				break
			}
			if nt := b[i+2] & 0x1f; nt == naluSPS || nt == naluIDR {
				return true
			}
			i += 2 + size
		}
	case naluFUA:
		if len(b) < 2 {
			return false
		}
		return b[1]&0x80 != 0 && b[1]&0x1f == naluIDR
	}
	return false
}

func equalFoldMime(a, b string) bool { return strings.EqualFold(a, b) }
