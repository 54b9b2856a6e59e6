package course

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// box is one ISO BMFF box.
func box(typ string, payload ...[]byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(bytes.Join(payload, nil))))
	return append(append(b, typ...), bytes.Join(payload, nil)...)
}

// testMP4 is a small MP4: ftyp, media data, then the movie header with
// the duration (moov after mdat, as a camera writes it).
func testMP4(version byte, timescale uint32, duration uint64) []byte {
	ftyp := box("ftyp", []byte("mp42"), make([]byte, 4), []byte("isommp42"))
	mdat := box("mdat", make([]byte, 4096))
	var mvhd []byte
	if version == 0 {
		mvhd = append([]byte{0, 0, 0, 0}, make([]byte, 8)...)
		mvhd = binary.BigEndian.AppendUint32(mvhd, timescale)
		mvhd = binary.BigEndian.AppendUint32(mvhd, uint32(duration))
	} else {
		mvhd = append([]byte{1, 0, 0, 0}, make([]byte, 16)...)
		mvhd = binary.BigEndian.AppendUint32(mvhd, timescale)
		mvhd = binary.BigEndian.AppendUint64(mvhd, duration)
	}
	mvhd = append(mvhd, make([]byte, 80)...) // rate, volume, matrix, ... (unread)
	return bytes.Join([][]byte{ftyp, mdat, box("moov", box("mvhd", mvhd), box("trak"))}, nil)
}

func TestMP4Duration(t *testing.T) {
	cases := []struct {
		name string
		file []byte
		want time.Duration
	}{
		{"version 0", testMP4(0, 1000, 100_000), 100 * time.Second},
		{"version 1", testMP4(1, 90_000, 90_000*75), 75 * time.Second},
		{"no moov", box("ftyp", []byte("mp42")), 0},
		{"zero timescale", testMP4(0, 0, 5), 0},
		{"truncated in the movie header", testMP4(0, 1000, 100_000)[:4154], 0},
		{"garbage", []byte("not an mp4 at all, just some text"), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mp4Duration(bytes.NewReader(tc.file))
			if got != tc.want || (tc.want == 0) != (err != nil) {
				t.Fatalf("mp4Duration = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// TestUploadedVideoPositionIsBoundByTime: for a lesson whose video is an
// uploaded MP4 of 100 s, a client cannot claim more of it than the time
// that passed allows (at up to double speed), so it cannot complete the
// lesson at once; watching for real completes it.
func TestUploadedVideoPositionIsBoundByTime(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	ins, learner := f.as("instructor"), f.as("learner")
	up := must(f.svc.Uploads.SaveUpload(ctx, ins, f.a.ID, "talk.mp4", bytes.NewReader(testMP4(0, 1000, 100_000)))).get(t)
	if up.ContentType != "video/mp4" {
		t.Fatalf("the test video was sniffed as %q", up.ContentType)
	}
	must(f.svc.Content.UpdateLesson(ctx, ins, f.lesson.ID, LessonInput{Title: "Talk", CompletionRule: lms.CompleteVideo,
		CompletionPercent: 80, BodyMD: fmt.Sprintf("Watch this:\n\n![talk](%s%d)", UploadURLPrefix, up.ID)})).get(t)

	must(f.svc.Content.GetLesson(ctx, learner, f.lesson.ID)).get(t) // opens it
	p := must(f.svc.Progress.HeartbeatVideo(ctx, learner, f.lesson.ID, 0, 100)).get(t)
	if p.Completed() || p.VideoPercent > 15 {
		t.Fatalf("right after opening, a claim of 100 %% kept %d %% (completed %v); want at most the slack", p.VideoPercent, p.Completed())
	}
	f.clock.Advance(20 * time.Second) // 20 s at 2x: at most 40 % more (+ slack)
	p = must(f.svc.Progress.HeartbeatVideo(ctx, learner, f.lesson.ID, 20, 100)).get(t)
	if p.Completed() || p.VideoPercent > 60 {
		t.Fatalf("after 20 s, kept %d %% (completed %v)", p.VideoPercent, p.Completed())
	}
	for range 8 { // watching on: 10 s of real time per heartbeat, the position as the player says
		f.clock.Advance(10 * time.Second)
		p = must(f.svc.Progress.HeartbeatVideo(ctx, learner, f.lesson.ID, 10, min(p.VideoPercent+10, 100))).get(t)
	}
	if !p.Completed() {
		t.Fatalf("after watching for real: %+v, want completed", p)
	}
}
