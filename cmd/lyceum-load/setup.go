package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Setup through the HTTP API.
const (
	apiTimeout        = 30 * time.Second // one API request during setup or verification
	setupConcurrency  = 4                // accounts created (password hashing) at once
	sessionCookieName = "lyceum_session" // web/api.SessionCookie
	historyPageSize   = 100              // messages per history request (the API's maximum)
	apiErrorBodyMax   = 4 << 10          // bytes of an error answer quoted in errors
)

// apiClient calls the HTTP API as one user: a bearer token or a session cookie.
type apiClient struct {
	base   string
	hc     *http.Client
	token  string
	cookie string
}

// newAPIClient returns a client for base authenticated by token (may be empty).
func newAPIClient(base, token string) *apiClient {
	return &apiClient{base: strings.TrimSuffix(base, "/"), hc: &http.Client{Timeout: apiTimeout}, token: token}
}

// as returns a client for the same server with another token.
func (a *apiClient) as(token string) *apiClient {
	return &apiClient{base: a.base, hc: a.hc, token: token}
}

// call sends in (JSON, nil for no body) and decodes the answer into out
// (nil: discarded); any status other than want is an error quoting the
// problem document. It returns the response (body closed).
func (a *apiClient) call(ctx context.Context, method, path string, in, out any, want int) (*http.Response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, body)
	if err != nil {
		return nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	if a.cookie != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookieName, Value: a.cookie})
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, apiErrorBodyMax))
		return resp, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return resp, fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
	}
	return resp, nil
}

// chatRoom is one room of the load course.
type chatRoom struct {
	ID   int64 `json:"id"`
	Main bool  `json:"main"`
}

// chatMember is one generated account with its personal API token.
type chatMember struct {
	ID       int64
	Username string
	Token    string
}

// chatFixture is what setup made: a published course with its rooms and
// enrolled members.
type chatFixture struct {
	CourseID int64
	Rooms    []chatRoom
	Members  []chatMember
}

// setupChat creates (as the administrator behind admin) a published course
// with nRooms rooms and nMembers learner accounts, each with its own API
// token made by signing in. progress is called after each step.
func setupChat(ctx context.Context, admin *apiClient, run string, nRooms, nMembers int, progress func(string)) (*chatFixture, error) {
	fx := &chatFixture{}
	var err error
	if fx.CourseID, err = createCourse(ctx, admin, "Load chat "+run, "LOAD-"+run); err != nil {
		return fx, err
	}
	coursePath := "/api/v1/courses/" + strconv.FormatInt(fx.CourseID, 10)
	var rooms struct {
		Items []chatRoom `json:"items"`
	}
	if _, err := admin.call(ctx, http.MethodGet, coursePath+"/rooms", nil, &rooms, http.StatusOK); err != nil {
		return fx, err
	}
	for _, r := range rooms.Items {
		if r.Main {
			fx.Rooms = append(fx.Rooms, r)
		}
	}
	if len(fx.Rooms) != 1 {
		return fx, fmt.Errorf("the new course has %d main rooms, want 1", len(fx.Rooms))
	}
	for i := len(fx.Rooms); i < nRooms; i++ {
		var r chatRoom
		if _, err := admin.call(ctx, http.MethodPost, coursePath+"/rooms",
			map[string]string{"name": fmt.Sprintf("Load room %d", i+1)}, &r, http.StatusCreated); err != nil {
			return fx, fmt.Errorf("creating room %d: %w", i+1, err)
		}
		fx.Rooms = append(fx.Rooms, r)
	}
	progress(fmt.Sprintf("course %d with %d rooms", fx.CourseID, len(fx.Rooms)))
	fx.Members, err = enrolMembers(ctx, admin, coursePath, run, nMembers, progress)
	return fx, err
}

// fixtureFlags are the flags of the modes that set up a course through the
// API: whether to keep it, and the server processes to measure.
type fixtureFlags struct {
	keep    bool
	pids    []int
	pidList *string
}

// define adds -keep and -server-pid to fs.
func (f *fixtureFlags) define(fs *flag.FlagSet) {
	fs.BoolVar(&f.keep, "keep", false, "keep the course and the accounts (default: deleted after the check)")
	f.pidList = fs.String("server-pid", "", "server process ids (comma-separated) whose CPU time to report")
}

// parsed reads -server-pid once the flags are parsed.
func (f *fixtureFlags) parsed() (err error) {
	if f.pids, err = parsePids(*f.pidList); err != nil {
		return fmt.Errorf("-server-pid: %w", err)
	}
	return nil
}

// setupLog returns a function printing a setup step on stderr (unless
// -quiet) with the time since the returned start.
func (c *common) setupLog() (say func(string), start time.Time) {
	start = time.Now()
	return func(s string) {
		if !c.quiet {
			fmt.Fprintf(c.stderr, "[setup %5.1fs] %s\n", time.Since(start).Seconds(), s)
		}
	}, start
}

// cleanupFixture deletes what setup made (see cleanupChat), warning on stderr
// when it cannot; it runs even after ctx is cancelled, for at most limit.
func (c *common) cleanupFixture(ctx context.Context, admin *apiClient, fx *chatFixture, limit time.Duration) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), limit)
	defer cancel()
	if err := cleanupChat(cctx, admin, fx); err != nil {
		fmt.Fprintf(c.stderr, "warning: cleaning up: %v\n", err)
	}
}

// createCourse creates a course and publishes it; it returns its id (0 when
// the course could not be created).
func createCourse(ctx context.Context, admin *apiClient, title, code string) (int64, error) {
	var course struct {
		ID int64 `json:"id"`
	}
	if _, err := admin.call(ctx, http.MethodPost, "/api/v1/courses",
		map[string]string{"title": title, "code": code}, &course, http.StatusCreated); err != nil {
		return 0, fmt.Errorf("creating the course: %w", err)
	}
	if _, err := admin.call(ctx, http.MethodPost, "/api/v1/courses/"+strconv.FormatInt(course.ID, 10)+"/visibility",
		map[string]string{"visibility": "published"}, nil, http.StatusOK); err != nil {
		return course.ID, fmt.Errorf("publishing the course: %w", err)
	}
	return course.ID, nil
}

// enrolMembers creates n learner accounts in the course at coursePath,
// setupConcurrency at a time, each with its own API token (see
// setupMember). The accounts made are returned even on error (zero IDs
// where one failed) so they can be deleted.
func enrolMembers(ctx context.Context, admin *apiClient, coursePath, run string, n int, progress func(string)) ([]chatMember, error) {
	members := make([]chatMember, n)
	var (
		wg    sync.WaitGroup
		done  atomic.Int64
		errMu sync.Mutex
		errs  []error
	)
	sem := make(chan struct{}, setupConcurrency)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			m, err := setupMember(ctx, admin, coursePath, fmt.Sprintf("load-%s-%d", run, i+1))
			if err != nil {
				errMu.Lock()
				errs = append(errs, fmt.Errorf("member %d: %w", i+1, err))
				errMu.Unlock()
				return
			}
			members[i] = m
			if k := done.Add(1); k%10 == 0 || int(k) == n {
				progress(fmt.Sprintf("%d/%d members enrolled with tokens", k, n))
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return members, fmt.Errorf("%d of %d members failed: %w", len(errs), n, errs[0])
	}
	return members, nil
}

// setupMember creates one learner account, enrols it, signs in as it and
// creates its personal API token.
func setupMember(ctx context.Context, admin *apiClient, coursePath, username string) (chatMember, error) {
	password := randomHex(12)
	var u struct {
		ID int64 `json:"id"`
	}
	if _, err := admin.call(ctx, http.MethodPost, "/api/v1/admin/users", map[string]string{
		"email": username + "@example.invalid", "username": username, "name": "Load " + username, "password": password,
	}, &u, http.StatusCreated); err != nil {
		return chatMember{}, err
	}
	if _, err := admin.call(ctx, http.MethodPost, coursePath+"/members",
		map[string]string{"login": username, "role": "learner"}, nil, http.StatusCreated); err != nil {
		return chatMember{}, err
	}
	anon := admin.as("")
	resp, err := anon.call(ctx, http.MethodPost, "/api/v1/auth/login",
		map[string]string{"login": username, "password": password}, nil, http.StatusOK)
	if err != nil {
		return chatMember{}, err
	}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookieName {
			anon.cookie = c.Value
		}
	}
	if anon.cookie == "" {
		return chatMember{}, errors.New("the login answer set no session cookie")
	}
	var tok struct {
		Token string `json:"token"`
	}
	if _, err := anon.call(ctx, http.MethodPost, "/api/v1/me/tokens",
		map[string]any{"name": "lyceum-load chat", "expires_in_days": 1}, &tok, http.StatusCreated); err != nil {
		return chatMember{}, err
	}
	if tok.Token == "" {
		return chatMember{}, errors.New("no token in the answer of POST /api/v1/me/tokens")
	}
	return chatMember{ID: u.ID, Username: username, Token: tok.Token}, nil
}

// storedMessage is the part of a stored message the check needs.
type storedMessage struct {
	ID       int64  `json:"id"`
	AuthorID int64  `json:"author_id"`
	Body     string `json:"body"`
}

// roomHistory reads a room's whole history, newest page first, through
// GET /api/v1/rooms/{id}/messages.
func roomHistory(ctx context.Context, a *apiClient, roomID int64) ([]storedMessage, error) {
	var all []storedMessage
	before := int64(0)
	for {
		path := fmt.Sprintf("/api/v1/rooms/%d/messages?limit=%d", roomID, historyPageSize)
		if before != 0 {
			path += "&before=" + strconv.FormatInt(before, 10)
		}
		var page struct {
			Items   []storedMessage `json:"items"`
			HasMore bool            `json:"has_more"`
		}
		if _, err := a.call(ctx, http.MethodGet, path, nil, &page, http.StatusOK); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if !page.HasMore || len(page.Items) == 0 {
			return all, nil
		}
		before = page.Items[0].ID // pages are oldest first
	}
}

// cleanupChat deletes the course (and with it its rooms and messages) and
// the generated accounts.
func cleanupChat(ctx context.Context, admin *apiClient, fx *chatFixture) error {
	var errs []error
	if fx.CourseID != 0 {
		if _, err := admin.call(ctx, http.MethodDelete, "/api/v1/courses/"+strconv.FormatInt(fx.CourseID, 10),
			nil, nil, http.StatusNoContent); err != nil {
			errs = append(errs, err)
		}
	}
	for _, m := range fx.Members {
		if m.ID == 0 {
			continue
		}
		if _, err := admin.call(ctx, http.MethodDelete, "/api/v1/admin/users/"+strconv.FormatInt(m.ID, 10),
			nil, nil, http.StatusNoContent); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
