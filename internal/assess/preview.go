package assess

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/question"
)

// previewSeed draws a preview's numbers and order: any fixed seed shows the
// editor one learner's instance, the same on every refresh.
const previewSeed = 1

// PreviewQuestion shows a question, saved or not, as a learner will see it
// in an attempt (view_drafts in its course): the question is validated
// first, so an editor sees the mistake instead of a preview.
func (s *Service) PreviewQuestion(ctx context.Context, actor *lms.User, courseID int64, q *lms.Question) (*question.View, error) {
	if _, err := s.access.Load(ctx, actor, courseID, actViewBank); err != nil {
		return nil, err
	}
	if err := question.Validate(q); err != nil {
		return nil, err
	}
	inst, err := question.Instantiate(q, previewSeed)
	if err != nil {
		return nil, err
	}
	v, err := question.LearnerView(q, inst, false)
	if err != nil {
		return nil, err
	}
	v.RenderMarkdown(s.md.render)
	return &v, nil
}
