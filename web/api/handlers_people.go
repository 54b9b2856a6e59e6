package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// maxRosterRequest bounds a roster request's body: the CSV's own limit
// plus room for multipart framing.
const maxRosterRequest = course.MaxRosterBytes + 64<<10

// courseAndUser parses the {id} and {user_id} wildcards.
func courseAndUser(r *http.Request) (courseID, userID int64, err error) {
	if courseID, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	if userID, err = pathID(r, "user_id"); err != nil {
		return 0, 0, err
	}
	return courseID, userID, nil
}

func (a *API) getMembers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit, offset, err := offsetPage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := lms.EnrollmentFilter{CourseID: id, Role: lms.CourseRole(q.Get("role")),
		Status: lms.EnrollmentStatus(q.Get("status")), Limit: limit, Offset: offset}
	if f.Role != "" && !f.Role.Valid() {
		return lms.FieldError("role", "The role must be instructor, ta or learner.")
	}
	if f.Status != "" && !f.Status.Valid() {
		return lms.FieldError("status", "The status must be active or pending.")
	}
	if s := q.Get("group_id"); s != "" {
		if f.GroupID, err = strconv.ParseInt(s, 10, 64); err != nil || f.GroupID < 0 {
			return lms.FieldError("group_id", "group_id must be a group's id.")
		}
	}
	list, total, err := a.courses.Enrolment.ListMembers(r.Context(), caller(r), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, EnrollmentList{Items: orEmpty(list), Total: total,
		NextCursor: nextOffset(offset, len(list), total)})
}

func (a *API) postMember(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, id int64, req EnrolRequest) (*lms.Enrollment, error) {
		if req.Role == "" {
			req.Role = lms.CourseLearner
		}
		return a.courses.Enrolment.Enrol(ctx, u, id, req.Login, req.Role)
	})
}

func (a *API) patchMember(w http.ResponseWriter, r *http.Request) error {
	courseID, userID, err := courseAndUser(r)
	if err != nil {
		return err
	}
	var req course.MemberPatch
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	e, err := a.courses.Enrolment.PatchMember(r.Context(), caller(r), courseID, userID, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, e)
}

func (a *API) deleteMember(w http.ResponseWriter, r *http.Request) error {
	return onMember(w, r, a.courses.Enrolment.RemoveMember)
}

func (a *API) postApprove(w http.ResponseWriter, r *http.Request) error {
	courseID, userID, err := courseAndUser(r)
	if err != nil {
		return err
	}
	e, err := a.courses.Enrolment.ApproveEnrollment(r.Context(), caller(r), courseID, userID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, e)
}

func (a *API) putMemberGroup(w http.ResponseWriter, r *http.Request) error {
	courseID, userID, err := courseAndUser(r)
	if err != nil {
		return err
	}
	var req GroupChoice
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := a.courses.Enrolment.AssignGroup(r.Context(), caller(r), courseID, userID, req.GroupID); err != nil {
		return err
	}
	return noContent(w)
}

func (a *API) postLeave(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.Enrolment.Unenrol)
}

// postRoster imports a CSV roster sent as the raw body (text/csv or
// text/plain) or as the "file" part of a multipart form.
func (a *API) postRoster(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	apply := queryFlag(r, "apply")
	body, err := csvBody(w, r, maxRosterRequest, course.MaxRosterBytes)
	if err != nil {
		return err
	}
	rep, err := a.courses.Enrolment.ImportRoster(r.Context(), caller(r), id, body, apply)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

// fileBody returns the file of an upload-like request: the "file" part of
// a multipart/form-data body, or the raw body when its media type is one of
// raw (any type when raw is empty).
func fileBody(r *http.Request, raw ...string) (io.Reader, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil && len(raw) > 0 {
		return nil, lms.Errorf(lms.EUNSUPPORTED, "Send the file as the request body or as the \"file\" part of a form.")
	}
	if mt == "multipart/form-data" {
		f, _, err := formFile(r)
		return f, err
	}
	if len(raw) == 0 {
		return r.Body, nil
	}
	for _, t := range raw {
		if mt == t {
			return r.Body, nil
		}
	}
	return nil, lms.Errorf(lms.EUNSUPPORTED, "Send the file as %s or as the \"file\" part of a multipart form.", raw[0])
}

// formFile finds the "file" part of a multipart request without buffering
// the parts before it beyond their reading.
func formFile(r *http.Request) (io.Reader, string, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", lms.FieldError("file", "The multipart form is not valid.")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", lms.FieldError("file", "The form has no \"file\" part.")
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, "", lms.Errorf(lms.ETOOLARGE, "The request is too large.")
			}
			return nil, "", lms.FieldError("file", "The multipart form is not valid.")
		}
		if part.FormName() == "file" {
			return part, part.FileName(), nil
		}
		_ = part.Close()
	}
}

func (a *API) getGroups(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := listPage(r)
	if err != nil {
		return err
	}
	gs, err := a.courses.Enrolment.ListGroups(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	gs, next := slicePage(p, gs)
	return writeJSON(w, http.StatusOK, GroupList{Items: gs, NextCursor: next})
}

func (a *API) postGroup(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, id int64, req GroupRequest) (*lms.Group, error) {
		return a.courses.Enrolment.CreateGroup(ctx, u, &lms.Group{CourseID: id, Name: req.Name, SelfSelect: req.SelfSelect,
			MaxSize: req.MaxSize})
	})
}

func (a *API) patchGroup(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.courses.Enrolment.PatchGroup)
}

func (a *API) putGroup(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, req GroupRequest) (*lms.Group, error) {
		return a.courses.Enrolment.UpdateGroup(ctx, u, id, req.Name, req.SelfSelect, req.MaxSize)
	})
}

func (a *API) deleteGroup(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.Enrolment.DeleteGroup)
}

func (a *API) putMyGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req GroupChoice
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := a.courses.Enrolment.JoinGroup(r.Context(), caller(r), id, req.GroupID); err != nil {
		return err
	}
	return noContent(w)
}
