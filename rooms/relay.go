package rooms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// Relay tunables.
const (
	// DefaultRelayInterval is how often every node looks for announcements
	// left in the outbox (their node died, or the broker was down).
	DefaultRelayInterval = time.Second
	// DefaultRelayGrace is how old an announcement must be before another
	// node takes it over: younger ones are still being delivered by the
	// node that stored them.
	DefaultRelayGrace = 2 * time.Second
	// relayBatch is how many announcements one sweep re-announces (the rest
	// wait for the next sweep).
	relayBatch = 200
	// deleteBatch and deleteEvery bound how announced entries are removed
	// from the outbox: together, in one statement.
	deleteBatch = 256
	deleteEvery = 100 * time.Millisecond
	// deleteQueue is how many announced ids may wait for deletion; beyond
	// it an id is left in the outbox and re-announced (idempotently) later.
	deleteQueue = 8192
	// relayTimeout bounds one sweep's or one deletion's store calls.
	relayTimeout = 5 * time.Second
)

// OutboxStore is what the relay needs of the store.
type OutboxStore interface {
	PendingOutbox(ctx context.Context, before time.Time, limit int) ([]*lms.Announcement, error)
	DeleteOutbox(ctx context.Context, ids []int64) error
}

// RelayConfig tunes a Relay; zero fields take the defaults.
type RelayConfig struct {
	Interval time.Duration // see DefaultRelayInterval
	Grace    time.Duration // see DefaultRelayGrace
}

// Relay delivers stored announcements live over the hub: it is the
// course.Announcer the services hand each change to right after storing
// it, and, on every node, Run re-announces whatever is left in the outbox.
// Each announcement is published with an idempotency key made of its id,
// so announcing it twice (two nodes, or a retry after a timeout that did
// publish) reaches subscribers once.
type Relay struct {
	hub   *hub.Hub
	store OutboxStore
	log   zerolog.Logger
	cfg   RelayConfig
	done  chan int64 // announced ids waiting to be deleted
}

var _ course.Announcer = (*Relay)(nil)

// NewRelay returns a relay over h and the outbox in st.
func NewRelay(h *hub.Hub, st OutboxStore, cfg RelayConfig, log zerolog.Logger) *Relay {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultRelayInterval
	}
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultRelayGrace
	}
	return &Relay{hub: h, store: st, log: log.With().Str("component", "relay").Logger(), cfg: cfg,
		done: make(chan int64, deleteQueue)}
}

// errUnknownFeed marks an announcement no node can ever deliver.
var errUnknownFeed = errors.New("rooms: unknown feed")

// Announce delivers a stored announcement now and returns where it landed
// (zero for access changes). It fails fast when the broker is down; the
// announcement then stays in the outbox for Run.
func (r *Relay) Announce(ctx context.Context, a *lms.Announcement) (lms.FeedPosition, error) {
	pos, err := r.announce(ctx, a)
	if err == nil || errors.Is(err, errUnknownFeed) {
		r.forget(a.ID)
	}
	return pos, err
}

// announce publishes a on its topic, or re-checks the subscriptions its
// access change affects.
func (r *Relay) announce(ctx context.Context, a *lms.Announcement) (lms.FeedPosition, error) {
	if a.Feed.Kind == lms.FeedAccess {
		var ch lms.AccessChange
		if err := json.Unmarshal(a.Data, &ch); err != nil {
			r.log.Error().Err(err).Int64("announcement", a.ID).Msg("unreadable access change dropped")
			return lms.FeedPosition{}, errUnknownFeed
		}
		user := ""
		if ch.UserID != 0 {
			user = strconv.FormatInt(ch.UserID, 10)
		}
		return lms.FeedPosition{}, r.hub.Recheck(ctx, user, CourseScope(a.Feed.ID))
	}
	topic, ok := FeedTopic(a.Feed)
	if !ok {
		r.log.Error().Str("feed", string(a.Feed.Kind)).Int64("announcement", a.ID).Msg("announcement on an unknown feed dropped")
		return lms.FeedPosition{}, errUnknownFeed
	}
	pos, err := r.hub.PublishWith(ctx, topic, a.Data, hub.PublishOptions{IdempotencyKey: announcementKey(a)})
	if err != nil {
		return lms.FeedPosition{}, err
	}
	return lms.FeedPosition{Epoch: pos.Epoch, Offset: pos.Offset}, nil
}

// announcementKey is an announcement's idempotency key: its id, and its
// time so a database restarted from empty never reuses a key still
// remembered by the broker.
func announcementKey(a *lms.Announcement) string {
	return fmt.Sprintf("announce:%d:%d", a.ID, a.CreatedAt.UnixMilli())
}

// forget queues an announced id for deletion (without blocking: a full
// queue leaves it to be re-announced, which is idempotent).
func (r *Relay) forget(id int64) {
	select {
	case r.done <- id:
	default:
	}
}

// Run re-announces what is left in the outbox every Interval and deletes
// what was announced, until ctx ends.
func (r *Relay) Run(ctx context.Context) {
	sweep := time.NewTicker(r.cfg.Interval)
	defer sweep.Stop()
	flush := time.NewTicker(deleteEvery)
	defer flush.Stop()
	var batch []int64
	deleteNow := func() {
		if len(batch) == 0 {
			return
		}
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), relayTimeout)
		defer cancel()
		if err := r.store.DeleteOutbox(dctx, batch); err != nil {
			// They stay and are re-announced, idempotently.
			r.log.Warn().Err(err).Int("announcements", len(batch)).Msg("deleting announced entries from the outbox")
		}
		batch = batch[:0]
	}
	defer deleteNow()
	for {
		select {
		case <-ctx.Done():
			for {
				select {
				case id := <-r.done:
					batch = append(batch, id)
				default:
					return
				}
			}
		case id := <-r.done:
			if batch = append(batch, id); len(batch) >= deleteBatch {
				deleteNow()
			}
		case <-flush.C:
			deleteNow()
		case <-sweep.C:
			batch = append(batch, r.sweep(ctx)...)
			deleteNow()
		}
	}
}

// sweep re-announces the announcements older than the grace period, in
// order, and returns the ids it announced. It stops at the first failure
// (the broker is down: the next sweep tries again).
func (r *Relay) sweep(ctx context.Context) []int64 {
	ctx, cancel := context.WithTimeout(ctx, relayTimeout)
	defer cancel()
	list, err := r.store.PendingOutbox(ctx, time.Now().Add(-r.cfg.Grace), relayBatch)
	if err != nil {
		r.log.Warn().Err(err).Msg("reading the outbox")
		return nil
	}
	var ids []int64
	for _, a := range list {
		_, err := r.announce(ctx, a)
		if err != nil && !errors.Is(err, errUnknownFeed) {
			r.log.Warn().Err(err).Int64("announcement", a.ID).Int("left", len(list)-len(ids)).
				Msg("re-announcing stored changes failed; retrying at the next sweep")
			break
		}
		ids = append(ids, a.ID)
	}
	if len(ids) > 0 {
		r.log.Info().Int("announcements", len(ids)).Msg("re-announced stored changes left in the outbox")
	}
	return ids
}
