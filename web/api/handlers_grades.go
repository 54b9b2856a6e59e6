package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/grades"
	"github.com/lyceumhq/lyceum/internal/lms"
)

func (a *API) getGradebook(w http.ResponseWriter, r *http.Request) error {
	return bookPage(w, r, a.grades.Book)
}

func (a *API) getMyGrades(w http.ResponseWriter, r *http.Request) error {
	return bookPage(w, r, a.grades.MyGrades)
}

// bookPage answers the page of load's learners ?limit= and ?cursor= ask
// for, with every item: the gradebook is built whole (the totals need
// every grade), then cut.
func bookPage(w http.ResponseWriter, r *http.Request, load func(context.Context, *lms.User, int64) (*grades.Book, error)) error {
	var book *grades.Book
	rows, next, err := pageByID(r, func(ctx context.Context, u *lms.User, id int64) ([]grades.Row, error) {
		b, err := load(ctx, u, id)
		if err != nil {
			return nil, err
		}
		book = b
		return b.Rows, nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, GradebookPage{Settings: book.Settings, Categories: orEmpty(book.Categories),
		GradeItems: orEmpty(book.Items), Items: rows, NextCursor: next})
}

func (a *API) getGradebookSettings(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.grades.Settings)
}

func (a *API) patchGradebookSettings(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.grades.PatchSettings)
}

func (a *API) postCategory(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, id int64, req CategoryRequest) (*lms.GradeCategory, error) {
		return a.grades.SaveCategory(ctx, u, id, lms.GradeCategory{Name: req.Name, Weight: req.Weight, DropLowest: req.DropLowest})
	})
}

func (a *API) patchCategory(w http.ResponseWriter, r *http.Request) error {
	catID, err := pathID(r, "category_id")
	if err != nil {
		return err
	}
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, p grades.CategoryPatch) (*lms.GradeCategory, error) {
		return a.grades.PatchCategory(ctx, u, id, catID, p)
	})
}

func (a *API) deleteCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	catID, err := pathID(r, "category_id")
	if err != nil {
		return err
	}
	if err := a.grades.DeleteCategory(r.Context(), caller(r), id, catID); err != nil {
		return err
	}
	return noContent(w)
}

func (a *API) postGradeItem(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, a.grades.CreateItem)
}

func (a *API) patchGradeItem(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.grades.PatchItem)
}

func (a *API) deleteGradeItem(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.grades.DeleteItem)
}

// patchGrade changes one learner's grade on an item: the fields sent.
func (a *API) patchGrade(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	userID, err := pathID(r, "user_id")
	if err != nil {
		return err
	}
	var e grades.GradeEdit
	if err := decodeJSON(w, r, &e); err != nil {
		return err
	}
	g, err := a.grades.EditGrade(r.Context(), caller(r), id, userID, e)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, g)
}

// getGradebookCSV writes the gradebook as a CSV download, built in memory
// first so a failure is still a problem document.
func (a *API) getGradebookCSV(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := a.grades.ExportCSV(r.Context(), caller(r), id, &buf); err != nil {
		return err
	}
	downloadHeaders(w, "text/csv; charset=utf-8", "gradebook-"+strconv.FormatInt(id, 10)+".csv")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// postGradeImport previews (dry_run=1) or applies a CSV of manual grades.
func (a *API) postGradeImport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	body, err := csvBody(w, r, grades.MaxImportBytes+64<<10, grades.MaxImportBytes)
	if err != nil {
		return err
	}
	rep, err := a.grades.ImportCSV(r.Context(), caller(r), id, body, grades.ImportOptions{DryRun: queryFlag(r, "dry_run"),
		ValidOnly: queryFlag(r, "valid_only"), Release: queryFlag(r, "release")})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}
