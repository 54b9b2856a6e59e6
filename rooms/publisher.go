package rooms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/course"
)

// publishTimeout bounds one server-side publication.
const publishTimeout = 2 * time.Second

// errNoHub is returned by a Publisher whose hub is not set yet.
var errNoHub = errors.New("rooms: the publisher has no hub yet")

// Publisher announces course changes over the hub (it implements
// course.Publisher). The course service needs its Publisher when it is
// built, and the hub needs the policy that needs the course service, so
// the hub is set afterwards with SetHub; until then (and after SetHub(nil))
// Publish fails, which the course service logs and otherwise ignores.
//
// Wiring order: pub := NewPublisher(); courses := course.New(...Publisher:
// pub...); policy := NewPolicy(courses, store, log); hub.New with
// policy.Hooks(); pub.SetHub(h).
type Publisher struct {
	hub atomic.Pointer[hub.Hub]
}

var _ course.Publisher = (*Publisher)(nil)

// NewPublisher returns a Publisher without a hub.
func NewPublisher() *Publisher { return &Publisher{} }

// SetHub sets the hub publications go to.
func (p *Publisher) SetHub(h *hub.Hub) { p.hub.Store(h) }

// Publish encodes data as JSON and publishes it on topic.
func (p *Publisher) Publish(ctx context.Context, topic string, data any) error {
	h := p.hub.Load()
	if h == nil {
		return errNoHub
	}
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("rooms: encode a publication on %s: %w", topic, err)
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if _, err := h.Publish(ctx, topic, b); err != nil {
		return fmt.Errorf("rooms: publish on %s: %w", topic, err)
	}
	return nil
}
