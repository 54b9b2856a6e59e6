package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/assign"
	"github.com/lyceumhq/lyceum/internal/lms"
)

func (a *API) getAssignments(w http.ResponseWriter, r *http.Request) error {
	list, next, err := pageByID(r, a.assign.List)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, AssignmentList{Items: list, NextCursor: next})
}

func (a *API) postAssignment(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, a.assign.Create)
}

func (a *API) getAssignment(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.assign.Get)
}

func (a *API) patchAssignment(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.assign.PatchAssignment)
}

func (a *API) deleteAssignment(w http.ResponseWriter, r *http.Request) error {
	return onID(w, r, a.assign.Delete)
}

func (a *API) getPenalty(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.assign.LatePenalty)
}

func (a *API) getMySubmission(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, a.assign.MySubmission)
}

func (a *API) postSubmission(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusCreated, a.assign.Submit)
}

// getSubmissions answers a page of the graders' table, filtered.
func (a *API) getSubmissions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit, offset, err := offsetPage(r)
	if err != nil {
		return err
	}
	f := assign.Filter{State: r.URL.Query().Get("state"), Late: queryFlag(r, "late"), Unreleased: queryFlag(r, "unreleased")}
	switch f.State {
	case "", assign.StateMissing, assign.StateDraft, assign.StateSubmitted, assign.StateGraded:
	default:
		return lms.FieldError("state", "The state is missing, draft, submitted or graded.")
	}
	rows, err := a.assign.Submissions(r.Context(), caller(r), id, f)
	if err != nil {
		return err
	}
	total := len(rows)
	page := rows[min(offset, total):min(offset+limit, total)]
	return writeJSON(w, http.StatusOK, SubmissionTable{Items: orEmpty(page), Total: total,
		NextCursor: nextOffset(offset, len(page), total)})
}

func (a *API) getExtensions(w http.ResponseWriter, r *http.Request) error {
	list, next, err := pageByID(r, a.assign.Extensions)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ExtensionList{Items: list, NextCursor: next})
}

func (a *API) putExtension(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "user_id")
	if err != nil {
		return err
	}
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, in assign.ExtensionInput) (*lms.Extension, error) {
		return a.assign.GrantExtension(ctx, u, id, userID, in)
	})
}

func (a *API) deleteExtension(w http.ResponseWriter, r *http.Request) error {
	userID, err := pathID(r, "user_id")
	if err != nil {
		return err
	}
	return onID(w, r, func(ctx context.Context, u *lms.User, id int64) error {
		return a.assign.RevokeExtension(ctx, u, id, userID)
	})
}

func (a *API) putGroupExtension(w http.ResponseWriter, r *http.Request) error {
	groupID, err := pathID(r, "group_id")
	if err != nil {
		return err
	}
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, in assign.ExtensionInput) (ExtensionList, error) {
		list, err := a.assign.GrantGroupExtension(ctx, u, id, groupID, in)
		return ExtensionList{Items: list}, err
	})
}

func (a *API) deleteGroupExtension(w http.ResponseWriter, r *http.Request) error {
	groupID, err := pathID(r, "group_id")
	if err != nil {
		return err
	}
	return onID(w, r, func(ctx context.Context, u *lms.User, id int64) error {
		return a.assign.RevokeGroupExtension(ctx, u, id, groupID)
	})
}

func (a *API) getVersions(w http.ResponseWriter, r *http.Request) error {
	list, next, err := pageByID(r, a.assign.Versions)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, VersionList{Items: list, NextCursor: next})
}

// putGrade is the deprecated PUT .../grade, the whole marking: PATCH
// .../grade with the fields to change instead.
func (a *API) putGrade(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.assign.Grade)
}

func (a *API) patchSubmissionGrade(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, a.assign.PatchGrade)
}

func (a *API) postRelease(w http.ResponseWriter, r *http.Request) error {
	return onIDBody(w, r, http.StatusOK, func(ctx context.Context, u *lms.User, id int64, req ReleaseRequest) (SubmissionList, error) {
		list, err := a.assign.Release(ctx, u, id, req.SubmissionIDs)
		return SubmissionList{Items: orEmpty(list)}, err
	})
}

func (a *API) postResync(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := a.assign.Resync(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ResyncResult{Sent: n})
}

// getSubmissionsZip streams every submission handed in as one zip: the
// headers go out with the first byte, so a refusal (or any failure before
// the zip starts) is still a problem document; a failure midway cuts the
// download short, which zip readers report (the central directory is last).
func (a *API) getSubmissionsZip(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	lw := &lazyDownload{w: w, ctype: "application/zip", name: "submissions-" + strconv.FormatInt(id, 10) + ".zip"}
	err = a.assign.DownloadAll(r.Context(), caller(r), id, lw)
	if err != nil && lw.started {
		a.log.Warn().Err(err).Int64("assignment", id).Msg("submissions zip cut short")
		return nil
	}
	return err
}

// lazyDownload writes a download's headers before its first byte.
type lazyDownload struct {
	w           http.ResponseWriter
	ctype, name string
	started     bool
}

func (d *lazyDownload) Write(p []byte) (int, error) {
	if !d.started {
		d.started = true
		downloadHeaders(d.w, d.ctype, d.name)
		d.w.WriteHeader(http.StatusOK)
	}
	return d.w.Write(p)
}

// downloadHeaders marks a response as a file to save.
func downloadHeaders(w http.ResponseWriter, ctype, name string) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
}
