package question

import (
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// WordCount counts the words of an essay the way its limits are checked:
// runs of characters between white space (Markdown marks included).
func WordCount(text string) int { return len(strings.Fields(text)) }

// CheckEssay checks a stored essay response against the question's word
// limits and required attachments. Saving a draft need not pass; the
// service calls it when the attempt is submitted. It returns an EINVALID
// *lms.Error naming the field, or nil (also for other question types).
func CheckEssay(q *lms.Question, r lms.Response) error {
	e := q.Body.Essay
	if q.Type != lms.QEssay || e == nil {
		return nil
	}
	n := WordCount(r.Text)
	switch {
	case e.MinWords > 0 && n < e.MinWords:
		return lms.FieldError("text", "Write at least %d words (you wrote %d).", e.MinWords, n)
	case e.MaxWords > 0 && n > e.MaxWords:
		return lms.FieldError("text", "Write at most %d words (you wrote %d).", e.MaxWords, n)
	case len(r.Uploads) < e.RequiredAttachments:
		return lms.FieldError("uploads", "Attach at least %d files.", e.RequiredAttachments)
	}
	return nil
}
