package api

import (
	"net/http"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// announcementRoutes lists the course announcement routes (docs/api.md,
// section Announcements): staff (announce) post, edit and delete; members
// read those for them.
func (a *API) announcementRoutes() []route {
	p := Prefix
	return []route{
		{Method: "GET", Path: p + "/courses/{id}/announcements", Summary: "A course's announcements for you, latest first", Auth: authUser,
			Resp: AnnouncementList{}, Status: 200, Handler: a.getAnnouncements, Query: pageParams},
		{Method: "POST", Path: p + "/courses/{id}/announcements", Summary: "Post (or schedule) an announcement", Auth: authUser,
			Req: course.AnnouncementInput{}, Resp: lms.CourseAnnouncement{}, Status: 201, Handler: a.postAnnouncement},
		{Method: "GET", Path: p + "/announcements/{id}", Summary: "An announcement", Auth: authUser,
			Resp: lms.CourseAnnouncement{}, Status: 200, Handler: a.getAnnouncement},
		{Method: "PATCH", Path: p + "/announcements/{id}", Summary: "Change an announcement (the fields sent)", Auth: authUser,
			Req: course.AnnouncementPatch{}, Resp: lms.CourseAnnouncement{}, Status: 200, Handler: a.patchAnnouncement},
		{Method: "DELETE", Path: p + "/announcements/{id}", Summary: "Delete an announcement", Auth: authUser,
			Status: 204, Handler: a.deleteAnnouncement},
	}
}

// AnnouncementList is a page of announcements.
type AnnouncementList struct {
	Items      []*lms.CourseAnnouncement `json:"items"`
	NextCursor string                    `json:"next_cursor,omitempty"`
}

func (a *API) getAnnouncements(w http.ResponseWriter, r *http.Request) error {
	list, next, err := storePageByID(r, a.courses.Announcements.ListAnnouncements)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, AnnouncementList{Items: list, NextCursor: next})
}

func (a *API) postAnnouncement(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, a.courses.Announcements.CreateAnnouncement)
}

func (a *API) getAnnouncement(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.courses.Announcements.Announcement)
}

func (a *API) patchAnnouncement(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.courses.Announcements.PatchAnnouncement)
}

func (a *API) deleteAnnouncement(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.Announcements.DeleteAnnouncement)
}
