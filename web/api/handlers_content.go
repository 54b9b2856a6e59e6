package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

func (a *API) getOutline(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.courses.Content.Outline)
}

// putLayout reorders the course and answers the new outline. A layout
// built from an outline that has changed since is ECONFLICT (409).
func (a *API) putLayout(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req LayoutRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Modules == nil {
		return lms.FieldError("modules", "modules is required: the whole course in the new order.")
	}
	for i := range req.Modules {
		if req.Modules[i].LessonIDs == nil {
			req.Modules[i].LessonIDs = []int64{}
		}
	}
	if err := a.courses.Content.Reorder(r.Context(), caller(r), id, req.Modules); err != nil {
		return err
	}
	return a.getOutline(w, r)
}

func (a *API) getSearch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit, err := pageLimit(r)
	if err != nil {
		return err
	}
	ls, err := a.courses.Content.Search(r.Context(), caller(r), id, r.URL.Query().Get("q"), limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, LessonList{Items: orEmpty(ls)})
}

func (a *API) postModule(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, id int64, req TitleRequest) (*lms.Module, error) {
		return a.courses.Content.CreateModule(ctx, u, id, req.Title)
	})
}

func (a *API) patchModule(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, req TitleRequest) (*lms.Module, error) {
		return a.courses.Content.RenameModule(ctx, u, id, req.Title)
	})
}

func (a *API) deleteModule(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.Content.DeleteModule)
}

func (a *API) postLesson(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, a.courses.Content.CreateLesson)
}

func (a *API) getLesson(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.courses.Content.GetLesson)
}

func (a *API) patchLesson(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.courses.Content.PatchLesson)
}

func (a *API) putLesson(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.courses.Content.UpdateLesson)
}

func (a *API) deleteLesson(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.courses.Content.DeleteLesson)
}

// postMarkdownPreview renders Markdown exactly as a saved lesson or post
// is rendered (the editor's live preview).
func (a *API) postMarkdownPreview(w http.ResponseWriter, r *http.Request) error {
	var req MarkdownRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if len(req.Markdown) > lms.MaxBodyBytes {
		return &lms.Error{Code: lms.ETOOLARGE, Field: "markdown",
			Message: "The text is too long: at most " + strconv.Itoa(lms.MaxBodyBytes) + " bytes."}
	}
	return writeJSON(w, http.StatusOK, MarkdownPreview{HTML: course.RenderMarkdown(req.Markdown)})
}
