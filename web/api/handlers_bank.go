package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// maxGIFTRequest bounds a GIFT import request: the file's limit plus room
// for multipart framing.
const maxGIFTRequest = assess.MaxGIFTBytes + 64<<10

// giftMediaTypes are the raw body types a GIFT file may be sent as.
var giftMediaTypes = []string{"text/plain", "application/octet-stream", "text/x-gift"}

func (a *API) getQuestionCategories(w http.ResponseWriter, r *http.Request) error {
	cs, next, err := pageByID(r, a.assess.ListCategories)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, QuestionCategoryList{Items: cs, NextCursor: next})
}

func (a *API) postQuestionCategory(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, id int64, c lms.QuestionCategory) (*lms.QuestionCategory, error) {
		c.ID, c.CourseID = 0, id
		if err := a.assess.CreateCategory(ctx, u, &c); err != nil {
			return nil, err
		}
		return &c, nil
	})
}

func (a *API) patchQuestionCategory(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.assess.UpdateCategory)
}

func (a *API) deleteQuestionCategory(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.assess.DeleteCategory)
}

// queryInt64 parses an optional positive integer query parameter (0 when
// absent).
func queryInt64(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, lms.FieldError(name, "%s must be a positive number.", name)
	}
	return n, nil
}

func (a *API) getQuestions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit, offset, err := offsetPage(r)
	if err != nil {
		return err
	}
	cat, err := queryInt64(r, "category_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := lms.QuestionFilter{CourseID: id, CategoryID: cat, Type: lms.QuestionType(q.Get("type")), Tag: q.Get("tag"),
		Query: q.Get("q"), Limit: limit, Offset: offset}
	qs, total, err := a.assess.ListQuestions(r.Context(), caller(r), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, QuestionList{Items: orEmpty(qs), Total: total, NextCursor: nextOffset(offset, len(qs), total)})
}

func (a *API) postQuestion(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, id int64, q lms.Question) (*lms.Question, error) {
		if err := a.categoryOf(ctx, u, id, q.CategoryID); err != nil {
			return nil, err
		}
		q.ID, q.CourseID = 0, id
		if err := a.assess.CreateQuestion(ctx, u, &q); err != nil {
			return nil, err
		}
		return &q, nil
	})
}

func (a *API) postQuestionPreview(w http.ResponseWriter, r *http.Request) error {
	seed, err := queryInt64(r, "seed")
	if err != nil {
		return err
	}
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, q lms.Question) (*assess.QuestionPreview, error) {
		return a.assess.PreviewQuestion(ctx, u, id, &q, uint64(seed))
	})
}

func (a *API) postMoveQuestions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req MoveQuestionsRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := a.categoryOf(r.Context(), caller(r), id, req.CategoryID); err != nil {
		return err
	}
	if err := a.assess.MoveQuestions(r.Context(), caller(r), req.IDs, req.CategoryID); err != nil {
		return err
	}
	return noContent(w)
}

// categoryOf checks that the category is one of the course's (the service
// takes a question's course from its category, so a route under a course
// must not reach another course's bank).
func (a *API) categoryOf(ctx context.Context, u *lms.User, courseID, categoryID int64) error {
	cats, err := a.assess.ListCategories(ctx, u, courseID)
	if err != nil {
		return err
	}
	for _, c := range cats {
		if c.ID == categoryID {
			return nil
		}
	}
	return lms.FieldError("category_id", "The category does not exist in this course.")
}

func (a *API) getQuestion(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.assess.GetQuestion)
}

func (a *API) patchQuestion(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.assess.PatchQuestion)
}

func (a *API) deleteQuestion(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.assess.DeleteQuestion)
}

func (a *API) postDuplicateQuestion(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q, err := a.assess.DuplicateQuestion(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, q)
}

// postGIFT previews (dry_run=1) or imports a GIFT file sent as the raw body
// or as the "file" part of a form. Without valid_only=1, an import with any
// problem imports nothing (422 with the plan's problems in the preview).
func (a *API) postGIFT(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxGIFTRequest)
	f, err := fileBody(r, giftMediaTypes...)
	if err != nil {
		return err
	}
	src, err := io.ReadAll(limitedFile{f, assess.MaxGIFTBytes})
	if err != nil {
		return err
	}
	var plan *assess.ImportPlan
	if queryFlag(r, "dry_run") {
		plan, err = a.assess.PreviewGIFT(r.Context(), caller(r), id, src)
	} else {
		plan, err = a.assess.ImportGIFT(r.Context(), caller(r), id, src, queryFlag(r, "valid_only"))
	}
	if err != nil {
		return err
	}
	plan.Questions, plan.NewCategories, plan.Skipped = orEmpty(plan.Questions), orEmpty(plan.NewCategories), orEmpty(plan.Skipped)
	return writeJSON(w, http.StatusOK, plan)
}

func (a *API) getCategoryGIFT(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return a.writeGIFT(w, r, 0, id, "category-"+strconv.FormatInt(id, 10))
}

func (a *API) getBankGIFT(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return a.writeGIFT(w, r, id, 0, "course-"+strconv.FormatInt(id, 10))
}

// writeGIFT answers a GIFT export as a download, built in memory first so a
// failure is still a problem document. What GIFT cannot hold is listed in
// the X-Lyceum-Skipped header (a count).
func (a *API) writeGIFT(w http.ResponseWriter, r *http.Request, courseID, categoryID int64, name string) error {
	var buf bytes.Buffer
	skipped, err := a.assess.ExportGIFT(r.Context(), caller(r), courseID, categoryID, &buf)
	if err != nil {
		return err
	}
	w.Header().Set("X-Lyceum-Skipped", strconv.Itoa(len(skipped)))
	return download(w, "text/plain; charset=utf-8", name+".gift", buf.Bytes())
}
