package livequiz

import (
	"encoding/json"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/question"
)

// QuestionView is a question as players see it while it is open: nothing
// that gives the answer away, choice and item ids presented (derived from
// the game, so every player and every reload sees the same ids and order).
type QuestionView struct {
	Index   int               `json:"index"`
	Type    lms.QuestionType  `json:"type"`
	TextMD  string            `json:"text_md"`
	Choices []question.Option `json:"choices,omitempty"` // single, multiple, poll
	Items   []question.Option `json:"items,omitempty"`   // ordering: the starting order
	Units   lms.UnitMode      `json:"units,omitempty"`   // numerical
	Seconds int               `json:"seconds"`
	Image   string            `json:"image_path,omitempty"`
	Points  int               `json:"points"` // 0 for polls and word clouds
}

// kit prepares one game question for viewing, grading and charting.
type kit struct {
	q *lms.GameQuestion
	g *question.Grader // nil for poll and word cloud
}

// seedOf derives a question's presentation seed from its game and index.
func seedOf(gameID int64, index int) uint64 {
	return uint64(gameID)*1_000_003 + uint64(index) + 1
}

func newKit(q *lms.GameQuestion) (*kit, error) {
	k := &kit{q: q}
	if q.Ungraded() {
		return k, nil
	}
	g, err := question.NewGrader(&q.Question, question.Instance{Seed: seedOf(q.GameID, q.Index)})
	if err != nil {
		return nil, err
	}
	k.g = g
	return k, nil
}

// View returns the players' view of the question.
func (k *kit) View(s lms.GameSettings) QuestionView {
	v := QuestionView{Index: k.q.Index, Type: k.q.Question.Type, TextMD: k.q.Question.TextMD, Seconds: k.q.Seconds,
		Image: k.q.ImagePath}
	switch {
	case k.q.Question.Type == lms.QPoll:
		for _, c := range k.q.Question.Body.Choice.Choices {
			v.Choices = append(v.Choices, question.Option{ID: c.ID, Text: c.TextMD})
		}
	case k.g != nil:
		lv := k.g.LearnerView(false)
		v.TextMD, v.Choices, v.Items, v.Units = lv.TextMD, lv.Choices, lv.Items, lv.Units
		v.Points = s.Points
	}
	return v
}

// Grade decodes a response in presented ids and grades it: the stored
// response and its credit (0 for polls and word clouds).
func (k *kit) Grade(raw json.RawMessage) (lms.Response, float64, error) {
	var r lms.Response
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &r) != nil {
		return r, 0, refusal(lms.EINVALID, ReasonMalformed, "The answer is not a response object.")
	}
	switch k.q.Question.Type {
	case lms.QPoll:
		if len(r.Choices) != 1 || r.Bool != nil || r.Text != "" || len(r.Order) > 0 || len(r.Matches) > 0 || len(r.Gaps) > 0 {
			return r, 0, refusal(lms.EINVALID, ReasonMalformed, "Pick one option.")
		}
		for _, c := range k.q.Question.Body.Choice.Choices {
			if c.ID == r.Choices[0] {
				return lms.Response{Choices: r.Choices}, 0, nil
			}
		}
		return r, 0, refusal(lms.EINVALID, ReasonMalformed, "No such option.")
	case lms.QWordCloud:
		w := strings.Join(strings.Fields(r.Text), " ")
		if w == "" || len(r.Choices) > 0 || r.Bool != nil || len(r.Order) > 0 || len(r.Matches) > 0 || len(r.Gaps) > 0 {
			return r, 0, refusal(lms.EINVALID, ReasonMalformed, "Type a word or a short phrase.")
		}
		if err := lms.CheckText("text", w, lms.MaxWordCloudChars, true); err != nil {
			return r, 0, refusal(lms.EINVALID, ReasonMalformed, lms.ErrorMessage(err))
		}
		return lms.Response{Text: w}, 0, nil
	}
	if r.Empty() {
		return r, 0, refusal(lms.EINVALID, ReasonMalformed, "The answer is empty.")
	}
	stored, err := k.g.Decode(r)
	if err != nil {
		return r, 0, refusal(lms.EINVALID, ReasonMalformed, lms.ErrorMessage(err))
	}
	res, err := k.g.Grade(stored)
	if err != nil {
		return r, 0, refusal(lms.EINVALID, ReasonMalformed, lms.ErrorMessage(err))
	}
	return res.Response, res.Fraction, nil
}

// Present turns a stored response back into presented ids.
func (k *kit) Present(r lms.Response) lms.Response {
	if k.g == nil {
		return r
	}
	p, err := k.g.Present(r)
	if err != nil {
		return r
	}
	return p
}

// Right returns a full-credit response in presented ids (nil for polls
// and word clouds).
func (k *kit) Right() *lms.Response {
	if k.g == nil {
		return nil
	}
	r, ok := k.g.RightAnswer()
	if !ok {
		return nil
	}
	p := k.Present(r)
	return &p
}

// Chart is a question's answer distribution.
type Chart struct {
	Index    int `json:"index"`
	Answered int `json:"answered"`
	// Counts is by presented choice id (single, multiple, poll) or by
	// "true"/"false" (true/false).
	Counts map[string]int `json:"counts,omitempty"`
	// Top is the most frequent typed answers (short answer, numerical:
	// the answer; word cloud: the entry, lower-cased), at most ChartTop.
	Top []question.Count `json:"top,omitempty"`
	// Correct, Partial and Wrong count graded answers by credit.
	Correct int `json:"correct"`
	Partial int `json:"partial"`
	Wrong   int `json:"wrong"`
}

// ChartTop bounds Chart.Top.
const ChartTop = 30

// Chart aggregates the answers to the question.
func (k *kit) Chart(answers []*lms.GameAnswer) Chart {
	c := Chart{Index: k.q.Index}
	tq := &k.q.Question
	if k.q.Question.Type == lms.QPoll {
		tq = &lms.Question{Type: lms.QSingle}
	}
	if k.q.Question.Type == lms.QWordCloud {
		tq = &lms.Question{Type: lms.QShortAnswer}
	}
	t := question.NewTally(tq)
	for _, a := range answers {
		t.Add(a.Response)
		switch {
		case k.q.Ungraded():
		case a.Fraction >= 1:
			c.Correct++
		case a.Fraction > 0:
			c.Partial++
		default:
			c.Wrong++
		}
	}
	c.Answered = t.Answered
	switch k.q.Question.Type {
	case lms.QSingle, lms.QMultiple, lms.QPoll, lms.QTrueFalse:
		c.Counts = map[string]int{}
		for key, n := range t.Counts {
			if k.q.Question.Type == lms.QSingle || k.q.Question.Type == lms.QMultiple {
				if p := k.Present(lms.Response{Choices: []string{key}}); len(p.Choices) == 1 {
					key = p.Choices[0]
				}
			}
			c.Counts[key] = n
		}
	case lms.QShortAnswer, lms.QNumerical, lms.QWordCloud:
		c.Top = question.Top(t.Counts, ChartTop)
	}
	return c
}
