package signaling

import (
	"testing"
	"time"
)

func TestKeyframeStart(t *testing.T) {
	tests := []struct {
		name    string
		mime    string
		payload []byte
		want    bool
	}{
		{"vp8 keyframe", "video/VP8", []byte{0x10, 0x00, 0x9d}, true},
		{"vp8 delta frame", "video/VP8", []byte{0x10, 0x01}, false},
		{"vp8 continuation", "video/VP8", []byte{0x00, 0x00}, false},
		{"vp8 keyframe with 15-bit picture id", "video/vp8", []byte{0x90, 0x80, 0x81, 0x23, 0x00}, true},
		{"vp8 delta with picture id, tl0, tid", "video/VP8", []byte{0x90, 0xe0, 0x05, 0x01, 0x20, 0x01}, false},
		{"vp8 truncated", "video/VP8", []byte{0x90, 0x80}, false},
		{"h264 idr", "video/H264", []byte{0x65}, true},
		{"h264 sps", "video/H264", []byte{0x67}, true},
		{"h264 stap-a with sps", "video/H264", []byte{0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce}, true},
		{"h264 stap-a without", "video/H264", []byte{0x78, 0x00, 0x02, 0x41, 0x42}, false},
		{"h264 fu-a idr start", "video/H264", []byte{0x7c, 0x85}, true},
		{"h264 fu-a idr middle", "video/H264", []byte{0x7c, 0x05}, false},
		{"h264 non-idr", "video/H264", []byte{0x41}, false},
		{"empty", "video/VP8", nil, false},
		{"opus", "audio/opus", []byte{0x10, 0x00}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := isKeyframeStart(tc.mime, tc.payload); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTokenBucket(t *testing.T) {
	now := testTime
	b := newTokenBucket(10, 2, now)
	if !b.allow(now) || !b.allow(now) || b.allow(now) {
		t.Fatal("burst of 2 not enforced")
	}
	if !b.allow(now.Add(100 * millisecond)) {
		t.Error("a token per 100 ms not refilled")
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"type":"offer","sdp":"v=0","tracks":[{"mid":"0","source":"camera","layers":["q","h"]}]}`,
		`{"type":"candidate","candidate":{"candidate":"candidate:1 1 udp 1 127.0.0.1 5000 typ host","sdpMid":"0"}}`,
		`{"type":"layer","track":"t1","quality":"low"}`, `{"type":"leave"}`, `{}`, `[]`, `{"type":"offer","sdp":""}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := decode(raw, DefaultMaxMessageBytes)
		if err == nil && m.Type == "" {
			t.Fatal("accepted a message without a type")
		}
		if err != nil && err.Code == "" {
			t.Fatal("error without a code")
		}
	})
}

var testTime = time.Unix(1700000000, 0)

const millisecond = time.Millisecond
