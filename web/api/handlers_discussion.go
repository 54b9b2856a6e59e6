package api

import (
	"net/http"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

func (a *API) getForums(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fs, err := a.courses.ListForums(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	if fs == nil {
		fs = []*lms.Forum{}
	}
	return writeJSON(w, http.StatusOK, ForumList{Items: fs})
}

func (a *API) postForum(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req ForumRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	f, err := a.courses.CreateForum(r.Context(), caller(r), &lms.Forum{CourseID: id, Title: req.Title,
		Description: req.Description})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, f)
}

func (a *API) putForum(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req ForumRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	f, err := a.courses.UpdateForum(r.Context(), caller(r), id, req.Title, req.Description)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

func (a *API) deleteForum(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.DeleteForum)
}

func (a *API) getThreads(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit, offset, err := offsetPage(r)
	if err != nil {
		return err
	}
	ts, total, err := a.courses.ListThreads(r.Context(), caller(r), id, limit, offset)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []*lms.Thread{}
	}
	return writeJSON(w, http.StatusOK, ThreadList{Items: ts, Total: total, NextCursor: nextOffset(offset, len(ts), total)})
}

func (a *API) postThread(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req NewThreadRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	tv, err := a.courses.CreateThread(r.Context(), caller(r), id, req.Title, req.BodyMD)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, tv)
}

func (a *API) getThread(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tv, err := a.courses.GetThread(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, tv)
}

func (a *API) patchThread(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var f course.ThreadFlags
	if err := decodeJSON(w, r, &f); err != nil {
		return err
	}
	t, err := a.courses.SetThreadFlags(r.Context(), caller(r), id, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

func (a *API) deleteThread(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.DeleteThread)
}

func (a *API) postAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req AnswerRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	t, err := a.courses.MarkAnswer(r.Context(), caller(r), id, req.PostID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

func (a *API) postReply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req ReplyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	p, err := a.courses.Reply(r.Context(), caller(r), id, req.ParentID, req.BodyMD)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, p)
}

func (a *API) patchPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req PostEditRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	p, err := a.courses.EditPost(r.Context(), caller(r), id, req.BodyMD)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (a *API) deletePost(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.DeletePost)
}

func (a *API) postPostReaction(w http.ResponseWriter, r *http.Request) error {
	return react(w, r, a.courses.ReactToPost)
}
