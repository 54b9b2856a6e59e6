package course

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Uploads owns stored files: one content-addressed store on disk, who may
// read each file, and the sweep of files nothing references.
type Uploads struct {
	core
	store     UploadsStore
	uploads   UploadParams
	durations *sync.Map // upload id -> time.Duration of its MP4 (0: none), see LessonVideoDuration
	// readers check, per kind of reference ("course", "lesson",
	// "message", and those registered with RegisterReader), that the
	// caller may see the thing that references an upload; set by
	// NewServices and RegisterReader before the uploads are served.
	readers map[string]RefReader
}

// RefReader reports (a nil error) whether actor may see the thing id that
// references uploadID: a course's cover, a lesson, a message.
type RefReader func(ctx context.Context, actor *lms.User, id, uploadID int64) error

// RegisterReader makes fn decide who may read uploads referenced as
// "<kind>:<id>" by a service outside this package (e.g. assignments).
// Register every reader after building the services and before serving
// anyone: the readers are not guarded for concurrent change. Registering
// a kind twice, or a nil fn, is a programming error and panics.
func (s *Uploads) RegisterReader(kind string, fn RefReader) {
	if fn == nil || kind == "" {
		panic("course: RegisterReader needs a kind and a reader")
	}
	if _, dup := s.readers[kind]; dup {
		panic("course: a reader for " + kind + " uploads is registered already")
	}
	if s.readers == nil {
		s.readers = map[string]RefReader{}
	}
	s.readers[kind] = fn
}

// NewUploads returns the Uploads service; zero fields of p take the
// defaults.
func NewUploads(b Base, st UploadsStore, p UploadParams) *Uploads {
	return &Uploads{core: newCore(b), store: st, uploads: p.withDefaults(), durations: &sync.Map{}}
}

// Upload kinds, each with its own size limit.
const (
	KindImage    = "image"
	KindVideo    = "video"
	KindAudio    = "audio"
	KindDocument = "document"
)

// Default upload size limits per kind.
const (
	DefaultImageLimit    = 10 << 20  // 10 MiB
	DefaultVideoLimit    = 500 << 20 // 500 MiB
	DefaultAudioLimit    = 50 << 20  // 50 MiB
	DefaultDocumentLimit = 25 << 20  // 25 MiB
	sniffBytes           = 512       // what http.DetectContentType reads
	sweepBatch           = 100       // uploads swept per query
	uploadDirPerm        = 0o750
)

// allowedTypes maps a sniffed content type to its kind. Anything else
// (HTML, SVG, scripts, executables) is refused: the type is decided by the
// content, never by the name.
var allowedTypes = map[string]string{
	"image/png": KindImage, "image/jpeg": KindImage, "image/gif": KindImage, "image/webp": KindImage,
	"video/mp4": KindVideo, "video/webm": KindVideo, "audio/mpeg": KindAudio, "audio/ogg": KindAudio,
	"audio/wave": KindAudio, "application/ogg": KindAudio, "application/pdf": KindDocument,
	"application/zip": KindDocument, "text/plain; charset=utf-8": KindDocument,
}

// UploadParams configure stored files.
type UploadParams struct {
	// Dir is the directory uploads are stored under (in the data
	// directory); "" disables uploads (EUNAVAILABLE).
	Dir string
	// Limits are the size limits per kind in bytes (set by the admin);
	// missing or zero entries take the defaults.
	Limits map[string]int64
	// Grace is how long an unreferenced upload is kept (zero: DefaultUploadGrace).
	Grace time.Duration
}

func (p UploadParams) withDefaults() UploadParams {
	limits := map[string]int64{KindImage: DefaultImageLimit, KindVideo: DefaultVideoLimit,
		KindAudio: DefaultAudioLimit, KindDocument: DefaultDocumentLimit}
	for k, v := range p.Limits {
		if v > 0 {
			limits[k] = v
		}
	}
	p.Limits = limits
	if p.Grace <= 0 {
		p.Grace = DefaultUploadGrace
	}
	return p
}

// SaveUpload stores a file a member of the course sends (for a lesson or a
// chat message): its type is sniffed from the content (EUNSUPPORTED when
// not allowed), its size checked against the kind's limit (ETOOLARGE), and
// it is stored once under its SHA-256 (the same content uploaded twice is
// one file). The upload is swept unless a lesson or message references it
// within the grace period.
func (s *Uploads) SaveUpload(ctx context.Context, actor *lms.User, courseID int64, name string, r io.Reader) (*lms.Upload, error) {
	a, err := s.load(ctx, actor, courseID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	if err := a.Writable(); err != nil {
		return nil, err
	}
	if s.uploads.Dir == "" {
		return nil, lms.Errorf(lms.EUNAVAILABLE, "Uploads are not configured on this site.")
	}
	name = filepath.Base(strings.TrimSpace(name))
	if err := lms.CheckText("name", name, lms.MaxTitleChars, false); err != nil {
		return nil, err
	}
	return s.put(ctx, actor, name, r, func(ctype string) (string, int64, error) {
		kind, ok := allowedTypes[ctype]
		if !ok {
			return "", 0, &lms.Error{Code: lms.EUNSUPPORTED, Field: "file",
				Message: "This type of file is not allowed: use an image, video, audio, PDF, ZIP or text file."}
		}
		return kind, s.uploads.Limits[kind], nil
	})
}

// put stores the file read from r once per content (the caller checked who
// may upload) and records actor as one of its owners; accept says, from the
// sniffed content type, what kind of file it is and how large it may be.
func (s *Uploads) put(ctx context.Context, actor *lms.User, name string, r io.Reader,
	accept func(ctype string) (kind string, limit int64, err error)) (*lms.Upload, error) {
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return nil, lms.FieldError("file", "The file is empty.")
	}
	ctype := http.DetectContentType(head)
	kind, limit, err := accept(ctype)
	if err != nil {
		return nil, err
	}
	tmpDir := filepath.Join(s.uploads.Dir, "tmp")
	if err := os.MkdirAll(tmpDir, uploadDirPerm); err != nil {
		return nil, fmt.Errorf("create upload dir: %w", err)
	}
	tmp, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("create upload file: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // a no-op once renamed
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(io.MultiReader(bytes.NewReader(head), r), limit+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write upload: %w", err)
	}
	if size > limit {
		return nil, &lms.Error{Code: lms.ETOOLARGE, Field: "file",
			Message: fmt.Sprintf("The file is too large: %s files may be at most %d MiB.", kind, limit>>20)}
	}
	hash := hex.EncodeToString(h.Sum(nil))
	if u, err := s.store.UploadByHash(ctx, hash); err == nil {
		return u, s.store.AddUploadOwner(ctx, u.ID, actor.ID) // the same bytes, uploaded before
	}
	rel := filepath.Join(hash[:2], hash)
	final := filepath.Join(s.uploads.Dir, rel)
	if err := os.MkdirAll(filepath.Dir(final), uploadDirPerm); err != nil {
		return nil, fmt.Errorf("create upload dir: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return nil, fmt.Errorf("store upload: %w", err)
	}
	u := &lms.Upload{Hash: hash, Path: rel, Name: name, ContentType: ctype, Size: size, OwnerID: actor.ID,
		CreatedAt: s.now()}
	if err := s.store.CreateUpload(ctx, u); err != nil {
		if !lms.IsCode(err, lms.ECONFLICT) {
			return nil, err
		}
		if u, err = s.store.UploadByHash(ctx, hash); err != nil { // the same content, uploaded concurrently
			return nil, err
		}
	}
	return u, s.store.AddUploadOwner(ctx, u.ID, actor.ID)
}

// OpenUpload opens an upload for reading (the HTTP layer serves it with
// http.ServeContent for range requests). The caller must be its owner or
// able to see a lesson or message that references it; otherwise ENOTFOUND.
func (s *Uploads) OpenUpload(ctx context.Context, actor *lms.User, uploadID int64) (*lms.Upload, *os.File, error) {
	if err := requireUser(actor); err != nil {
		return nil, nil, err
	}
	u, err := s.store.UploadByID(ctx, uploadID)
	if err != nil {
		return nil, nil, hideMissing(err, "upload")
	}
	owner, err := s.store.UploadUsableBy(ctx, u.ID, actor.ID, 0)
	if err != nil {
		return nil, nil, err
	}
	if !owner && !actor.IsAdmin() {
		ok, err := s.canSeeUpload(ctx, actor, u.ID)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, lms.Errorf(lms.ENOTFOUND, "upload not found")
		}
	}
	return s.openUploadFile(u)
}

// openUploadFile opens an upload's file (the caller checked who may see it).
func (s *Uploads) openUploadFile(u *lms.Upload) (*lms.Upload, *os.File, error) {
	if s.uploads.Dir == "" {
		return nil, nil, lms.Errorf(lms.EUNAVAILABLE, "Uploads are not configured on this site.")
	}
	f, err := os.Open(filepath.Join(s.uploads.Dir, u.Path))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, lms.Errorf(lms.ENOTFOUND, "upload not found")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("open upload: %w", err)
	}
	return u, f, nil
}

// canSeeUpload reports whether a lesson or message the caller can see
// references the upload.
func (s *Uploads) canSeeUpload(ctx context.Context, actor *lms.User, uploadID int64) (bool, error) {
	refs, err := s.store.UploadRefs(ctx, uploadID)
	if err != nil {
		return false, err
	}
	for _, ref := range refs {
		kind, idText, _ := strings.Cut(ref, ":")
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			continue
		}
		check, ok := s.readers[kind]
		if !ok {
			continue
		}
		err = check(ctx, actor, id, uploadID)
		switch {
		case err == nil:
			return true, nil
		case lms.ErrorCode(err) == lms.EINTERNAL:
			return false, err
		}
	}
	return false, nil
}

// attachable checks that the caller may attach the upload to a message:
// their own upload, or any for staff.
func (s *Uploads) attachable(ctx context.Context, actor *lms.User, a *Access, uploadID int64) error {
	_, err := s.store.UploadByID(ctx, uploadID)
	if err == nil {
		err = usableUploads(ctx, s.store, actor, a.Course.ID, "upload_id", []int64{uploadID})
	}
	if lms.IsCode(err, lms.ENOTFOUND) || lms.IsCode(err, lms.EINVALID) {
		return lms.FieldError("upload_id", "Upload the file first.")
	}
	return err
}

// usableStore answers whether someone may use an upload in a course.
type usableStore interface {
	UploadUsableBy(ctx context.Context, uploadID, userID, courseID int64) (bool, error)
}

// usableUploads checks that actor may use every upload in ids in the course
// (a lesson's links, a cover, an attachment): they uploaded it, or the
// course uses it already; administrators may use any. Without this, anyone
// who may edit one course could make another course's file readable by
// naming its id.
func usableUploads(ctx context.Context, st usableStore, actor *lms.User, courseID int64, field string, ids []int64) error {
	if actor.IsAdmin() {
		return nil
	}
	for _, id := range ids {
		ok, err := st.UploadUsableBy(ctx, id, actor.ID, courseID)
		if err != nil {
			return err
		}
		if !ok {
			return lms.FieldError(field, "The file %s was not uploaded by you or used in this course: upload it here first.",
				UploadURL(id))
		}
	}
	return nil
}

// SweepUploads deletes uploads nothing has referenced for the grace period
// (their rows and files) and returns how many. Run it periodically.
func (s *Uploads) SweepUploads(ctx context.Context) (int, error) {
	if s.uploads.Dir == "" {
		return 0, nil
	}
	swept := 0
	for {
		list, err := s.store.UnreferencedUploads(ctx, s.now().Add(-s.uploads.Grace), sweepBatch)
		if err != nil {
			return swept, err
		}
		for _, u := range list {
			if err := s.store.DeleteUpload(ctx, u.ID); err != nil && !lms.IsCode(err, lms.ENOTFOUND) {
				return swept, err
			}
			if err := os.Remove(filepath.Join(s.uploads.Dir, u.Path)); err != nil && !errors.Is(err, os.ErrNotExist) {
				s.log.Warn().Err(err).Str("path", u.Path).Msg("remove swept upload")
			}
			swept++
		}
		if len(list) < sweepBatch {
			return swept, nil
		}
	}
}
