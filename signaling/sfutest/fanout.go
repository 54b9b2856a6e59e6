package sfutest

import (
	"context"
	"fmt"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/lyceumhq/lyceum/signaling"
)

// FanoutParams describe one publisher sending to many subscribers.
type FanoutParams struct {
	Session     string         // session id; "fanout" when empty
	Subscribers int            // how many subscribers join
	Publish     PublishOptions // what the publisher sends (video and audio when zero)
	Duration    time.Duration  // how long to measure once every subscriber receives
	Measuring   func()         // if set, called when the measurement starts (e.g. to sample CPU)
}

// FanoutResult is what the subscribers received during the measurement.
type FanoutResult struct {
	Summary
	Joined time.Duration // from the first join until every subscriber received media
	PLIs   int64         // keyframe requests the publisher got
}

// Fanout joins a publisher and p.Subscribers subscribers through r, waits
// (bounded by ctx) until every subscriber receives media, measures for
// p.Duration, then makes everyone leave. It serves tests and the load
// generator's sfu mode; it records nothing itself.
func Fanout(ctx context.Context, r *Router, api *webrtc.API, p FanoutParams) (FanoutResult, error) {
	if p.Session == "" {
		p.Session = "fanout"
	}
	if !p.Publish.Video && !p.Publish.Audio {
		p.Publish.Video, p.Publish.Audio = true, true
	}
	var res FanoutResult
	start := time.Now()
	pub, err := r.Connect(ctx, api, p.Session, signaling.ParticipantInfo{ID: "publisher", Role: "instructor"},
		signaling.Permissions{Subscribe: false, Publish: []signaling.Source{signaling.SourceCamera, signaling.SourceMicrophone}})
	if err != nil {
		return res, fmt.Errorf("publisher: %w", err)
	}
	clients := []*Client{}
	defer func() {
		for _, c := range append(clients, pub) {
			c.Leave()
		}
	}()
	if err := pub.Publish(p.Publish); err != nil {
		return res, fmt.Errorf("publish: %w", err)
	}
	for i := range p.Subscribers {
		c, err := r.Connect(ctx, api, p.Session, signaling.ParticipantInfo{ID: fmt.Sprintf("sub%d", i)}, signaling.Permissions{Subscribe: true})
		if err != nil {
			return res, fmt.Errorf("subscriber %d: %w", i, err)
		}
		clients = append(clients, c)
	}
	want := 0
	if p.Publish.Video {
		want++
	}
	if p.Publish.Audio {
		want++
	}
	if err := Wait(ctx, func() bool {
		for _, c := range clients {
			if len(c.Received()) < want {
				return false
			}
		}
		return true
	}); err != nil {
		return res, fmt.Errorf("waiting for media at every subscriber: %w", err)
	}
	res.Joined = time.Since(start)
	before := Summarize(clients)
	if p.Measuring != nil {
		p.Measuring()
	}
	select {
	case <-ctx.Done():
		return res, ctx.Err()
	case <-time.After(p.Duration):
	}
	after := Summarize(clients)
	res.Summary = after
	res.Packets = after.Packets - before.Packets
	res.Lost = after.Lost - before.Lost
	res.PLIs = pub.PLIs()
	return res, nil
}
