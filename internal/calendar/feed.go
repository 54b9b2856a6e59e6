package calendar

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"net/url"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// The feed's window around now: what a calendar app subscribed to the
// feed shows.
const (
	FeedPast   = 30 * 24 * time.Hour
	FeedFuture = 365 * 24 * time.Hour
)

// FeedTokenPrefix starts every feed token (so a leaked one is recognisable).
const FeedTokenPrefix = "lyc_cal_"

// FeedStatus says whether the caller has a feed URL. The URL itself is
// shown once, when it is made: only its hash is stored.
type FeedStatus struct {
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	// Token is set only in the answer of ResetFeed.
	Token string `json:"-"`
}

// hashFeedToken is what the store keeps of a token.
func hashFeedToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Feed says whether the caller has a feed URL.
func (s *Service) Feed(ctx context.Context, actor *lms.User) (*FeedStatus, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	at, err := s.store.CalendarFeedOf(ctx, actor.ID)
	switch {
	case lms.IsCode(err, lms.ENOTFOUND):
		return &FeedStatus{}, nil
	case err != nil:
		return nil, err
	}
	return &FeedStatus{Active: true, CreatedAt: at}, nil
}

// ResetFeed makes a new feed token for the caller (the old URL stops
// working) and returns it in the status (shown once).
func (s *Service) ResetFeed(ctx context.Context, actor *lms.User) (*FeedStatus, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	token := FeedTokenPrefix + rand.Text()
	now := s.now().UTC().Truncate(time.Millisecond)
	err := s.store.InTx(ctx, func(st Store) error {
		if err := st.PutCalendarFeed(ctx, actor.ID, hashFeedToken(token), now); err != nil {
			return err
		}
		return st.AppendAudit(ctx, &lms.AuditEntry{At: now, ActorID: actor.ID, Action: lms.AuditFeedReset,
			Target: fmt.Sprintf("user:%d", actor.ID), IP: lms.ClientFrom(ctx).IP})
	})
	if err != nil {
		return nil, err
	}
	return &FeedStatus{Active: true, CreatedAt: now, Token: token}, nil
}

// DeleteFeed turns the caller's feed off (its URL stops working).
func (s *Service) DeleteFeed(ctx context.Context, actor *lms.User) error {
	if err := requireUser(actor); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(st Store) error {
		if err := st.DeleteCalendarFeed(ctx, actor.ID); err != nil {
			return err
		}
		return st.AppendAudit(ctx, &lms.AuditEntry{At: s.now().UTC(), ActorID: actor.ID, Action: lms.AuditFeedDelete,
			Target: fmt.Sprintf("user:%d", actor.ID), IP: lms.ClientFrom(ctx).IP})
	})
}

// FeedICS renders the calendar of the token's owner as iCalendar, for the
// window around now; siteURL prefixes the links and names the UIDs'
// domain. An unknown token, or one of a disabled account, is ENOTFOUND.
func (s *Service) FeedICS(ctx context.Context, token, siteName, siteURL string) ([]byte, error) {
	notFound := lms.Errorf(lms.ENOTFOUND, "No calendar feed has this address; it may have been reset.")
	if len(token) < len(FeedTokenPrefix) || token[:len(FeedTokenPrefix)] != FeedTokenPrefix {
		return nil, notFound
	}
	id, err := s.store.CalendarFeedUser(ctx, hashFeedToken(token))
	if lms.IsCode(err, lms.ENOTFOUND) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	u, err := s.store.UserByID(ctx, id)
	if lms.IsCode(err, lms.ENOTFOUND) || (err == nil && u.Disabled) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	items, err := s.Items(ctx, u, Range{From: now.Add(-FeedPast), To: now.Add(FeedFuture)})
	if err != nil {
		return nil, err
	}
	host := "lyceum"
	if pu, err := url.Parse(siteURL); err == nil && pu.Hostname() != "" {
		host = pu.Hostname()
	}
	who := u.Name
	if who == "" {
		who = u.Username
	}
	f := &Feed{Name: siteName + " — " + who, Host: host, BaseURL: siteURL, Stamp: now, Items: items.Items}
	return f.ICS(), nil
}
