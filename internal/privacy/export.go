package privacy

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Export is everything Lyceum stores about one person, as data.json of
// their download.
type Export struct {
	ExportedAt      time.Time                 `json:"exported_at"`
	Profile         *lms.User                 `json:"profile"`
	Enrollments     []*lms.Enrollment         `json:"enrollments"`
	Progress        []*lms.LessonProgress     `json:"progress"`
	Posts           []*lms.Post               `json:"posts"`
	Messages        []*lms.Message            `json:"chat_messages"`
	Announcements   []*lms.CourseAnnouncement `json:"course_announcements"` // they wrote, scheduled ones too
	Submissions     []SubmissionExport        `json:"submissions"`
	Extensions      []*lms.Extension          `json:"assignment_extensions"` // granted to them (no staff note)
	Attempts        []*lms.Attempt            `json:"quiz_attempts"`
	Grades          []*lms.Grade              `json:"grades"` // released to them, on visible items
	Notifications   []*lms.Notification       `json:"notifications"`
	Files           []FileExport              `json:"files"`
	DeletionRequest *lms.DeletionRequest      `json:"deletion_request,omitempty"`
}

// SubmissionExport is one submission with every version.
type SubmissionExport struct {
	*lms.Submission
	Versions []*lms.SubmissionVersion `json:"versions"`
}

// FileExport is one of the person's files and where the zip holds it.
type FileExport struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	// Path is the file's place in the zip; "" when its content is missing.
	Path string `json:"path"`
}

// exportRoot is the folder every entry of the zip is in.
const exportRoot = "lyceum-export"

// Collect gathers the caller's data (no files' content).
func (s *Service) Collect(ctx context.Context, actor *lms.User) (*Export, []*lms.Upload, error) {
	if err := requireUser(actor); err != nil {
		return nil, nil, err
	}
	id := actor.ID
	st := s.store
	x := &Export{ExportedAt: s.now().UTC()}
	var err error
	if x.Profile, err = st.UserByID(ctx, id); err != nil {
		return nil, nil, err
	}
	steps := []func() error{
		func() (err error) { x.Enrollments, err = st.AllUserEnrollments(ctx, id); return },
		func() (err error) { x.Progress, err = st.UserProgress(ctx, id); return },
		func() (err error) { x.Posts, err = st.UserPosts(ctx, id); return },
		func() (err error) { x.Messages, err = st.UserMessages(ctx, id); return },
		func() (err error) { x.Announcements, err = st.UserCourseAnnouncements(ctx, id); return },
		func() (err error) { x.Attempts, err = st.UserAttempts(ctx, id); return },
		func() (err error) { x.Grades, err = st.UserReleasedGrades(ctx, id); return },
		func() (err error) { x.Notifications, err = st.UserNotifications(ctx, id); return },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, nil, fmt.Errorf("privacy: export: %w", err)
		}
	}
	subs, err := st.UserSubmissions(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("privacy: export: %w", err)
	}
	x.Submissions = []SubmissionExport{}
	for _, sub := range subs {
		vs, err := st.SubmissionVersions(ctx, sub.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("privacy: export: versions: %w", err)
		}
		if !sub.Released {
			// Grading stays with the graders until released.
			c := *sub
			c.Graded, c.Score, c.Penalty, c.RubricLevels, c.FeedbackMD, c.FeedbackHTML, c.FeedbackFile = false, 0, 0, nil, "", "", 0
			c.GradedBy, c.GradedAt = 0, time.Time{}
			sub = &c
		}
		x.Submissions = append(x.Submissions, SubmissionExport{Submission: sub, Versions: vs})
	}
	if x.Extensions, err = st.UserExtensions(ctx, id); err != nil {
		return nil, nil, fmt.Errorf("privacy: export: extensions: %w", err)
	}
	for _, e := range x.Extensions {
		e.Reason = "" // the staff's note stays with the staff, like unreleased grading
	}
	if r, err := st.DeletionRequestOf(ctx, id); err == nil {
		x.DeletionRequest = r
	} else if !lms.IsCode(err, lms.ENOTFOUND) {
		return nil, nil, err
	}
	ups, err := st.UserUploads(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("privacy: export: uploads: %w", err)
	}
	x.Files = []FileExport{}
	for _, u := range ups {
		x.Files = append(x.Files, FileExport{ID: u.ID, Name: u.Name, ContentType: u.ContentType, Size: u.Size,
			Path: path.Join(exportRoot, "files", fmt.Sprintf("%d-%s", u.ID, safeName(u.Name)))})
	}
	return x, ups, nil
}

// safeName keeps a file name readable and harmless inside a zip.
func safeName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || unicode.IsControl(r) {
			return '_'
		}
		return r
	}, path.Base(name))
	if name == "" || name == "." || name == ".." {
		return "file"
	}
	return name
}

// WriteExport writes the caller's data as a zip to w: data.json and their
// files (a file whose content is missing is listed with an empty path).
// It is audited. Collect first fails before anything is written, so a
// caller can still answer with an error.
func (s *Service) WriteExport(ctx context.Context, actor *lms.User, x *Export, ups []*lms.Upload, w io.Writer) error {
	if err := requireUser(actor); err != nil {
		return err
	}
	if err := s.audit(ctx, s.store, actor, lms.AuditDataExport, actor.ID, fmt.Sprintf(`{"files":%d}`, len(ups))); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for i, u := range ups {
		if err := s.copyFile(ctx, zw, u, x.Files[i].Path); err != nil {
			s.log.Warn().Err(err).Int64("upload_id", u.ID).Msg("privacy export: a file is missing")
			x.Files[i].Path = ""
		}
	}
	f, err := zw.Create(path.Join(exportRoot, "data.json"))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(x); err != nil {
		return err
	}
	return zw.Close()
}

// copyFile adds the upload's content to the zip at name.
func (s *Service) copyFile(ctx context.Context, zw *zip.Writer, u *lms.Upload, name string) error {
	rc, err := s.files.Open(ctx, u)
	if err != nil {
		return err
	}
	defer rc.Close()
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: u.CreatedAt})
	if err != nil {
		return err
	}
	_, err = io.Copy(f, rc)
	return err
}
