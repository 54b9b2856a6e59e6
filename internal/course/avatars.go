package course

import (
	"context"
	"fmt"
	"io"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Avatar rules.
const (
	// MaxAvatarBytes bounds a profile picture.
	MaxAvatarBytes = 2 << 20
	avatarKind     = "avatar"
)

// avatarTypes are the sniffed content types a profile picture may have.
var avatarTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// avatarRef is the reference that keeps a person's picture from the sweep.
func avatarRef(userID int64) string { return fmt.Sprintf("avatar:%d", userID) }

// SaveAvatar stores actor's new profile picture (a PNG, JPEG, GIF or WebP
// image of at most MaxAvatarBytes) as an upload in no course, referenced as
// "avatar:<id>" so the sweep keeps it and drops the picture it replaces.
// The caller records its URL (UploadURL) on the account.
func (s *Uploads) SaveAvatar(ctx context.Context, actor *lms.User, r io.Reader) (*lms.Upload, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	if s.uploads.Dir == "" {
		return nil, lms.Errorf(lms.EUNAVAILABLE, "Uploads are not configured on this site.")
	}
	u, err := s.put(ctx, actor, "avatar", r, func(ctype string) (string, int64, error) {
		if !avatarTypes[ctype] {
			return "", 0, &lms.Error{Code: lms.EUNSUPPORTED, Field: "file",
				Message: "The avatar must be a PNG, JPEG, GIF or WebP image."}
		}
		return avatarKind, MaxAvatarBytes, nil
	})
	if err != nil {
		if lms.IsCode(err, lms.ETOOLARGE) {
			return nil, &lms.Error{Code: lms.ETOOLARGE, Field: "file",
				Message: fmt.Sprintf("The image must be at most %d bytes.", MaxAvatarBytes)}
		}
		return nil, err
	}
	if err := s.store.SetUploadRefs(ctx, 0, avatarRef(actor.ID), []int64{u.ID}); err != nil {
		return nil, err
	}
	return u, nil
}

// DropAvatar lets the sweep take actor's picture (they removed it).
func (s *Uploads) DropAvatar(ctx context.Context, actor *lms.User) error {
	if err := requireUser(actor); err != nil {
		return err
	}
	return s.store.SetUploadRefs(ctx, 0, avatarRef(actor.ID), nil)
}

// avatarVisible lets anyone signed in see a profile picture.
func avatarVisible(_ context.Context, actor *lms.User, _, _ int64) error { return requireUser(actor) }
