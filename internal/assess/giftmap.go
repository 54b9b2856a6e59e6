package assess

import (
	"strings"
	"unicode/utf8"

	"github.com/lyceumhq/lyceum/internal/gift"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// blankMark stands for the blank of a GIFT missing-word question in the
// question text (the bank has no missing-word form of its own).
const blankMark = "_____"

// fromGIFT maps a GIFT question onto the bank's model. Texts keep their
// markup: the bank's texts are Markdown, which passes Moodle's HTML
// through (it is sanitised when rendered).
func fromGIFT(g *gift.Question) (*lms.Question, error) {
	q := &lms.Question{Type: lms.QuestionType(g.Type), Title: g.Title, TextMD: g.Text,
		GeneralFeedbackMD: g.GeneralFeedback, Tags: g.Tags, DefaultPoints: 1, TryPenalty: lms.DefaultTryPenalty}
	if g.TextAfter != "" {
		q.TextMD = g.Text + blankMark + g.TextAfter
	}
	if q.Title == "" {
		q.Title = titleOf(q.TextMD)
	}
	b := &q.Body
	switch g.Type {
	case gift.Single, gift.Multiple:
		b.Choice = &lms.ChoiceBody{Shuffle: true}
		for _, a := range g.Answers {
			b.Choice.Choices = append(b.Choice.Choices, lms.Choice{TextMD: a.Text, Fraction: a.Fraction, FeedbackMD: a.Feedback})
		}
	case gift.TrueFalse:
		tf := &lms.TrueFalseBody{Answer: g.Truth}
		if g.Truth {
			tf.FeedbackTrueMD, tf.FeedbackFalseMD = g.FeedbackRight, g.FeedbackWrong
		} else {
			tf.FeedbackTrueMD, tf.FeedbackFalseMD = g.FeedbackWrong, g.FeedbackRight
		}
		b.TrueFalse = tf
	case gift.ShortAnswer:
		b.ShortAnswer = &lms.ShortAnswerBody{}
		for _, a := range g.Answers {
			b.ShortAnswer.Answers = append(b.ShortAnswer.Answers, lms.TextAnswer{Pattern: a.Text, Fraction: a.Fraction, FeedbackMD: a.Feedback})
		}
	case gift.Numerical:
		b.Numerical = &lms.NumericalBody{}
		for _, a := range g.Answers {
			n := lms.NumericAnswer{Kind: lms.NumRange, Min: -anyNumber, Max: anyNumber, Fraction: a.Fraction, FeedbackMD: a.Feedback}
			switch {
			case a.Value != nil:
				n = lms.NumericAnswer{Kind: lms.NumExact, Value: *a.Value, Fraction: a.Fraction, FeedbackMD: a.Feedback}
				if a.Tolerance != nil {
					n.Tolerance = *a.Tolerance
				}
			case a.Min != nil && a.Max != nil:
				n.Min, n.Max = *a.Min, *a.Max
			}
			b.Numerical.Answers = append(b.Numerical.Answers, n)
		}
	case gift.Matching:
		b.Matching = &lms.MatchingBody{Shuffle: true}
		for _, p := range g.Pairs {
			if p.Question == "" {
				b.Matching.Distractors = append(b.Matching.Distractors, lms.MatchAnswer{Answer: p.Answer})
				continue
			}
			b.Matching.Pairs = append(b.Matching.Pairs, lms.MatchPair{StemMD: p.Question, Answer: p.Answer})
		}
	case gift.Ordering:
		b.Ordering = &lms.OrderingBody{AllOrNothing: g.Ordering != nil && g.Ordering.Grading == "ALL_OR_NOTHING"}
		for _, a := range g.Answers {
			b.Ordering.Items = append(b.Ordering.Items, lms.OrderItem{TextMD: a.Text})
		}
	case gift.Essay:
		b.Essay = &lms.EssayBody{}
	case gift.Description:
		q.DefaultPoints, q.TryPenalty = 0, 0
	default:
		return nil, lms.Errorf(lms.EUNSUPPORTED, "GIFT question type %q is not supported.", g.Type)
	}
	q.FillIDs()
	return q, nil
}

// titleOf makes a title from a text: its first line, at most 60 characters.
func titleOf(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	if utf8.RuneCountInString(line) > 60 {
		line = string([]rune(line)[:59]) + "…"
	}
	if strings.TrimSpace(line) == "" {
		return "Question"
	}
	return line
}

// toGIFT maps a bank question onto GIFT. Blanks, calculated questions
// and numerical units have no GIFT form (EUNSUPPORTED).
func toGIFT(q *lms.Question) (gift.Question, error) {
	g := gift.Question{Type: gift.Type(q.Type), Title: q.Title, Tags: q.Tags, Format: gift.FormatMarkdown,
		Text: q.TextMD, GeneralFeedback: q.GeneralFeedbackMD}
	b := &q.Body
	switch q.Type {
	case lms.QSingle, lms.QMultiple:
		for _, c := range b.Choice.Choices {
			g.Answers = append(g.Answers, gift.Answer{Text: c.TextMD, Fraction: c.Fraction, Feedback: c.FeedbackMD})
		}
	case lms.QTrueFalse:
		g.Truth = b.TrueFalse.Answer
		if g.Truth {
			g.FeedbackRight, g.FeedbackWrong = b.TrueFalse.FeedbackTrueMD, b.TrueFalse.FeedbackFalseMD
		} else {
			g.FeedbackWrong, g.FeedbackRight = b.TrueFalse.FeedbackTrueMD, b.TrueFalse.FeedbackFalseMD
		}
	case lms.QShortAnswer:
		if b.ShortAnswer.CaseSensitive {
			return g, lms.Errorf(lms.EUNSUPPORTED, "GIFT has no case-sensitive short answers.")
		}
		for _, a := range b.ShortAnswer.Answers {
			g.Answers = append(g.Answers, gift.Answer{Text: a.Pattern, Fraction: a.Fraction, Feedback: a.FeedbackMD})
		}
	case lms.QNumerical:
		if b.Numerical.Units != nil {
			return g, lms.Errorf(lms.EUNSUPPORTED, "GIFT has no units.")
		}
		for _, a := range b.Numerical.Answers {
			ga := gift.Answer{Fraction: a.Fraction, Feedback: a.FeedbackMD}
			switch {
			case a.Kind == lms.NumExact:
				ga.Value, ga.Tolerance = &a.Value, &a.Tolerance
			case a.Min <= -anyNumber && a.Max >= anyNumber:
				ga.Text = "*"
			default:
				ga.Min, ga.Max = &a.Min, &a.Max
			}
			g.Answers = append(g.Answers, ga)
		}
	case lms.QMatching:
		for _, p := range b.Matching.Pairs {
			g.Pairs = append(g.Pairs, gift.Pair{Question: p.StemMD, Answer: p.Answer})
		}
		for _, d := range b.Matching.Distractors {
			g.Pairs = append(g.Pairs, gift.Pair{Answer: d.Answer})
		}
	case lms.QOrdering:
		g.Ordering = &gift.OrderingOptions{Count: len(b.Ordering.Items)}
		if b.Ordering.AllOrNothing {
			g.Ordering.Grading = "ALL_OR_NOTHING"
		}
		for _, it := range b.Ordering.Items {
			g.Answers = append(g.Answers, gift.Answer{Text: it.TextMD})
		}
	case lms.QEssay, lms.QDescription:
	default:
		return g, lms.Errorf(lms.EUNSUPPORTED, "GIFT cannot hold %s questions.", q.Type)
	}
	if err := g.Validate(); err != nil {
		return g, lms.Errorf(lms.EUNSUPPORTED, "%s", err.Error())
	}
	return g, nil
}
