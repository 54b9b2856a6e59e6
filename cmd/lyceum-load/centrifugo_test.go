package main

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseCentrifugoPush(t *testing.T) {
	data := appendPayload(nil, 42, 1234567)
	line := []byte(`{"push":{"channel":"load_fanout-1","pub":{"data":` + string(data) + `,"offset":7}}}`)
	p, ok := parseCentrifugoPush(line)
	if !ok || !p.ok || string(p.topic) != "load_fanout-1" || p.seq != 42 || p.sentNS != 1234567 || p.offset != 7 {
		t.Fatalf("parseCentrifugoPush = %+v, %v", p, ok)
	}
	if _, ok := parseCentrifugoPush([]byte(`{"id":3,"publish":{}}`)); ok {
		t.Fatal("a reply was taken for a push")
	}
	if p, ok := parseCentrifugoPush([]byte(`{"push":{"channel":"x","join":{"info":{}}}}`)); !ok || p.ok {
		t.Fatalf("a join push: %+v, %v", p, ok)
	}
}

func TestCentrifugoFrames(t *testing.T) {
	c := &client{proto: targetCentrifugo}
	cases := []struct {
		line, typ string
		id        uint64
	}{
		{`{"id":1,"connect":{"client":"abc","version":"6.9.1"}}`, "hello", 1},
		{`{"id":5,"subscribe":{}}`, "ack", 5},
		{`{"id":6,"publish":{}}`, "ack", 6},
		{`{"id":7,"error":{"code":103,"message":"permission denied"}}`, "error", 7},
	}
	for _, tc := range cases {
		f, err := c.decodeFrame([]byte(tc.line))
		if err != nil || f.Type != tc.typ || f.ID != tc.id {
			t.Errorf("decodeFrame(%s) = %+v, %v; want %s id %d", tc.line, f, err, tc.typ, tc.id)
		}
	}
	b, err := c.encodeCommand(map[string]any{"type": "subscribe", "id": uint64(2), "topic": "t"})
	if err != nil || string(b) != `{"id":2,"subscribe":{"channel":"t"}}` {
		t.Fatalf("encodeCommand = %s, %v", b, err)
	}
	pub := appendPublish(nil, targetCentrifugo, 9, "t", 3, 5)
	var v struct {
		ID      uint64 `json:"id"`
		Publish struct {
			Channel string `json:"channel"`
			Data    struct {
				Seq uint64 `json:"seq"`
			} `json:"data"`
		} `json:"publish"`
	}
	if err := json.Unmarshal(pub, &v); err != nil || v.ID != 9 || v.Publish.Channel != "t" || v.Publish.Data.Seq != 3 {
		t.Fatalf("appendPublish = %s (%+v, %v)", pub, v, err)
	}
}

func TestMedianAndConfig(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Fatalf("median = %v", m)
	}
	if m := median([]float64{4, 1, 2, 3}); m != 2.5 {
		t.Fatalf("median = %v", m)
	}
	b, err := centrifugoConfig(18605, "redis://127.0.0.1:6379/0", "p")
	if err != nil || !json.Valid(b) {
		t.Fatalf("centrifugoConfig: %s, %v", b, err)
	}
}

func TestStormBackoffIsTheDocumentedOne(t *testing.T) {
	for attempt, want := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 30 * time.Second} {
		if attempt == 3 {
			attempt = 20
		}
		for range 100 {
			d := stormBackoff(attempt)
			if d < want/2 || d > want {
				t.Fatalf("stormBackoff(%d) = %v, want in [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
}
