package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/privacy"
)

// privacyRoutes lists the privacy routes (docs/api.md, section Privacy):
// a person's own data and deletion request, and the administrators'
// requests list, retention setting and anonymising.
func (a *API) privacyRoutes() []route {
	p := Prefix
	return []route{
		{Method: "GET", Path: p + "/me/export", Summary: "Download all your data (JSON and your files, as a zip)", Auth: authUser,
			RespType: "application/zip", Status: 200, Handler: a.getExport},
		{Method: "GET", Path: p + "/me/deletion-request", Summary: "Your request to delete your account (404 when none)", Auth: authUser,
			Resp: lms.DeletionRequest{}, Status: 200, Handler: a.getDeletionRequest},
		{Method: "POST", Path: p + "/me/deletion-request", Summary: "Ask the administrators to delete your account", Auth: authUser,
			Req: privacy.DeletionInput{}, Resp: lms.DeletionRequest{}, Status: 201, Handler: a.postDeletionRequest},
		{Method: "DELETE", Path: p + "/me/deletion-request", Summary: "Take back your deletion request", Auth: authUser,
			Status: 204, Handler: a.deleteDeletionRequest},
		{Method: "GET", Path: p + "/admin/deletion-requests", Summary: "Open deletion requests, oldest first", Auth: authAdmin,
			Resp: DeletionRequestList{}, Status: 200, Handler: a.getDeletionRequests, Query: pageParams},
		{Method: "GET", Path: p + "/admin/privacy", Summary: "The privacy retention setting", Auth: authAdmin,
			Resp: lms.Retention{}, Status: 200, Handler: a.getRetention},
		{Method: "PATCH", Path: p + "/admin/privacy", Summary: "Change the privacy retention setting", Auth: authAdmin,
			Req: privacy.RetentionPatch{}, Resp: lms.Retention{}, Status: 200, Handler: a.patchRetention},
		{Method: "POST", Path: p + "/admin/users/{id}/anonymise", Summary: "Anonymise a user (posts stay as Deleted user; grades by the retention setting)",
			Auth: authAdmin, Resp: privacy.Anonymised{}, Status: 200, Handler: a.postAnonymise},
	}
}

// DeletionRequestList is a page of deletion requests.
type DeletionRequestList struct {
	Items      []*lms.DeletionRequest `json:"items"`
	NextCursor string                 `json:"next_cursor,omitempty"`
}

func (a *API) getExport(w http.ResponseWriter, r *http.Request) error {
	u := caller(r)
	x, ups, err := a.privacy.Collect(r.Context(), u)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="lyceum-%s-%s.zip"`, u.Username,
		x.ExportedAt.Format("2006-01-02")))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if err := a.privacy.WriteExport(r.Context(), u, x, ups, w); err != nil {
		// The status is sent: log it; the client sees a broken zip.
		a.log.Error().Err(err).Int64("user_id", u.ID).Msg("privacy export failed while writing")
	}
	return nil
}

func (a *API) getDeletionRequest(w http.ResponseWriter, r *http.Request) error {
	d, err := a.privacy.MyDeletionRequest(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (a *API) postDeletionRequest(w http.ResponseWriter, r *http.Request) error {
	var in privacy.DeletionInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := a.privacy.RequestDeletion(r.Context(), caller(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, d)
}

func (a *API) deleteDeletionRequest(w http.ResponseWriter, r *http.Request) error {
	if err := a.privacy.WithdrawDeletion(r.Context(), caller(r)); err != nil {
		return err
	}
	return noContent(w)
}

func (a *API) getDeletionRequests(w http.ResponseWriter, r *http.Request) error {
	p, err := listPage(r)
	if err != nil {
		return err
	}
	all, err := a.privacy.DeletionRequests(r.Context(), caller(r))
	if err != nil {
		return err
	}
	items, next := slicePage(p, all)
	return writeJSON(w, http.StatusOK, DeletionRequestList{Items: items, NextCursor: next})
}

func (a *API) getRetention(w http.ResponseWriter, r *http.Request) error {
	ret, err := a.privacy.Retention(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ret)
}

func (a *API) patchRetention(w http.ResponseWriter, r *http.Request) error {
	var p privacy.RetentionPatch
	if err := decodeJSON(w, r, &p); err != nil {
		return err
	}
	ret, err := a.privacy.PatchRetention(r.Context(), caller(r), p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ret)
}

func (a *API) postAnonymise(w http.ResponseWriter, r *http.Request) error {
	return onIDJSON(w, r, func(ctx context.Context, u *lms.User, id int64) (*privacy.Anonymised, error) {
		return a.privacy.Anonymise(ctx, u, id)
	})
}
