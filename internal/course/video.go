package course

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// How far a learner's reported video position may advance: the browser
// plays at most maxPlaybackRate times real time, plus videoSlackPercent for
// rounding and a seek to the end of what was buffered.
const (
	maxPlaybackRate   = 2.0
	videoSlackPercent = 2
	// mp4BoxesMax bounds the boxes read while looking for the duration.
	mp4BoxesMax = 64
)

// errNoDuration: the file is not an MP4 whose movie header gives a duration.
var errNoDuration = errors.New("no MP4 duration")

// mp4Duration reads the movie duration from an MP4 (ISO BMFF) file's moov/mvhd
// box, wherever moov is (before or after the media data).
func mp4Duration(r io.ReadSeeker) (time.Duration, error) {
	moov, moovSize, err := findBox(r, 0, math.MaxInt64, "moov")
	if err != nil {
		return 0, err
	}
	mvhd, _, err := findBox(r, moov, moov+moovSize, "mvhd")
	if err != nil {
		return 0, err
	}
	if _, err := r.Seek(mvhd, io.SeekStart); err != nil {
		return 0, err
	}
	var h [32]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, errNoDuration
	}
	var scale, dur uint64
	switch h[0] { // version
	case 0: // flags(3) created(4) modified(4) timescale(4) duration(4)
		scale, dur = uint64(binary.BigEndian.Uint32(h[12:16])), uint64(binary.BigEndian.Uint32(h[16:20]))
	case 1: // flags(3) created(8) modified(8) timescale(4) duration(8)
		scale, dur = uint64(binary.BigEndian.Uint32(h[20:24])), binary.BigEndian.Uint64(h[24:32])
	default:
		return 0, errNoDuration
	}
	if scale == 0 || dur == 0 || dur == math.MaxUint32 || dur/scale > 100*3600 {
		return 0, errNoDuration // unknown or absurd (over 100 hours)
	}
	return time.Duration(float64(dur) / float64(scale) * float64(time.Second)), nil
}

// findBox returns the offset of the payload of the first box of type typ
// among the boxes in [from, to), and the payload's size.
func findBox(r io.ReadSeeker, from, to int64, typ string) (payload, size int64, err error) {
	pos := from
	for range mp4BoxesMax {
		if pos+8 > to {
			break
		}
		if _, err := r.Seek(pos, io.SeekStart); err != nil {
			return 0, 0, err
		}
		var h [16]byte
		if _, err := io.ReadFull(r, h[:8]); err != nil {
			break
		}
		boxSize, hdr := int64(binary.BigEndian.Uint32(h[:4])), int64(8)
		switch boxSize {
		case 1: // 64-bit size follows the type
			if _, err := io.ReadFull(r, h[8:16]); err != nil {
				return 0, 0, errNoDuration
			}
			boxSize, hdr = int64(binary.BigEndian.Uint64(h[8:16])), 16
		case 0: // to the end of the enclosing space
			boxSize = to - pos
		}
		if boxSize < hdr || boxSize > to-pos {
			break
		}
		if string(h[4:8]) == typ {
			return pos + hdr, boxSize - hdr, nil
		}
		pos += boxSize
	}
	return 0, 0, errNoDuration
}

// LessonVideoDuration returns the duration of the first uploaded MP4 the
// lesson links, when there is one (false for linked videos hosted
// elsewhere and other formats). Durations are cached: uploads never change.
func (s *Uploads) LessonVideoDuration(ctx context.Context, l *lms.Lesson) (time.Duration, bool) {
	if s.uploads.Dir == "" {
		return 0, false
	}
	for _, id := range UploadRefs(l.BodyMD) {
		if d, ok := s.durations.Load(id); ok {
			if d := d.(time.Duration); d > 0 {
				return d, true
			}
			continue
		}
		u, err := s.store.UploadByID(ctx, id)
		if err != nil {
			continue // swept or never there: the lesson shows a broken link
		}
		var d time.Duration
		if u.ContentType == "video/mp4" {
			if f, err := os.Open(filepath.Join(s.uploads.Dir, u.Path)); err == nil {
				d, _ = mp4Duration(f)
				f.Close()
			}
		}
		s.durations.Store(id, d)
		if d > 0 {
			return d, true
		}
	}
	return 0, false
}

// boundVideoPercent caps a reported video position by how far playback can
// have advanced since the previous heartbeat (or since the lesson was
// opened): a client cannot claim to have watched more than the time it
// spent allows.
func boundVideoPercent(reported int, prev *lms.LessonProgress, now time.Time, d time.Duration) int {
	base, since := 0, time.Time{}
	if prev != nil {
		base, since = prev.VideoPercent, prev.LastSeenAt
		if since.IsZero() {
			since = prev.OpenedAt
		}
	}
	var elapsed time.Duration
	if !since.IsZero() && now.After(since) {
		elapsed = now.Sub(since) + heartbeatSlack
	}
	advance := int(math.Ceil(elapsed.Seconds() * maxPlaybackRate / d.Seconds() * 100))
	return min(reported, min(base+advance+videoSlackPercent, 100))
}
