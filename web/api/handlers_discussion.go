package api

import (
	"context"
	"net/http"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

func (a *API) getForums(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := listPage(r)
	if err != nil {
		return err
	}
	fs, err := a.courses.Discussion.ListForums(r.Context(), caller(r), id, withNext(p))
	if err != nil {
		return err
	}
	fs, next := cutPage(p, fs)
	return writeJSON(w, http.StatusOK, ForumList{Items: fs, NextCursor: next})
}

func (a *API) postForum(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, id int64, req ForumRequest) (*lms.Forum, error) {
		return a.courses.Discussion.CreateForum(ctx, u, &lms.Forum{CourseID: id, Title: req.Title, Description: req.Description})
	})
}

func (a *API) patchForum(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.courses.Discussion.PatchForum)
}

func (a *API) putForum(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, req ForumRequest) (*lms.Forum, error) {
		return a.courses.Discussion.UpdateForum(ctx, u, id, req.Title, req.Description)
	})
}

func (a *API) deleteForum(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.Discussion.DeleteForum)
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
	ts, total, err := a.courses.Discussion.ListThreads(r.Context(), caller(r), id, limit, offset)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ThreadList{Items: orEmpty(ts), Total: total, NextCursor: nextOffset(offset, len(ts), total)})
}

func (a *API) postThread(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, id int64, req NewThreadRequest) (*course.ThreadView, error) {
		return a.courses.Discussion.CreateThread(ctx, u, id, req.Title, req.BodyMD)
	})
}

func (a *API) getThread(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.courses.Discussion.GetThread)
}

func (a *API) patchThread(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.courses.Discussion.UpdateThread)
}

func (a *API) deleteThread(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.Discussion.DeleteThread)
}

func (a *API) postAnswer(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, req AnswerRequest) (*lms.Thread, error) {
		return a.courses.Discussion.MarkAnswer(ctx, u, id, req.PostID)
	})
}

func (a *API) postReply(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, id int64, req ReplyRequest) (*lms.Post, error) {
		return a.courses.Discussion.Reply(ctx, u, id, req.ParentID, req.BodyMD)
	})
}

func (a *API) patchPost(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, req PostEditRequest) (*lms.Post, error) {
		return a.courses.Discussion.EditPost(ctx, u, id, req.BodyMD)
	})
}

func (a *API) deletePost(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.Discussion.DeletePost)
}

func (a *API) postPostReaction(w http.ResponseWriter, r *http.Request) error {
	return react(w, r, a.courses.Discussion.ReactToPost)
}

func (a *API) deletePostReaction(w http.ResponseWriter, r *http.Request) error {
	return unreact(w, r, a.courses.Discussion.ReactToPost)
}
