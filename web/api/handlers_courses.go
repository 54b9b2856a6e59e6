package api

import (
	"context"
	"net/http"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// DefaultMaxUploadBytes bounds an upload request's body when
// Params.MaxUploadBytes is zero: the largest default per-type limit (video)
// plus room for multipart framing.
const DefaultMaxUploadBytes = course.DefaultVideoLimit + 1<<20

// caller is the signed-in user of r (nil for anonymous).
func caller(r *http.Request) *lms.User { return lms.UserFrom(r.Context()) }

// offsetPage parses ?limit= and ?cursor= for lists paged by offset.
func offsetPage(r *http.Request) (limit, offset int, err error) {
	if limit, err = pageLimit(r); err != nil {
		return 0, 0, err
	}
	off, err := pageCursor(r)
	if err != nil {
		return 0, 0, err
	}
	return limit, int(off), nil
}

// nextOffset is the next_cursor after a page of n items at offset of total.
func nextOffset(offset, n, total int) string {
	if n > 0 && offset+n < total {
		return encodeCursor(int64(offset + n))
	}
	return ""
}

// onID runs an action on the {id} in the path as the caller and answers
// 204: the shape of every "delete X" and "leave" route.
func onID(w http.ResponseWriter, r *http.Request, action func(context.Context, *lms.User, int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := action(r.Context(), caller(r), id); err != nil {
		return err
	}
	return noContent(w)
}

// react adds or removes the caller's reaction on the {id} in the path
// (posts and messages alike).
func react(w http.ResponseWriter, r *http.Request, action func(context.Context, *lms.User, int64, string, bool) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req ReactionRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := action(r.Context(), caller(r), id, req.Emoji, req.Remove); err != nil {
		return err
	}
	return noContent(w)
}

// unreact takes back the caller's {emoji} reaction on the {id} in the path
// (posts and messages alike).
func unreact(w http.ResponseWriter, r *http.Request, action func(context.Context, *lms.User, int64, string, bool) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := action(r.Context(), caller(r), id, r.PathValue("emoji"), true); err != nil {
		return err
	}
	return noContent(w)
}

// onIDJSON runs fetch on the {id} in the path as the caller and answers 200
// with its result: the shape of the "get X" routes.
func onIDJSON[T any](w http.ResponseWriter, r *http.Request, fetch func(context.Context, *lms.User, int64) (T, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := fetch(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// onIDBody parses the {id} in the path, then decodes the JSON body as a
// Req, runs act on both as the caller and answers status with its result:
// the shape of the "create X in {id}" and "change {id}" routes.
func onIDBody[Req, Resp any](w http.ResponseWriter, r *http.Request, status int,
	act func(ctx context.Context, u *lms.User, id int64, req Req) (Resp, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req Req
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	v, err := act(r.Context(), caller(r), id, req)
	if err != nil {
		return err
	}
	return writeJSON(w, status, v)
}

// noContent answers 204.
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) getCourses(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := offsetPage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	vis := lms.CourseVisibility(q.Get("visibility"))
	if vis != "" && !vis.Valid() {
		return lms.FieldError("visibility", "The visibility must be draft, published or archived.")
	}
	u := caller(r)
	list, total, err := a.courses.Courses.ListCourses(r.Context(), u, lms.CourseFilter{Visibility: vis, Query: q.Get("q"),
		Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	canCreate, err := a.canCreate(r.Context(), u)
	if err != nil {
		return err
	}
	out := CourseList{Items: list, Total: total, NextCursor: nextOffset(offset, len(list), total), CanCreate: canCreate}
	return writeJSON(w, http.StatusOK, out)
}

// canCreate reports whether u may create courses (the site's creator policy).
func (a *API) canCreate(ctx context.Context, u *lms.User) (bool, error) {
	policy, err := a.courses.Courses.CreatorPolicy(ctx)
	if err != nil {
		return false, err
	}
	return policy != course.CreatorsAdmins || u.IsAdmin(), nil
}

func (a *API) postCourse(w http.ResponseWriter, r *http.Request) error {
	var in course.CourseInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := a.courses.Courses.CreateCourse(r.Context(), caller(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, v)
}

func (a *API) getCourse(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.courses.Courses.GetCourse)
}

func (a *API) patchCourse(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.courses.Courses.UpdateCourse)
}

func (a *API) deleteCourse(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.Courses.DeleteCourse)
}

func (a *API) postVisibility(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, req VisibilityRequest) (*course.CourseView, error) {
		return a.courses.Courses.SetVisibility(ctx, u, id, req.Visibility)
	})
}

func (a *API) putJoin(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.courses.Courses.ConfigureJoin)
}

func (a *API) postJoin(w http.ResponseWriter, r *http.Request) error {
	var req JoinRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	e, err := a.courses.Enrolment.JoinByCode(r.Context(), caller(r), req.Code)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, e)
}

func (a *API) getCourseSettings(w http.ResponseWriter, r *http.Request) error {
	p, err := a.courses.Courses.CreatorPolicy(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, CourseSettingsBody{Creators: p})
}

func (a *API) putCourseSettings(w http.ResponseWriter, r *http.Request) error {
	var req CourseSettingsBody
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	return a.setCreators(w, r, req.Creators)
}

func (a *API) patchCourseSettings(w http.ResponseWriter, r *http.Request) error {
	var req CourseSettingsPatch
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Creators == nil {
		return a.getCourseSettings(w, r)
	}
	return a.setCreators(w, r, *req.Creators)
}

// setCreators sets who may create courses and answers the course settings.
func (a *API) setCreators(w http.ResponseWriter, r *http.Request, p course.CreatorPolicy) error {
	if p != course.CreatorsAnyone && p != course.CreatorsAdmins {
		return lms.FieldError("creators", "creators must be anyone or admins.")
	}
	if err := a.courses.Courses.SetCreatorPolicy(r.Context(), caller(r), p); err != nil {
		return err
	}
	return a.getCourseSettings(w, r)
}

// getMyCourses answers the dashboard: the caller's own courses (also for
// administrators) with their progress and unread chat messages, and
// whether the caller may create courses (for the empty dashboard).
func (a *API) getMyCourses(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := offsetPage(r)
	if err != nil {
		return err
	}
	out := MyCourseList{Items: []MyCourse{}}
	if a.courses == nil {
		return writeJSON(w, http.StatusOK, out)
	}
	ctx, u := r.Context(), caller(r)
	list, total, err := a.courses.Courses.ListCourses(ctx, u, lms.CourseFilter{MemberID: u.ID, Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out.NextCursor = nextOffset(offset, len(list), total)
	if out.CanCreate, err = a.canCreate(ctx, u); err != nil {
		return err
	}
	for _, c := range list {
		p, err := a.courses.Progress.CourseProgress(ctx, u, c.ID, u.ID)
		if err != nil {
			return err
		}
		rooms, err := a.courses.Chat.ListRooms(ctx, u, c.ID)
		if err != nil {
			return err
		}
		mc := MyCourse{CourseView: c, Progress: p}
		for _, rm := range rooms {
			mc.Unread += rm.Unread
		}
		out.Items = append(out.Items, mc)
	}
	return writeJSON(w, http.StatusOK, out)
}
