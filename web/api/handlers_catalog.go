package api

import (
	"context"
	"net/http"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// catalogRoutes lists the catalogue's routes (docs/api.md, section
// Catalogue): part of courseRoutes, so the permission tests walk them.
func (a *API) catalogRoutes() []route {
	p := Prefix
	c := p + "/courses/{id}"
	return []route{
		{Method: "GET", Path: p + "/catalogue", Summary: "The course catalogue: published, listed courses", Auth: authUser,
			Resp: CatalogList{}, Status: 200, Handler: a.getCatalog,
			Query: append([]queryParam{{"q", "string", "words matched in title, code, description and instructors"}},
				pageParams...)},
		{Method: "PUT", Path: c + "/catalogue", Summary: "List a course in the catalogue and set its enrolment mode", Auth: authUser,
			Req: course.CatalogSettings{}, Resp: course.CourseView{}, Status: 200, Handler: a.putCatalog,
			Deprecated: "PATCH " + c},
		{Method: "POST", Path: c + "/enrol", Summary: "Enrol yourself from the catalogue (open: at once; approval: a request)",
			Auth: authUser, Resp: lms.Enrollment{}, Status: 200, Handler: a.postEnrolSelf},
		{Method: "POST", Path: c + "/members/{user_id}/decline", Summary: "Decline a pending request to join", Auth: authUser,
			Status: 204, Handler: a.postDecline},
		{Method: "GET", Path: p + "/join/{code}", Summary: "The course a join code opens, as a catalogue card", Auth: authUser,
			Resp: course.CatalogCard{}, Status: 200, Handler: a.getJoinPreview},
		{Method: "GET", Path: p + "/join/{code}/cover", Summary: "The cover image of the course a join code opens", Auth: authUser,
			RespType: "image/*", Status: 200, Handler: a.getJoinCover},
	}
}

func (a *API) getCatalog(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := offsetPage(r)
	if err != nil {
		return err
	}
	list, total, err := a.courses.Courses.Catalog(r.Context(), caller(r),
		lms.CatalogFilter{Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, CatalogList{Items: list, Total: total, NextCursor: nextOffset(offset, len(list), total)})
}

func (a *API) putCatalog(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.courses.Courses.SetCatalog)
}

func (a *API) postEnrolSelf(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.courses.Enrolment.EnrolSelf)
}

func (a *API) postDecline(w http.ResponseWriter, r *http.Request) error {
	return onMember(w, r, a.courses.Enrolment.DeclineEnrollment)
}

func (a *API) getJoinPreview(w http.ResponseWriter, r *http.Request) error {
	card, err := a.courses.Courses.JoinPreview(r.Context(), caller(r), r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, card)
}

func (a *API) getJoinCover(w http.ResponseWriter, r *http.Request) error {
	u, f, err := a.courses.Courses.JoinCover(r.Context(), caller(r), r.PathValue("code"))
	return serveUpload(w, r, u, f, err)
}

// onMember runs an action on the {id} course and {user_id} member in the
// path as the caller and answers 204.
func onMember(w http.ResponseWriter, r *http.Request, action func(context.Context, *lms.User, int64, int64) error) error {
	courseID, userID, err := courseAndUser(r)
	if err != nil {
		return err
	}
	if err := action(r.Context(), caller(r), courseID, userID); err != nil {
		return err
	}
	return noContent(w)
}
