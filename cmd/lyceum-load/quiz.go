package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Quiz defaults (issue 9's benchmark: 500 learners start the same quiz
// within 10 s and answer 10 questions each, autosaving every answer).
const (
	defaultQuizLearners  = 500
	defaultQuizQuestions = 10
	defaultQuizRamp      = 10 * time.Second
	defaultQuizTimeLimit = 30 * time.Minute
	maxQuizLearners      = 5000
	maxQuizQuestions     = 100
	quizChoices          = 4 // choices per single-choice question
	quizCheckConcurrency = 8 // attempts read back at once
)

// quizKinds are the request kinds the quiz mode measures, in order.
var quizKinds = []string{"start", "answer", "submit"}

// quizResult is the outcome of the quiz mode.
type quizResult struct {
	URL          string                    `json:"url"`
	CourseID     int64                     `json:"course_id"`
	QuizID       int64                     `json:"quiz_id"`
	Learners     int                       `json:"learners"`
	Questions    int                       `json:"questions"`
	RampS        float64                   `json:"ramp_seconds"`
	ThinkS       float64                   `json:"think_seconds"`
	SetupSeconds float64                   `json:"setup_seconds"`
	Seconds      float64                   `json:"seconds"`
	Started      int                       `json:"started"`
	Submitted    int                       `json:"submitted"`
	Requests     uint64                    `json:"requests"`
	PerSecond    float64                   `json:"requests_per_second"`
	Errors       map[string]uint64         `json:"errors"` // per kind
	FirstError   string                    `json:"first_error,omitempty"`
	Latency      map[string]LatencySummary `json:"latency"` // per kind and "all"
	Acked        int                       `json:"acked"`   // answers answered 2xx
	Stored       int                       `json:"stored"`  // answers read back from the database
	// Lost counts acknowledged answers the database does not hold (or holds
	// with another choice); Unacked counts stored answers whose request was
	// not acknowledged (a timeout after the commit: not a loss).
	Lost     int      `json:"lost"`
	Unacked  int      `json:"unacked"`
	CheckErr string   `json:"check_error,omitempty"`
	CPU      cpuStats `json:"cpu"`
	OK       bool     `json:"ok"`
}

func (r *quizResult) summary(w io.Writer) {
	fmt.Fprintf(w, "quiz: %d learners x %d single-choice questions on %s, starts spread over %.1fs, think %.2fs\n",
		r.Learners, r.Questions, r.URL, r.RampS, r.ThinkS)
	fmt.Fprintf(w, "  setup %.1fs; run %.1fs: %d requests (%.0f/s); started %d, submitted %d\n",
		r.SetupSeconds, r.Seconds, r.Requests, r.PerSecond, r.Started, r.Submitted)
	for _, k := range append(append([]string{}, quizKinds...), "all") {
		l := r.Latency[k]
		fmt.Fprintf(w, "  %-6s n %5d  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms  errors %d\n",
			k, l.Count, l.P50MS, l.P90MS, l.P99MS, l.MaxMS, r.Errors[k])
	}
	if r.FirstError != "" {
		fmt.Fprintf(w, "  first error: %s\n", r.FirstError)
	}
	fmt.Fprintf(w, "  answers: acked %d, stored %d, lost %d, stored but not acked %d %s\n",
		r.Acked, r.Stored, r.Lost, r.Unacked, r.CheckErr)
	fmt.Fprintf(w, "  CPU: tool %.0f%%, server %.0f%%\n", 100*r.CPU.ToolCPUUtil, 100*r.CPU.ServerCPUUtil)
	verdict := "PASS: every acknowledged answer is in the database, no request failed"
	if !r.OK {
		verdict = "FAIL: see the counts above"
	}
	fmt.Fprintf(w, "  %s\n", verdict)
}

// quizOptions are the quiz mode's flags.
type quizOptions struct {
	learners  int
	questions int
	ramp      time.Duration
	think     time.Duration
	timeLimit time.Duration
	fixtureFlags
}

func parseQuizFlags(c *common, args []string) (*quizOptions, error) {
	fs := c.flags("A quiz taken by many learners at once: setup (not measured) creates, as the administrator, a\n" +
		"published course with a module, a lesson, -questions single-choice questions and one published quiz\n" +
		"with a time limit at that lesson, and -learners learner accounts (each with its own API token). Then\n" +
		"every learner starts an attempt (starts spread evenly over -ramp), autosaves one answer per question\n" +
		"(PATCH /api/v1/attempts/{id}/slots/{slot}, -think apart) and submits. Latency per request kind;\n" +
		"afterwards every attempt is read back as the administrator and its stored answers compared with the\n" +
		"answers acknowledged (2xx): lost must be 0.")
	o := &quizOptions{}
	fs.IntVar(&o.learners, "learners", defaultQuizLearners, "learner accounts, one attempt each")
	fs.IntVar(&o.questions, "questions", defaultQuizQuestions, "single-choice questions in the quiz")
	fs.DurationVar(&o.ramp, "ramp", defaultQuizRamp, "the learners' starts are spread evenly over this time")
	fs.DurationVar(&o.think, "think", 0, "pause between a learner's requests (0: back to back)")
	fs.DurationVar(&o.timeLimit, "time-limit", defaultQuizTimeLimit, "the quiz's time limit")
	o.define(fs)
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	if err := o.parsed(); err != nil {
		return nil, err
	}
	if err := checkCount("learners", o.learners, maxQuizLearners); err != nil {
		return nil, err
	}
	if err := checkCount("questions", o.questions, maxQuizQuestions); err != nil {
		return nil, err
	}
	if err := checkDuration("ramp", o.ramp); err != nil {
		return nil, err
	}
	if o.think < 0 || o.think > time.Minute {
		return nil, errors.New("-think must be in [0, 1m]")
	}
	if o.timeLimit < time.Minute || o.timeLimit > 24*time.Hour {
		return nil, errors.New("-time-limit must be in [1m, 24h]")
	}
	return o, nil
}

// quizFixture is what the quiz setup made.
type quizFixture struct {
	chatFixture       // the course and the learners (Rooms unused)
	QuizID      int64 // the published quiz
}

// setupQuiz creates the course, its module and lesson, the questions, the
// quiz and the learners.
func setupQuiz(ctx context.Context, admin *apiClient, run string, o *quizOptions, progress func(string)) (*quizFixture, error) {
	fx := &quizFixture{}
	var err error
	if fx.CourseID, err = createCourse(ctx, admin, "Load quiz "+run, "LOADQ-"+run); err != nil {
		return fx, err
	}
	coursePath := "/api/v1/courses/" + strconv.FormatInt(fx.CourseID, 10)
	var module, lesson, cat struct {
		ID int64 `json:"id"`
	}
	if _, err := admin.call(ctx, http.MethodPost, coursePath+"/modules",
		map[string]string{"title": "Load module"}, &module, http.StatusCreated); err != nil {
		return fx, fmt.Errorf("creating the module: %w", err)
	}
	if _, err := admin.call(ctx, http.MethodPost, "/api/v1/modules/"+strconv.FormatInt(module.ID, 10)+"/lessons",
		map[string]any{"title": "Load quiz", "body_md": "The quiz of the load run.", "draft": false}, &lesson,
		http.StatusCreated); err != nil {
		return fx, fmt.Errorf("creating the lesson: %w", err)
	}
	if _, err := admin.call(ctx, http.MethodPost, coursePath+"/question-categories",
		map[string]string{"name": "Load"}, &cat, http.StatusCreated); err != nil {
		return fx, fmt.Errorf("creating the category: %w", err)
	}
	slots := make([]map[string]any, o.questions)
	for i := range o.questions {
		choices := make([]map[string]any, quizChoices)
		for j := range choices {
			fraction := 0.0
			if j == 0 {
				fraction = 1
			}
			choices[j] = map[string]any{"id": fmt.Sprintf("c%d", j+1), "text_md": fmt.Sprintf("Answer %d", j+1),
				"fraction": fraction}
		}
		var q struct {
			FamilyID int64 `json:"family_id"`
		}
		if _, err := admin.call(ctx, http.MethodPost, coursePath+"/questions", map[string]any{
			"category_id": cat.ID, "type": "single", "title": fmt.Sprintf("Load question %d", i+1),
			"text_md": fmt.Sprintf("Question %d: which answer?", i+1), "default_points": 1,
			"body": map[string]any{"choice": map[string]any{"shuffle": true, "choices": choices}},
		}, &q, http.StatusCreated); err != nil {
			return fx, fmt.Errorf("creating question %d: %w", i+1, err)
		}
		slots[i] = map[string]any{"family_id": q.FamilyID, "points": 1}
	}
	var quiz struct {
		ID int64 `json:"id"`
	}
	if _, err := admin.call(ctx, http.MethodPost, coursePath+"/quizzes", map[string]any{
		"title": "Load quiz", "lesson_id": lesson.ID, "draft": false, "slots": slots, "shuffle_answers": true,
		"time_limit_seconds": int(o.timeLimit.Seconds()), "attempts_allowed": 1, "grading_method": "highest",
		"behaviour": "deferred",
	}, &quiz, http.StatusCreated); err != nil {
		return fx, fmt.Errorf("creating the quiz: %w", err)
	}
	fx.QuizID = quiz.ID
	progress(fmt.Sprintf("course %d with quiz %d of %d questions", fx.CourseID, fx.QuizID, o.questions))
	fx.Members, err = enrolMembers(ctx, admin, coursePath, run, o.learners, progress)
	return fx, err
}

// attemptView is the part of an AttemptView the quiz mode reads.
type attemptView struct {
	Attempt struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	} `json:"attempt"`
	Slots []struct {
		Slot int `json:"slot"`
		View struct {
			Choices []struct {
				ID string `json:"id"`
			} `json:"choices"`
		} `json:"view"`
		Response *struct {
			Choices []string `json:"choices"`
		} `json:"response"`
	} `json:"slots"`
}

// quizRun is the shared state of the learners during a run.
type quizRun struct {
	latency  map[string]*Recorder // per kind
	all      *Recorder
	errs     map[string]*atomic.Uint64
	requests atomic.Uint64
	started  atomic.Int64
	answered atomic.Int64 // acknowledged answers
	done     atomic.Int64 // submitted
	errMu    sync.Mutex
	firstErr string
}

func newQuizRun() *quizRun {
	r := &quizRun{latency: map[string]*Recorder{}, all: NewRecorder(), errs: map[string]*atomic.Uint64{}}
	for _, k := range quizKinds {
		r.latency[k] = NewRecorder()
		r.errs[k] = &atomic.Uint64{}
	}
	return r
}

// timed sends one request of kind for learner i and records its latency
// or its error; it reports whether it succeeded.
func (r *quizRun) timed(ctx context.Context, kind string, i int, a *apiClient, method, path string, in, out any, want int) bool {
	t0 := time.Now()
	_, err := a.call(ctx, method, path, in, out, want)
	el := time.Since(t0)
	r.requests.Add(1)
	if err != nil {
		r.errs[kind].Add(1)
		r.errMu.Lock()
		if r.firstErr == "" {
			r.firstErr = fmt.Sprintf("%s: %v", kind, err)
		}
		r.errMu.Unlock()
		return false
	}
	r.latency[kind].Record(i, el)
	r.all.Record(i, el)
	return true
}

// learnerOutcome is what one learner did: its attempt and the choice
// (presented id) acknowledged per slot ("" when not acknowledged).
type learnerOutcome struct {
	attemptID int64
	acked     []string
}

// takeQuiz is one learner: start, one autosave per question, submit.
func (r *quizRun) takeQuiz(ctx context.Context, i int, a *apiClient, quizID int64, think time.Duration) learnerOutcome {
	var out learnerOutcome
	var av attemptView
	if !r.timed(ctx, "start", i, a, http.MethodPost, "/api/v1/quizzes/"+strconv.FormatInt(quizID, 10)+"/attempts",
		map[string]any{}, &av, http.StatusCreated) {
		return out
	}
	r.started.Add(1)
	out.attemptID = av.Attempt.ID
	out.acked = make([]string, len(av.Slots))
	attemptPath := "/api/v1/attempts/" + strconv.FormatInt(av.Attempt.ID, 10)
	pause := func() bool {
		if think <= 0 {
			return ctx.Err() == nil
		}
		t := time.NewTimer(think)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
	for s, sl := range av.Slots {
		if !pause() || len(sl.View.Choices) == 0 {
			continue
		}
		choice := sl.View.Choices[(i+s)%len(sl.View.Choices)].ID
		if r.timed(ctx, "answer", i, a, http.MethodPatch, attemptPath+"/slots/"+strconv.Itoa(sl.Slot),
			map[string]any{"answer": map[string]any{"choices": []string{choice}}}, nil, http.StatusOK) {
			out.acked[s] = choice
			r.answered.Add(1)
		}
	}
	if pause() && r.timed(ctx, "submit", i, a, http.MethodPost, attemptPath+"/submit", nil, nil, http.StatusOK) {
		r.done.Add(1)
	}
	return out
}

// checkAnswers reads every attempt back as admin and counts the answers
// stored, lost and stored without acknowledgement.
func checkAnswers(ctx context.Context, admin *apiClient, outs []learnerOutcome, res *quizResult) error {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	sem := make(chan struct{}, quizCheckConcurrency)
	for _, o := range outs {
		if o.attemptID == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var av attemptView
			_, err := admin.call(ctx, http.MethodGet, "/api/v1/attempts/"+strconv.FormatInt(o.attemptID, 10), nil, &av, http.StatusOK)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			stored := map[int]string{}
			for _, sl := range av.Slots {
				if sl.Response != nil && len(sl.Response.Choices) == 1 {
					stored[sl.Slot] = sl.Response.Choices[0]
				}
			}
			res.Stored += len(stored)
			for s, want := range o.acked {
				got, ok := stored[s]
				switch {
				case want != "" && got != want:
					res.Lost++
				case want == "" && ok:
					res.Unacked++
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func runQuiz(ctx context.Context, c *common, args []string) (result, error) {
	o, err := parseQuizFlags(c, args)
	if err != nil {
		return nil, err
	}
	if err := c.checkFiles(o.learners); err != nil {
		return nil, err
	}
	if err := c.authenticate(ctx); err != nil {
		return nil, err
	}
	admin := newAPIClient(c.baseURL, c.token)
	run := runID()
	say, setupStart := c.setupLog()
	fx, err := setupQuiz(ctx, admin, run, o, say)
	if !o.keep {
		defer c.cleanupFixture(ctx, admin, &fx.chatFixture, 5*time.Minute)
	}
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	say("done")
	res := &quizResult{URL: c.baseURL, CourseID: fx.CourseID, QuizID: fx.QuizID, Learners: o.learners,
		Questions: o.questions, RampS: o.ramp.Seconds(), ThinkS: o.think.Seconds(),
		SetupSeconds: time.Since(setupStart).Seconds()}

	// One pooled transport for every learner, as many browsers keep their connections.
	tr := &http.Transport{MaxIdleConns: o.learners, MaxIdleConnsPerHost: o.learners, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: apiTimeout}

	qr := newQuizRun()
	var lastReq uint64
	stop := c.progress(func(time.Duration) string {
		h := qr.all.Interval()
		now := qr.requests.Load()
		var nerr uint64
		for _, e := range qr.errs {
			nerr += e.Load()
		}
		line := fmt.Sprintf("started %d/%d, answers acked %d, submitted %d, %d req/s, p50 %.1f ms p99 %.1f ms max %.1f ms, errors %d",
			qr.started.Load(), o.learners, qr.answered.Load(), qr.done.Load(), now-lastReq,
			ms(h.Quantile(0.5)), ms(h.Quantile(0.99)), ms(h.Max()), nerr)
		lastReq = now
		return line
	})
	cpu := startCPU(o.pids)
	outs := make([]learnerOutcome, o.learners)
	start := time.Now()
	var wg sync.WaitGroup
	for i, m := range fx.Members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := start.Add(o.ramp * time.Duration(i) / time.Duration(o.learners))
			t := time.NewTimer(time.Until(at))
			defer t.Stop()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			a := &apiClient{base: admin.base, hc: hc, token: m.Token}
			outs[i] = qr.takeQuiz(ctx, i, a, fx.QuizID, o.think)
		}()
	}
	wg.Wait()
	el := time.Since(start)
	res.CPU = cpu.stop()
	stop()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	res.Seconds = el.Seconds()
	res.Started, res.Submitted = int(qr.started.Load()), int(qr.done.Load())
	res.Requests, res.PerSecond = qr.requests.Load(), float64(qr.requests.Load())/el.Seconds()
	res.Acked, res.FirstError = int(qr.answered.Load()), qr.firstErr
	res.Errors, res.Latency = map[string]uint64{}, map[string]LatencySummary{"all": qr.all.Total().Summary()}
	var nerr uint64
	for _, k := range quizKinds {
		res.Errors[k] = qr.errs[k].Load()
		res.Latency[k] = qr.latency[k].Total().Summary()
		nerr += res.Errors[k]
	}
	res.Errors["all"] = nerr
	if err := checkAnswers(ctx, admin, outs, res); err != nil {
		res.CheckErr = err.Error()
	}
	res.OK = res.CheckErr == "" && res.Lost == 0 && nerr == 0 && res.Submitted == o.learners &&
		res.Acked == o.learners*o.questions
	return res, nil
}
