package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/web/api"
	"github.com/lyceumhq/lyceum/web/app"
)

// sessionPruneInterval is how often expired sessions are swept.
const sessionPruneInterval = time.Hour

// wire builds the services and the public HTTP handler. Background work it
// starts is stopped through n.shutdowns.
func (n *node) wire(ctx context.Context) (http.Handler, error) {
	live, err := n.startLive()
	if err != nil {
		return nil, err
	}
	svc, err := auth.New(ctx, auth.Params{Store: n.db, Logger: n.log.With().Str("component", "auth").Logger(), Events: live})
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	if token, needed, err := svc.EnsureSetupToken(ctx); err != nil {
		return nil, fmt.Errorf("auth: setup token: %w", err)
	} else if needed {
		n.log.Warn().Str("setup_url", n.cfg.PublicURL+"/setup?token="+token).
			Msg("no administrator yet: open the setup link to create the first one (it works once)")
	}
	metrics, err := api.NewMetrics(n.reg)
	if err != nil {
		return nil, err
	}
	ipHeader := ""
	if n.cfg.TrustProxy {
		ipHeader = "X-Forwarded-For"
	}
	a, err := api.New(api.Params{
		Auth:           svc,
		Store:          n.db,
		Logger:         n.log,
		PublicURL:      n.cfg.PublicURL,
		SecureCookies:  strings.HasPrefix(n.cfg.PublicURL, "https://"),
		DataDir:        n.cfg.DataDir,
		App:            app.Handler(),
		WS:             live,
		Metrics:        metrics,
		ClientIPHeader: ipHeader,
	})
	if err != nil {
		return nil, err
	}
	n.every(ctx, sessionPruneInterval, func(ctx context.Context) {
		if k, err := svc.PruneSessions(ctx); err != nil {
			n.log.Warn().Err(err).Msg("pruning expired sessions")
		} else if k > 0 {
			n.log.Info().Int("sessions", k).Msg("pruned expired sessions")
		}
	})
	return a.Handler(), nil
}

// every runs fn every interval until the node shuts down.
func (n *node) every(ctx context.Context, interval time.Duration, fn func(context.Context)) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fn(ctx)
			}
		}
	}()
	n.shutdowns = append(n.shutdowns, func(context.Context) { cancel(); <-done })
}
