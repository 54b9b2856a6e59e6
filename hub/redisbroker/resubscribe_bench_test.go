package redisbroker_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/coder/websocket"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

// BenchmarkResubscribe is a reconnect storm's work per client on the node
// that takes it over, client included: a WebSocket upgrade and a subscribe
// with a position 10 publications back, answered with the ack and
// the replay, over Redis. The node follows the topic; "window": the gap is
// within its recent window, so no history is read; "history": the node
// keeps no window (hub.Config.RecentPublications < 0) and the subscribe
// reads Redis's history, as every subscribe did before the window.
func BenchmarkResubscribe(b *testing.B) {
	const topic, published = "course:resubscribe", 200
	const behind = 10
	for _, bc := range []struct {
		name   string
		recent int
	}{{"window", 0}, {"history", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			brokers, _ := cluster(b, 1, 1000, 0)
			n := hubtest.NewNode(b, hub.Config{AdmitRate: -1, RecentPublications: bc.recent}, brokers[0])
			keeper := hubtest.Dial(b, n, "keeper")
			ack := keeper.Subscribe(topic, nil)
			hubtest.Publish(b, n, topic, 1, published)
			keeper.Pushes(topic, published)
			sub := []byte(fmt.Sprintf(`{"type":"subscribe","id":1,"topic":%q,"since":{"epoch":%q,"offset":%d}}`,
				topic, ack.Epoch, published-behind))
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				ws, _, err := websocket.Dial(ctx, n.URL+"?user=u", nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := ws.Read(ctx); err != nil { // hello
					b.Fatal(err)
				}
				if err := ws.Write(ctx, websocket.MessageText, sub); err != nil {
					b.Fatal(err)
				}
				for pushes := 0; pushes < behind; {
					_, msg, err := ws.Read(ctx)
					if err != nil {
						b.Fatal(err)
					}
					if bytes.Contains(msg, []byte(`"recovered":false`)) {
						b.Fatalf("not recovered: %s", msg)
					}
					pushes += bytes.Count(msg, []byte(`"type":"push"`))
				}
				_ = ws.CloseNow()
			}
		})
	}
}
