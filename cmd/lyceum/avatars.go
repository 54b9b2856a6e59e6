package main

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/rs/zerolog"

	"github.com/lyceumhq/lyceum/internal/auth"
	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// avatarsMovedKey is the setting that records that the legacy avatars were
// moved, so later starts skip the scan of every account.
const avatarsMovedKey = "avatars_moved_to_uploads"

// legacyAvatarDir is where releases before avatars became uploads kept
// profile pictures (DATA_DIR/avatars/<sha256>.<ext>).
const legacyAvatarDir = "avatars"

// importLegacyAvatars moves profile pictures kept the old way into the
// upload store, once: each account whose avatar path names a file under
// DATA_DIR/avatars gets the same picture as an upload. A missing file
// leaves the account without a picture (logged). Nothing is deleted from
// DATA_DIR/avatars.
func importLegacyAvatars(ctx context.Context, st legacyAvatarStore, uploads *course.Uploads, svc *auth.Service,
	dataDir string, log zerolog.Logger) error {
	if _, err := st.GetValue(ctx, avatarsMovedKey); err == nil {
		return nil // done at an earlier start
	} else if !lms.IsCode(err, lms.ENOTFOUND) {
		return err
	}
	users := st
	moved := 0
	for offset := 0; ; {
		list, _, err := users.ListUsers(ctx, lms.UserFilter{Limit: lms.MaxPageSize, Offset: offset})
		if err != nil {
			return err
		}
		for _, u := range list {
			if !strings.HasPrefix(u.AvatarPath, legacyAvatarDir+"/") || strings.Contains(u.AvatarPath, "..") {
				continue
			}
			if err := importAvatar(ctx, u, uploads, svc, filepath.Join(dataDir, filepath.FromSlash(path.Clean(u.AvatarPath)))); err != nil {
				log.Warn().Err(err).Int64("user", u.ID).Msg("an avatar kept the old way could not be moved; the account has none now")
				if _, err := svc.SetAvatar(ctx, u, ""); err != nil {
					return err
				}
				continue
			}
			moved++
		}
		if len(list) < lms.MaxPageSize {
			break
		}
		offset += len(list)
	}
	if moved > 0 {
		log.Info().Int("avatars", moved).Msg("moved profile pictures into the upload store")
	}
	return st.PutValue(ctx, avatarsMovedKey, "1")
}

// legacyAvatarStore is what importLegacyAvatars reads and records.
type legacyAvatarStore interface {
	store.Users
	store.Settings
}

func importAvatar(ctx context.Context, u *lms.User, uploads *course.Uploads, svc *auth.Service, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	up, err := uploads.SaveAvatar(ctx, u, f)
	if err != nil {
		return err
	}
	_, err = svc.SetAvatar(ctx, u, course.UploadURL(up.ID))
	return err
}
