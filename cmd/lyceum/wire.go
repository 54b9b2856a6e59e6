package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/internal/assign"
	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/calendar"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/demo"
	"github.com/lyceumhq/lyceum/internal/privacy"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/userimport"
	"github.com/lyceumhq/lyceum/rooms"
	"github.com/lyceumhq/lyceum/web/api"
	"github.com/lyceumhq/lyceum/web/app"
)

// How often background sweeps run.
const (
	sessionPruneInterval = time.Hour // expired sessions and failed sign-in counters
	uploadSweepInterval  = time.Hour // uploads no lesson, message or profile refers to any more
)

// setupLinkPrefix starts the plain line that shows the setup link (README.md
// quotes it).
const setupLinkPrefix = "setup link: "

// newCourses builds the course rules with uploads under the data directory.
func newCourses(cfg *Config, db backend, ann course.Announcer, log zerolog.Logger) (*course.Services, error) {
	svc, err := course.NewServices(course.Params{
		Store:     db,
		Logger:    log.With().Str("component", "course").Logger(),
		Announcer: ann,
		Uploads:   course.UploadParams{Dir: filepath.Join(cfg.DataDir, "uploads"), Limits: cfg.UploadLimits},
	})
	if err != nil {
		return nil, fmt.Errorf("courses: %w", err)
	}
	return svc, nil
}

// wire builds the services and the public HTTP handler. Background work it
// starts is stopped through n.shutdowns.
func (n *node) wire(ctx context.Context) (http.Handler, error) {
	// Build the hub first, then what announces through it, then the policy
	// that decides over the services, and register the policy on the hub
	// before it serves anyone.
	h, err := n.startHub()
	if err != nil {
		return nil, err
	}
	n.startGCRelaxer(ctx, h.Crowded)
	relay := n.startRelay(ctx, h)
	jobRunner, err := n.newJobRunner() // services register their job kinds on it; it starts last
	if err != nil {
		return nil, err
	}
	courses, err := newCourses(n.cfg, n.db, relay, n.log)
	if err != nil {
		return nil, err
	}
	reminders := n.registerReminders(jobRunner, courses)
	jobRunner.Register(course.AnnouncementJobKind, courses.Announcements.HandleJob) // posts and notifies
	email, err := n.useEmail(ctx, n.db, jobRunner, courses.Notifications, nil)
	if err != nil {
		return nil, err
	}
	gr, err := n.newGrading(courses, h) // registers its upload readers: before serving anyone
	if err != nil {
		return nil, err
	}
	// Upgrades and subscribes read credentials and accounts through one
	// cache, emptied on every node by the announcements that close revoked
	// sockets (the policy's Invalidated hook).
	accounts, err := auth.NewCache(auth.CacheParams{Users: n.db})
	if err != nil {
		return nil, err
	}
	policy := rooms.NewPolicy(rooms.PolicyParams{Chat: courses.Chat, Discussions: courses.Discussion,
		Access: courses.Access, Users: accounts, Cache: accounts, Log: n.log.With().Str("component", "rooms").Logger()})
	video, err := n.startVideo(h, policy, reminders)
	if err != nil {
		return nil, err
	}
	liveQuiz, quizLive, err := n.startLiveQuiz(h, policy, courses, gr.book, jobRunner)
	if err != nil {
		return nil, err
	}
	h.SetHooks(quizLive.Hooks(video.Hooks(policy.Hooks())))
	live := rooms.NewLive(h, n.log.With().Str("component", "rooms").Logger())
	svc, err := auth.New(ctx, auth.Params{Store: store.Scope[auth.Store](n.db), Logger: n.log.With().Str("component", "auth").Logger(), Events: live,
		Cache: accounts, Hash: n.cfg.passwordHash})
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	// The demo seeds first: when it creates the administrator, there is no
	// setup link to show.
	if n.cfg.Demo {
		acc, err := demo.Seed(ctx, demo.Params{Auth: svc, Courses: courses, Store: n.db, Log: n.log})
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		n.log.Warn().Int64("course_id", acc.CourseID).Msg("demo site ready: sign in with one of the demo accounts")
		if err := acc.Print(n.out); err != nil {
			return nil, fmt.Errorf("demo: print the accounts: %w", err)
		}
	}
	if token, needed, err := svc.EnsureSetupToken(ctx); err != nil {
		return nil, fmt.Errorf("auth: setup token: %w", err)
	} else if needed {
		link := n.cfg.PublicURL + "/setup?token=" + token
		n.log.Warn().Str("setup_url", link).
			Msg("no administrator yet: open the setup link to create the first one (it works once)")
		fmt.Fprintln(n.out, setupLinkPrefix+link)
	}
	imports, err := userimport.New(userimport.Params{Store: n.db, Auth: svc, PublicURL: n.cfg.PublicURL,
		Logger: n.log.With().Str("component", "userimport").Logger()})
	if err != nil {
		return nil, err
	}
	// Assessments report grades to the one gradebook (which announces
	// them); their jobs run on the node's runner (registered before it
	// starts, below).
	quizzes, err := n.newAssess(courses, gr.book, jobRunner)
	if err != nil {
		return nil, err
	}
	cal, err := calendar.New(calendar.Params{Store: calendar.FromStore(n.db), Access: courses.Access,
		Logger: n.log.With().Str("component", "calendar").Logger(), Reminders: true})
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	priv, err := privacy.New(privacy.Params{Store: privacy.FromStore(n.db),
		Files:    assign.DirFiles{Uploads: n.db, Dir: filepath.Join(n.cfg.DataDir, "uploads")},
		Sessions: live, Logger: n.log.With().Str("component", "privacy").Logger()})
	if err != nil {
		return nil, fmt.Errorf("privacy: %w", err)
	}
	reps, err := n.newReports(courses, gr.book, quizzes, h)
	if err != nil {
		return nil, err
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
		Logger:         n.log,
		PublicURL:      n.cfg.PublicURL,
		SecureCookies:  strings.HasPrefix(n.cfg.PublicURL, "https://"),
		App:            n.appHandler(),
		WS:             live,
		Courses:        courses,
		UserImport:     imports,
		Assess:         quizzes,
		Assign:         gr.assign,
		Grades:         gr.book,
		LiveQuiz:       liveQuiz,
		QuizGuestWS:    guestSocket(h),
		Calendar:       cal,
		Privacy:        priv,
		Reports:        reps,
		MaxUploadBytes: maxUploadRequest(n.cfg.UploadLimits),
		Metrics:        metrics,
		ClientIPHeader: ipHeader,
		Unsubscribe:    email.links,
		Mail:           email.admin,
	})
	if err != nil {
		return nil, err
	}
	if err := importLegacyAvatars(ctx, n.db, courses.Uploads, svc, n.cfg.DataDir, n.log); err != nil {
		return nil, err
	}
	n.every(ctx, uploadSweepInterval, func(ctx context.Context) {
		if k, err := courses.Uploads.SweepUploads(ctx); err != nil {
			n.log.Warn().Err(err).Msg("sweeping unreferenced uploads")
		} else if k > 0 {
			n.log.Info().Int("uploads", k).Msg("removed unreferenced uploads")
		}
	})
	n.every(ctx, sessionPruneInterval, func(ctx context.Context) {
		if k, err := svc.PruneSessions(ctx); err != nil {
			n.log.Warn().Err(err).Msg("pruning expired sessions")
		} else if k > 0 {
			n.log.Info().Int("sessions", k).Msg("pruned expired sessions")
		}
		if k, err := svc.PruneLoginFailures(ctx); err != nil {
			n.log.Warn().Err(err).Msg("pruning failed sign-in counters")
		} else if k > 0 {
			n.log.Info().Int("counters", k).Msg("pruned failed sign-in counters")
		}
	})
	n.startJobs(ctx, jobRunner)
	return a.Handler(), nil
}

// operatorLive is what an operator command announces account changes
// through, as the API does (rooms.Live: revoked sessions close their
// sockets, changed accounts re-check their subscriptions, and every node
// drops its cached credentials on the same control messages). It reaches
// the running nodes through Redis, so it returns nil Events (nothing to
// tell) when none is configured or it does not answer: a single node keeps
// its broker in process, and sees the change when its cache entries expire
// (auth.DefaultCacheTTL). release closes the hub and the Redis client.
func operatorLive(ctx context.Context, cfg *Config, log zerolog.Logger) (events auth.Events, release func(), err error) {
	none := func() {}
	if cfg.RedisURL == "" {
		return nil, none, nil
	}
	rdb, err := openRedis(ctx, cfg)
	if err != nil {
		log.Warn().Err(err).Msg("running servers cannot be told of this change; they see it within " + cacheTTLText)
		return nil, none, nil
	}
	h, stop, err := newHub(hub.Config{NodeID: cfg.NodeID + "-cli"}, cfg, rdb, log, prometheus.NewRegistry())
	if err != nil {
		rdb.Close()
		return nil, none, err
	}
	return rooms.NewLive(h, log.With().Str("component", "rooms").Logger()), func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
		defer cancel()
		_ = stop(sctx) // the command's hub has no sockets to close
		rdb.Close()
	}, nil
}

// cacheTTLText is how late a node that was not told sees an account change.
var cacheTTLText = fmt.Sprintf("%d s", int(auth.DefaultCacheTTL/time.Second))

// background runs fn in a goroutine of its own until the node shuts down:
// the shutdown cancels fn's context and waits for fn to return.
func (n *node) background(ctx context.Context, fn func(context.Context)) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(ctx)
	}()
	n.shutdowns = append(n.shutdowns, func(context.Context) { cancel(); <-done })
}

// every runs fn every interval until the node shuts down.
func (n *node) every(ctx context.Context, interval time.Duration, fn func(context.Context)) {
	n.background(ctx, func(ctx context.Context) {
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
	})
}

// maxUploadRequest is the largest upload request body: the largest per-kind
// limit (or the default video limit) plus room for multipart framing.
func maxUploadRequest(limits map[string]int64) int64 {
	largest := int64(course.DefaultVideoLimit)
	for _, v := range limits {
		largest = max(largest, v)
	}
	return largest + 1<<20
}

// appHandler is the browser app's handler: the configured one (tests), or
// a new one.
func (n *node) appHandler() http.Handler {
	if n.cfg.app != nil {
		return n.cfg.app
	}
	return app.Handler()
}
