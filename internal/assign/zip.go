package assign

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// DownloadAll writes every submission handed in for grading as one zip
// (ActGrade): a folder per learner or group ("name (id)") holding the
// online text as text.md and the files under their upload names. Drafts
// are left out.
func (s *Service) DownloadAll(ctx context.Context, actor *lms.User, id int64, w io.Writer) error {
	a, _, err := s.assignment(ctx, actor, id, lms.ActGrade)
	if err != nil {
		return err
	}
	rows, err := s.table(ctx, a)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, r := range rows {
		sub := r.Submission
		if sub == nil || sub.SubmittedAt.IsZero() || sub.Status != lms.SubmissionSubmitted {
			continue
		}
		owner := r.UserID
		if r.GroupID != 0 {
			owner = r.GroupID
		}
		dir := safeName(r.Name) + " (" + strconv.FormatInt(owner, 10) + ")/"
		used := map[string]bool{}
		if sub.Text != "" {
			if err := s.zipFile(zw, dir+"text.md", sub, io.NopCloser(strings.NewReader(sub.Text))); err != nil {
				return err
			}
			used["text.md"] = true
		}
		for _, fid := range sub.Files {
			if err := ctx.Err(); err != nil {
				return err
			}
			u, err := s.files.UploadByID(ctx, fid)
			if lms.IsCode(err, lms.ENOTFOUND) {
				continue // swept or deleted
			}
			if err != nil {
				return err
			}
			name := safeName(u.Name)
			for i := 2; used[name]; i++ {
				name = strconv.Itoa(i) + "-" + safeName(u.Name)
			}
			used[name] = true
			rc, err := s.files.Open(ctx, u)
			if err != nil {
				return err
			}
			if err := s.zipFile(zw, dir+name, sub, rc); err != nil {
				return err
			}
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write zip: %w", err)
	}
	return nil
}

// zipFile adds one entry, dated when the work was submitted, and closes rc.
func (s *Service) zipFile(zw *zip.Writer, name string, sub *lms.Submission, rc io.ReadCloser) error {
	defer func() { _ = rc.Close() }()
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: sub.SubmittedAt})
	if err != nil {
		return fmt.Errorf("write zip: %w", err)
	}
	if _, err := io.Copy(fw, rc); err != nil {
		return fmt.Errorf("write zip entry %s: %w", name, err)
	}
	return nil
}
