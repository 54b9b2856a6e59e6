package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/assess"
	"github.com/lyceumhq/lyceum/internal/lms"
)

func (a *API) getQuizzes(w http.ResponseWriter, r *http.Request) error {
	qs, next, err := pageByID(r, a.assess.ListQuizzes)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, QuizList{Items: qs, NextCursor: next})
}

func (a *API) postQuiz(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, id int64, q lms.Quiz) (*lms.Quiz, error) {
		q.ID, q.CourseID = 0, id
		if q.Slots == nil {
			q.Slots = []lms.QuizSlot{}
		}
		if err := a.assess.CreateQuiz(ctx, u, &q); err != nil {
			return nil, err
		}
		return &q, nil
	})
}

func (a *API) getQuiz(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.assess.GetQuiz)
}

func (a *API) patchQuiz(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.assess.PatchQuiz)
}

func (a *API) deleteQuiz(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.assess.DeleteQuiz)
}

func (a *API) getOverrides(w http.ResponseWriter, r *http.Request) error {
	os, next, err := pageByID(r, a.assess.ListOverrides)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, OverrideList{Items: os, NextCursor: next})
}

func (a *API) postOverride(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, o lms.QuizOverride) (*lms.QuizOverride, error) {
		o.ID, o.QuizID = 0, id
		if err := a.assess.PutOverride(ctx, u, &o); err != nil {
			return nil, err
		}
		return &o, nil
	})
}

func (a *API) deleteOverride(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	oid, err := pathID(r, "oid")
	if err != nil {
		return err
	}
	if err := a.assess.DeleteOverride(r.Context(), caller(r), id, oid); err != nil {
		return err
	}
	return noContent(w)
}

func (a *API) postRegrade(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, req RegradeRequest) (*assess.RegradeReport, error) {
		rep, err := a.assess.Regrade(ctx, u, id, req.DryRun)
		if err == nil {
			rep.Changes = orEmpty(rep.Changes)
		}
		return rep, err
	})
}

func (a *API) getQuizStats(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.assess.Stats)
}

// getResponsesCSV writes every answer as a CSV download, built in memory
// first so a failure is still a problem document.
func (a *API) getResponsesCSV(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.assess.ResponsesCSV(r.Context(), caller(r), id, &buf); err != nil {
		return err
	}
	return download(w, "text/csv; charset=utf-8", "quiz-"+strconv.FormatInt(id, 10)+"-responses.csv", buf.Bytes())
}

// download answers body as an attachment named name.
func download(w http.ResponseWriter, ctype, name string, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}

func (a *API) getAttempts(w http.ResponseWriter, r *http.Request) error {
	uid, err := queryInt64(r, "user_id")
	if err != nil {
		return err
	}
	as, next, err := pageByID(r, func(ctx context.Context, u *lms.User, quizID int64) ([]*lms.Attempt, error) {
		return a.assess.ListAttempts(ctx, u, quizID, uid)
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, AttemptList{Items: as, NextCursor: next})
}

func (a *API) postAttempt(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req StartAttemptRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &req); err != nil {
			return err
		}
	}
	v, err := a.assess.StartAttempt(r.Context(), caller(r), id, req.AccessCode)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, v)
}

func (a *API) getAttempt(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.assess.Attempt)
}

// slotParam parses the {slot} wildcard: a question's 0-based position.
func slotParam(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("slot"))
	if err != nil || n < 0 || n > lms.MaxQuizQuestions {
		return 0, lms.Errorf(lms.ENOTFOUND, "Not found.")
	}
	return n, nil
}

// onSlotBody parses {id} and {slot}, decodes a Req and runs act as the
// caller: the shape of the per-question attempt routes.
func onSlotBody[Req, Resp any](w http.ResponseWriter, r *http.Request,
	act func(ctx context.Context, u *lms.User, attemptID int64, slot int, req Req) (Resp, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	slot, err := slotParam(r)
	if err != nil {
		return err
	}
	var req Req
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	v, err := act(r.Context(), caller(r), id, slot, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// putSlotAnswer is the deprecated PUT .../answer: PATCH the slot with
// {"answer"} instead.
func (a *API) putSlotAnswer(w http.ResponseWriter, r *http.Request) error {
	return onSlotBody(w, r, func(ctx context.Context, u *lms.User, id int64, slot int, req SlotAnswerRequest) (*assess.SlotView, error) {
		return a.assess.SaveAnswer(ctx, u, id, slot, req.Response)
	})
}

func (a *API) postSlotCheck(w http.ResponseWriter, r *http.Request) error {
	return onSlotBody(w, r, func(ctx context.Context, u *lms.User, id int64, slot int, req SlotAnswerRequest) (*assess.SlotView, error) {
		return a.assess.CheckAnswer(ctx, u, id, slot, req.Response)
	})
}

// putSlotFlag is the deprecated PUT .../flag: PATCH the slot with
// {"flagged"} instead.
func (a *API) putSlotFlag(w http.ResponseWriter, r *http.Request) error {
	return onSlotBody(w, r, func(ctx context.Context, u *lms.User, id int64, slot int, req FlagRequest) (*assess.SlotView, error) {
		return a.assess.Flag(ctx, u, id, slot, req.Flagged)
	})
}

func (a *API) patchSlot(w http.ResponseWriter, r *http.Request) error {
	return onSlotBody(w, r, a.assess.PatchSlot)
}

func (a *API) postSubmit(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.assess.Submit)
}
