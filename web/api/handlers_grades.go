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
	return onIDJSON(w, r, a.grades.Book)
}

func (a *API) getMyGrades(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.grades.MyGrades)
}

func (a *API) getGradebookSettings(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.grades.Settings)
}

// patchJSON answers a PATCH: the body is decoded over cur, the fields as
// they are (so the fields it leaves out keep their value), and save stores
// the result.
func patchJSON[Req, Resp any](w http.ResponseWriter, r *http.Request, cur func() (Req, error), save func(Req) (Resp, error)) error {
	req, err := cur()
	if err != nil {
		return err
	}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	v, err := save(req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// patchGradebookSettings changes the settings the body names.
func (a *API) patchGradebookSettings(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, u := r.Context(), caller(r)
	return patchJSON(w, r, func() (SettingsRequest, error) {
		cur, err := a.grades.Settings(ctx, u, id)
		return SettingsRequest{Mode: cur.Mode, Scale: cur.Scale, UncategorisedWeight: cur.UncategorisedWeight}, err
	}, func(req SettingsRequest) (lms.GradebookSettings, error) {
		return a.grades.PutSettings(ctx, u, id, lms.GradebookSettings{CourseID: id, Mode: req.Mode, Scale: req.Scale,
			UncategorisedWeight: req.UncategorisedWeight})
	})
}

func (a *API) postCategory(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, func(ctx context.Context, u *lms.User, id int64, req CategoryRequest) (*lms.GradeCategory, error) {
		return a.grades.SaveCategory(ctx, u, id, lms.GradeCategory{Name: req.Name, Weight: req.Weight, DropLowest: req.DropLowest})
	})
}

// patchCategory changes the category fields the body names.
func (a *API) patchCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	catID, err := pathID(r, "category_id")
	if err != nil {
		return err
	}
	ctx, u := r.Context(), caller(r)
	return patchJSON(w, r, func() (CategoryRequest, error) {
		cur, err := a.grades.Category(ctx, u, id, catID)
		if err != nil {
			return CategoryRequest{}, err
		}
		return CategoryRequest{Name: cur.Name, Weight: cur.Weight, DropLowest: cur.DropLowest}, nil
	}, func(req CategoryRequest) (*lms.GradeCategory, error) {
		return a.grades.SaveCategory(ctx, u, id, lms.GradeCategory{ID: catID, Name: req.Name, Weight: req.Weight,
			DropLowest: req.DropLowest})
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

// patchGradeItem changes the item fields the body names.
func (a *API) patchGradeItem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, u := r.Context(), caller(r)
	return patchJSON(w, r, func() (grades.ItemInput, error) {
		cur, err := a.grades.Item(ctx, u, id)
		if err != nil {
			return grades.ItemInput{}, err
		}
		return grades.ItemInput{Title: cur.Title, MaxPoints: cur.MaxPoints, CategoryID: cur.CategoryID, Hidden: cur.Hidden}, nil
	}, func(in grades.ItemInput) (*lms.GradeItem, error) { return a.grades.UpdateItem(ctx, u, id, in) })
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
