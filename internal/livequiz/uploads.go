package livequiz

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// RefGame is the upload reference kind of a game: "game:<id>" references
// the files its questions show (each question's picture, and the images
// its bank question's Markdown links), so players can open them while a
// quiz question of the bank stays hidden from them (assess shows a bank
// question's files only to learners an attempt asked it). A bank
// question's files were checked when it was saved; a picture is checked
// when the game is saved (checkImages). Markdown typed on the spot links
// nothing here.
const RefGame = "game"

// imageUpload returns the upload a question's picture is (0: none);
// ok is false when the picture is not one of the site's uploads.
func imageUpload(q *lms.GameQuestion) (id int64, ok bool) {
	if q.ImagePath == "" {
		return 0, true
	}
	rest, found := strings.CutPrefix(q.ImagePath, course.UploadURLPrefix)
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, found && err == nil && id > 0
}

// checkImages checks that every question's picture is an upload that
// actor may show in the course: their own or one used there already.
func (s *Service) checkImages(ctx context.Context, actor *lms.User, courseID int64, qs []*lms.GameQuestion) error {
	for i, q := range qs {
		field := fmt.Sprintf("questions[%d].image_path", i)
		id, ok := imageUpload(q)
		switch {
		case !ok:
			return lms.FieldError(field, "The picture must be a file uploaded to Lyceum (%s…).", course.UploadURLPrefix)
		case id == 0 || actor.IsAdmin():
			continue
		}
		usable, err := s.data.UploadUsableBy(ctx, id, actor.ID, courseID)
		if err != nil {
			return err
		}
		if !usable {
			return lms.FieldError(field, "The file %s was not uploaded by you or used in this course: upload it here first.",
				q.ImagePath)
		}
	}
	return nil
}

// gameUploads returns the uploads the game's questions show.
func gameUploads(qs []*lms.GameQuestion) []int64 {
	var ids []int64
	for _, q := range qs {
		ids = append(ids, questionUploads(q)...)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// questionUploads returns the uploads one game question shows: its
// picture and, for a bank question, what its Markdown links.
func questionUploads(q *lms.GameQuestion) []int64 {
	var ids []int64
	if id, ok := imageUpload(q); ok && id != 0 {
		ids = append(ids, id)
	}
	if q.SourceID == 0 {
		return ids
	}
	body, _ := json.Marshal(q.Question.Body)
	return append(ids, course.UploadRefs(q.Question.TextMD+"\n"+q.Question.GeneralFeedbackMD+"\n"+
		strings.Join(q.Question.Hints, "\n")+"\n"+string(body))...)
}

// linkUploads records the files g's questions link (after they are saved).
func (s *Service) linkUploads(ctx context.Context, g *lms.Game, qs []*lms.GameQuestion) error {
	return s.data.SetUploadRefs(ctx, g.CourseID, gameRef(g.ID), gameUploads(qs))
}

func gameRef(id int64) string { return RefGame + ":" + strconv.FormatInt(id, 10) }

// Readers returns the reader of the uploads this package references, to
// register with the upload service (course.Uploads.RegisterReader): those
// who run the game always; its room's members once the game has shown
// the question that links the file (the current one or an earlier one,
// or any after the game ended), so an image gives nothing away early.
func (s *Service) Readers() map[string]course.RefReader {
	return map[string]course.RefReader{
		RefGame: func(ctx context.Context, actor *lms.User, id, uploadID int64) error {
			g, canRun, err := s.Game(ctx, actor, id)
			if err != nil || canRun {
				return err
			}
			qs, err := s.data.GameQuestions(ctx, id)
			if err != nil {
				return err
			}
			for _, q := range qs {
				if slices.Contains(questionUploads(q), uploadID) && shown(g.State, q.Index) {
					return nil
				}
			}
			return lms.Errorf(lms.ENOTFOUND, "file not found")
		},
	}
}

// shown reports whether the question at index has been shown to players.
func shown(st lms.GameState, index int) bool {
	return st.Phase == lms.PhaseFinished || (st.Phase != lms.PhaseLobby && index <= st.Index)
}
