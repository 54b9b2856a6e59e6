package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/calendar"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// calendarRoutes lists the calendar routes (docs/api.md, section
// Calendar): the caller's items in a range, course events, and the iCal
// feed at a secret URL (public: the token is the credential).
func (a *API) calendarRoutes() []route {
	p := Prefix
	return []route{
		{Method: "GET", Path: p + "/calendar", Summary: "Every dated thing across your courses in a range", Auth: authUser,
			Resp: calendar.Items{}, Status: 200, Handler: a.getCalendar,
			Query: []queryParam{{"from", "string", "start of the range (RFC 3339; default now)"},
				{"to", "string", "end of the range, excluded (RFC 3339; default from + 31 days; at most 400 days after from)"},
				{"course_id", "integer", "only this course (staff and admins see its drafts)"}}},
		{Method: "POST", Path: p + "/courses/{id}/events", Summary: "Add a course event (or a scheduled live session)", Auth: authUser,
			Req: calendar.EventInput{}, Resp: lms.CourseEvent{}, Status: 201, Handler: a.postEvent},
		{Method: "GET", Path: p + "/events/{id}", Summary: "A course event", Auth: authUser,
			Resp: lms.CourseEvent{}, Status: 200, Handler: a.getEvent},
		{Method: "PATCH", Path: p + "/events/{id}", Summary: "Change a course event (the fields sent)", Auth: authUser,
			Req: calendar.EventPatch{}, Resp: lms.CourseEvent{}, Status: 200, Handler: a.patchEvent},
		{Method: "DELETE", Path: p + "/events/{id}", Summary: "Delete a course event", Auth: authUser,
			Status: 204, Handler: a.deleteEvent},
		{Method: "GET", Path: p + "/me/calendar-feed", Summary: "Whether you have a calendar feed URL", Auth: authUser,
			Resp: FeedInfo{}, Status: 200, Handler: a.getFeed},
		{Method: "POST", Path: p + "/me/calendar-feed", Summary: "Make a new calendar feed URL (shown once; the old one stops working)",
			Auth: authUser, Resp: FeedInfo{}, Status: 201, Handler: a.postFeed},
		{Method: "DELETE", Path: p + "/me/calendar-feed", Summary: "Delete your calendar feed URL (it stops working)", Auth: authUser,
			Status: 204, Handler: a.deleteFeed},
		{Method: "GET", Path: p + "/calendar/feed/{token}", Summary: "A calendar feed (iCalendar; the token is the secret of its URL)",
			Auth: authPublic, RespType: "text/calendar", Status: 200, Handler: a.getFeedICS},
	}
}

// FeedInfo says whether the caller has a calendar feed; URL is set only
// when it was just made.
type FeedInfo struct {
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	URL       string    `json:"url,omitempty"`
}

// defaultCalendarSpan is the range of GET /calendar without ?to=.
const defaultCalendarSpan = 31 * 24 * time.Hour

func (a *API) getCalendar(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rg := calendar.Range{From: time.Now().UTC()}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &rg.From}, {"to", &rg.To}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return lms.FieldError(p.name, "The %s time must be RFC 3339, e.g. 2026-03-14T09:00:00Z.", p.name)
			}
			*p.dst = t
		}
	}
	if rg.To.IsZero() {
		rg.To = rg.From.Add(defaultCalendarSpan)
	}
	if v := q.Get("course_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return lms.FieldError("course_id", "The course id must be a positive integer.")
		}
		rg.CourseID = id
	}
	items, err := a.calendar.Items(r.Context(), caller(r), rg)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, items)
}

func (a *API) postEvent(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, a.calendar.CreateEvent)
}

func (a *API) getEvent(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.calendar.Event)
}

func (a *API) patchEvent(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.calendar.PatchEvent)
}

func (a *API) deleteEvent(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.calendar.DeleteEvent)
}

func (a *API) getFeed(w http.ResponseWriter, r *http.Request) error {
	st, err := a.calendar.Feed(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, FeedInfo{Active: st.Active, CreatedAt: st.CreatedAt})
}

func (a *API) postFeed(w http.ResponseWriter, r *http.Request) error {
	st, err := a.calendar.ResetFeed(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, FeedInfo{Active: true, CreatedAt: st.CreatedAt,
		URL: a.siteURL(r) + Prefix + "/calendar/feed/" + st.Token + ".ics"})
}

func (a *API) deleteFeed(w http.ResponseWriter, r *http.Request) error {
	if err := a.calendar.DeleteFeed(r.Context(), caller(r)); err != nil {
		return err
	}
	return noContent(w)
}

func (a *API) getFeedICS(w http.ResponseWriter, r *http.Request) error {
	set, err := a.auth.Settings(r.Context())
	if err != nil {
		return err
	}
	token := strings.TrimSuffix(r.PathValue("token"), ".ics")
	body, err := a.calendar.FeedICS(r.Context(), token, set.SiteName, a.siteURL(r))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Header().Set("Content-Disposition", `inline; filename="lyceum.ics"`)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// siteURL is the configured public URL, else the one the request came to.
func (a *API) siteURL(r *http.Request) string {
	if a.publicURL != "" {
		return a.publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
