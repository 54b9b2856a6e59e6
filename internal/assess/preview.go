package assess

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/question"
)

// previewSeed draws a preview's numbers and order: any fixed seed shows the
// editor one learner's instance, the same on every refresh.
const previewSeed = 1

// QuestionPreview is a question as a learner will see it, plus, for a
// calculated question, the right answer for the values drawn (so an editor
// trying other values checks the formula).
type QuestionPreview struct {
	question.View
	// RightAnswer is a calculated question's answer for these values, as a
	// review shows it.
	RightAnswer string `json:"right_answer,omitempty"`
}

// PreviewQuestion shows a question, saved or not, as a learner will see it
// in an attempt (view_drafts in its course): the question is validated
// first, so an editor sees the mistake instead of a preview. seed picks
// the learner's draw (0: the same one every time).
func (s *Service) PreviewQuestion(ctx context.Context, actor *lms.User, courseID int64, q *lms.Question, seed uint64) (*QuestionPreview, error) {
	if _, err := s.access.Load(ctx, actor, courseID, actViewBank); err != nil {
		return nil, err
	}
	if err := question.Validate(q); err != nil {
		return nil, err
	}
	if seed == 0 {
		seed = previewSeed
	}
	inst, err := question.Instantiate(q, seed)
	if err != nil {
		return nil, err
	}
	g, err := question.NewGrader(q, inst)
	if err != nil {
		return nil, err
	}
	p := QuestionPreview{View: g.LearnerView(false)}
	p.RenderMarkdown(s.md.render)
	if r, ok := g.RightAnswer(); ok && q.Type == lms.QCalculated {
		p.RightAnswer = r.Text
	}
	return &p, nil
}
