package lms

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// validQuestions returns one valid question of every type.
func validQuestions() map[QuestionType]*Question {
	q := func(t QuestionType, text string) *Question {
		return &Question{Type: t, Title: "Q " + string(t), TextMD: text, DefaultPoints: 1, TryPenalty: DefaultTryPenalty}
	}
	m := map[QuestionType]*Question{}
	m[QSingle] = q(QSingle, "Pick one")
	m[QSingle].Body.Choice = &ChoiceBody{Choices: []Choice{{ID: "a", TextMD: "A", Fraction: 1}, {ID: "b", TextMD: "B", Fraction: -0.5}}}
	m[QMultiple] = q(QMultiple, "Pick some")
	m[QMultiple].Body.Choice = &ChoiceBody{Choices: []Choice{{ID: "a", TextMD: "A", Fraction: 0.3333}, {ID: "b", TextMD: "B", Fraction: 0.3333},
		{ID: "c", TextMD: "C", Fraction: 0.3333}, {ID: "d", TextMD: "D", Fraction: -1}}}
	m[QTrueFalse] = q(QTrueFalse, "True?")
	m[QTrueFalse].Body.TrueFalse = &TrueFalseBody{Answer: true}
	m[QShortAnswer] = q(QShortAnswer, "Name it")
	m[QShortAnswer].Body.ShortAnswer = &ShortAnswerBody{Answers: []TextAnswer{{ID: "a", Pattern: "Par*", Fraction: 1}}}
	m[QNumerical] = q(QNumerical, "How much?")
	m[QNumerical].Body.Numerical = &NumericalBody{Answers: []NumericAnswer{{ID: "a", Kind: NumExact, Value: 2, Tolerance: 0.1, Fraction: 1},
		{ID: "b", Kind: NumRange, Min: 1, Max: 3, Fraction: 0.5}},
		Units: &Units{Mode: UnitsOptional, Penalty: 0.1, List: []Unit{{Name: "m", Multiplier: 1}, {Name: "cm", Multiplier: 100}}}}
	m[QMatching] = q(QMatching, "Match")
	m[QMatching].Body.Matching = &MatchingBody{Pairs: []MatchPair{{ID: "p1", StemMD: "a", Answer: "1"}, {ID: "p2", StemMD: "b", Answer: "2"}},
		Distractors: []MatchAnswer{{ID: "d1", Answer: "3"}}}
	m[QOrdering] = q(QOrdering, "Order")
	m[QOrdering].Body.Ordering = &OrderingBody{Items: []OrderItem{{ID: "a", TextMD: "first"}, {ID: "b", TextMD: "second"}}}
	m[QBlanks] = q(QBlanks, "[[g1]] and [[g2]] and [[g3]] and [not] [[a gap?]]")
	m[QBlanks].Body.Blanks = &BlanksBody{Gaps: []Gap{
		{ID: "g1", Kind: GapText, Weight: 1, Text: &ShortAnswerBody{Answers: []TextAnswer{{ID: "a", Pattern: "x", Fraction: 1}}}},
		{ID: "g2", Kind: GapDropdown, Weight: 2, Dropdown: &ChoiceBody{Choices: []Choice{{ID: "o1", TextMD: "y", Fraction: 1}, {ID: "o2", TextMD: "z"}}}},
		{ID: "g3", Kind: GapNumber, Weight: 0.5, Number: &NumericalBody{Answers: []NumericAnswer{{ID: "n", Kind: NumExact, Value: 1, Fraction: 1}}}},
	}}
	m[QCalculated] = q(QCalculated, "{x} + {y}?")
	m[QCalculated].Body.Calculated = &CalculatedBody{Variables: []Variable{{Name: "x", Min: 1, Max: 9, Decimals: 0}, {Name: "y", Min: 0.1, Max: 0.9, Decimals: 1}},
		Answers: []FormulaAnswer{{ID: "a", Formula: "{x}+{y}", Fraction: 1, Tolerance: 0.01, ToleranceKind: TolRelative, Format: FormatDecimals, Digits: 2}}}
	m[QEssay] = q(QEssay, "Write")
	m[QEssay].Body.Essay = &EssayBody{MinWords: 10, MaxWords: 100, Attachments: 2, RequiredAttachments: 1, AttachmentTypes: []string{".pdf", "image/*", "application/vnd.ms-excel"}}
	m[QDescription] = q(QDescription, "Just read")
	m[QDescription].DefaultPoints = 0
	return m
}

func TestValidQuestionsPass(t *testing.T) {
	for typ, q := range validQuestions() {
		if err := q.Validate(); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
	if len(validQuestions()) != len(QuestionTypes) {
		t.Fatal("a type has no sample")
	}
}

func TestQuestionJSONRoundTrip(t *testing.T) {
	for typ, q := range validQuestions() {
		b, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		var back Question
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(&back, q) {
			t.Fatalf("%s: %v\n%s\n%+v", typ, err, b, back)
		}
		if strings.Count(string(b), `"body":{"`) != 1 && typ != QDescription {
			t.Fatalf("%s: %s", typ, b)
		}
	}
}

func TestQuestionValidateErrors(t *testing.T) {
	big := strings.Repeat("x", MaxQuestionTextBytes+1)
	cases := []struct {
		name  string
		typ   QuestionType
		edit  func(q *Question)
		field string
		code  string
	}{
		{"unknown type", QSingle, func(q *Question) { q.Type = "poll" }, "type", EINVALID},
		{"blank title", QSingle, func(q *Question) { q.Title = " " }, "title", EINVALID},
		{"blank text", QSingle, func(q *Question) { q.TextMD = "" }, "text_md", EINVALID},
		{"text over 10 kB", QSingle, func(q *Question) { q.TextMD = big }, "text_md", ETOOLARGE},
		{"NUL in text", QSingle, func(q *Question) { q.TextMD = "a\x00" }, "text_md", EINVALID},
		{"general feedback over 10 kB", QSingle, func(q *Question) { q.GeneralFeedbackMD = big }, "general_feedback_md", ETOOLARGE},
		{"too many hints", QSingle, func(q *Question) { q.Hints = make([]string, MaxHints+1) }, "hints", EINVALID},
		{"blank hint", QSingle, func(q *Question) { q.Hints = []string{"ok", ""} }, "hints[1]", EINVALID},
		{"negative points", QSingle, func(q *Question) { q.DefaultPoints = -1 }, "default_points", EINVALID},
		{"too many points", QSingle, func(q *Question) { q.DefaultPoints = MaxPoints + 1 }, "default_points", EINVALID},
		{"penalty above one", QSingle, func(q *Question) { q.TryPenalty = 1.5 }, "try_penalty", EINVALID},
		{"duplicate tags", QSingle, func(q *Question) { q.Tags = []string{"Algebra", "algebra"} }, "tags[1]", EINVALID},
		{"too many tags", QSingle, func(q *Question) { q.Tags = make([]string, MaxTags+1) }, "tags", EINVALID},
		{"missing body", QSingle, func(q *Question) { q.Body.Choice = nil }, "body.choice", EINVALID},
		{"foreign body", QSingle, func(q *Question) { q.Body.Essay = &EssayBody{} }, "body.essay", EINVALID},
		{"description with points", QDescription, func(q *Question) { q.DefaultPoints = 1 }, "default_points", EINVALID},
		{"description with a body", QDescription, func(q *Question) { q.Body.TrueFalse = &TrueFalseBody{} }, "body.truefalse", EINVALID},

		{"single: one choice", QSingle, func(q *Question) { q.Body.Choice.Choices = q.Body.Choice.Choices[:1] }, "body.choice.choices", EINVALID},
		{"single: no 100% choice", QSingle, func(q *Question) { q.Body.Choice.Choices[0].Fraction = 0.9 }, "body.choice.choices", EINVALID},
		{"single: credit below -100%", QSingle, func(q *Question) { q.Body.Choice.Choices[1].Fraction = -1.5 }, "body.choice.choices[1].fraction", EINVALID},
		{"single: duplicate ids", QSingle, func(q *Question) { q.Body.Choice.Choices[1].ID = "a" }, "body.choice.choices[1].id", EINVALID},
		{"single: bad id", QSingle, func(q *Question) { q.Body.Choice.Choices[1].ID = "a b" }, "body.choice.choices[1].id", EINVALID},
		{"single: blank choice", QSingle, func(q *Question) { q.Body.Choice.Choices[1].TextMD = "" }, "body.choice.choices[1].text_md", EINVALID},
		{"single: 101 choices", QSingle, func(q *Question) {
			for i := range MaxChoices {
				q.Body.Choice.Choices = append(q.Body.Choice.Choices, Choice{ID: "x" + strings.Repeat("y", i%30) + string(rune('a'+i/30)), TextMD: "t"})
			}
		}, "body.choice.choices", EINVALID},
		{"single: feedback over 10 kB", QSingle, func(q *Question) { q.Body.Choice.Choices[0].FeedbackMD = big }, "body.choice.choices[0].feedback_md", ETOOLARGE},
		{"multiple: positives add up to 90%", QMultiple, func(q *Question) { q.Body.Choice.Choices[0].Fraction = 0.2333 }, "body.choice.choices", EINVALID},
		{"multiple: positives add up to 133%", QMultiple, func(q *Question) { q.Body.Choice.Choices[3].Fraction = 0.3333 }, "body.choice.choices", EINVALID},
		{"truefalse: feedback over 10 kB", QTrueFalse, func(q *Question) { q.Body.TrueFalse.FeedbackFalseMD = big }, "body.truefalse.feedback_false_md", ETOOLARGE},
		{"shortanswer: no answers", QShortAnswer, func(q *Question) { q.Body.ShortAnswer.Answers = nil }, "body.shortanswer.answers", EINVALID},
		{"shortanswer: no 100% answer", QShortAnswer, func(q *Question) { q.Body.ShortAnswer.Answers[0].Fraction = 0.5 }, "body.shortanswer.answers", EINVALID},
		{"shortanswer: negative credit", QShortAnswer, func(q *Question) { q.Body.ShortAnswer.Answers[0].Fraction = -0.5 }, "body.shortanswer.answers[0].fraction", EINVALID},
		{"shortanswer: pattern over 255", QShortAnswer, func(q *Question) { q.Body.ShortAnswer.Answers[0].Pattern = strings.Repeat("p", 256) }, "body.shortanswer.answers[0].pattern", EINVALID},
		{"shortanswer: pattern with a line break", QShortAnswer, func(q *Question) { q.Body.ShortAnswer.Answers[0].Pattern = "a\nb" }, "body.shortanswer.answers[0].pattern", EINVALID},
		{"numerical: unknown kind", QNumerical, func(q *Question) { q.Body.Numerical.Answers[0].Kind = "about" }, "body.numerical.answers[0].kind", EINVALID},
		{"numerical: negative tolerance", QNumerical, func(q *Question) { q.Body.Numerical.Answers[0].Tolerance = -1 }, "body.numerical.answers[0].tolerance", EINVALID},
		{"numerical: exact with a range", QNumerical, func(q *Question) { q.Body.Numerical.Answers[0].Max = 3 }, "body.numerical.answers[0].min", EINVALID},
		{"numerical: range upside down", QNumerical, func(q *Question) { q.Body.Numerical.Answers[1].Min = 4 }, "body.numerical.answers[1].max", EINVALID},
		{"numerical: huge value", QNumerical, func(q *Question) { q.Body.Numerical.Answers[0].Value = 1e300 }, "body.numerical.answers[0].value", EINVALID},
		{"numerical: no 100% answer", QNumerical, func(q *Question) { q.Body.Numerical.Answers[0].Fraction = 0.9 }, "body.numerical.answers", EINVALID},
		{"numerical: unit mode", QNumerical, func(q *Question) { q.Body.Numerical.Units.Mode = "" }, "body.numerical.units.mode", EINVALID},
		{"numerical: no units listed", QNumerical, func(q *Question) { q.Body.Numerical.Units.List = nil }, "body.numerical.units.list", EINVALID},
		{"numerical: base unit not 1", QNumerical, func(q *Question) { q.Body.Numerical.Units.List[0].Multiplier = 2 }, "body.numerical.units.list[0].multiplier", EINVALID},
		{"numerical: zero multiplier", QNumerical, func(q *Question) { q.Body.Numerical.Units.List[1].Multiplier = 0 }, "body.numerical.units.list[1].multiplier", EINVALID},
		{"numerical: unit twice", QNumerical, func(q *Question) { q.Body.Numerical.Units.List[1].Name = "m" }, "body.numerical.units.list[1].name", EINVALID},
		{"numerical: unit starting with a digit", QNumerical, func(q *Question) { q.Body.Numerical.Units.List[1].Name = "2m" }, "body.numerical.units.list[1].name", EINVALID},
		{"numerical: penalty above one", QNumerical, func(q *Question) { q.Body.Numerical.Units.Penalty = 2 }, "body.numerical.units.penalty", EINVALID},
		{"matching: one pair", QMatching, func(q *Question) { q.Body.Matching.Pairs = q.Body.Matching.Pairs[:1] }, "body.matching.pairs", EINVALID},
		{"matching: one distinct answer", QMatching, func(q *Question) {
			q.Body.Matching.Pairs[1].Answer, q.Body.Matching.Distractors = " 1 ", nil
		}, "body.matching.pairs", EINVALID},
		{"matching: distractor id clashes", QMatching, func(q *Question) { q.Body.Matching.Distractors[0].ID = "p1" }, "body.matching.distractors[0].id", EINVALID},
		{"matching: blank stem", QMatching, func(q *Question) { q.Body.Matching.Pairs[0].StemMD = "" }, "body.matching.pairs[0].stem_md", EINVALID},
		{"matching: answer with a line break", QMatching, func(q *Question) { q.Body.Matching.Pairs[0].Answer = "a\nb" }, "body.matching.pairs[0].answer", EINVALID},
		{"ordering: one item", QOrdering, func(q *Question) { q.Body.Ordering.Items = q.Body.Ordering.Items[:1] }, "body.ordering.items", EINVALID},
		{"ordering: two items alike", QOrdering, func(q *Question) { q.Body.Ordering.Items[1].TextMD = " first" }, "body.ordering.items[1].text_md", EINVALID},
		{"blanks: gap not in the text", QBlanks, func(q *Question) { q.TextMD = "[[g1]] and [[g2]]" }, "body.blanks.gaps[2].id", EINVALID},
		{"blanks: undefined gap", QBlanks, func(q *Question) { q.TextMD += " [[g4]]" }, "text_md", EINVALID},
		{"blanks: gap twice", QBlanks, func(q *Question) { q.TextMD += " [[g1]]" }, "text_md", EINVALID},
		{"blanks: zero weight", QBlanks, func(q *Question) { q.Body.Blanks.Gaps[0].Weight = 0 }, "body.blanks.gaps[0].weight", EINVALID},
		{"blanks: unknown kind", QBlanks, func(q *Question) { q.Body.Blanks.Gaps[0].Kind = "slider" }, "body.blanks.gaps[0].kind", EINVALID},
		{"blanks: kind without its settings", QBlanks, func(q *Question) { q.Body.Blanks.Gaps[0].Kind = GapNumber }, "body.blanks.gaps[0].text", EINVALID},
		{"blanks: dropdown without a right option", QBlanks, func(q *Question) { q.Body.Blanks.Gaps[1].Dropdown.Choices[0].Fraction = 0.5 }, "body.blanks.gaps[1].dropdown.choices", EINVALID},
		{"blanks: typed gap without a right answer", QBlanks, func(q *Question) { q.Body.Blanks.Gaps[0].Text.Answers[0].Fraction = 0 }, "body.blanks.gaps[0].text.answers", EINVALID},
		{"blanks: no gaps", QBlanks, func(q *Question) { q.Body.Blanks.Gaps = nil }, "body.blanks.gaps", EINVALID},
		{"calculated: no variables", QCalculated, func(q *Question) { q.Body.Calculated.Variables = nil }, "body.calculated.variables", EINVALID},
		{"calculated: bad name", QCalculated, func(q *Question) { q.Body.Calculated.Variables[0].Name = "1x" }, "body.calculated.variables[0].name", EINVALID},
		{"calculated: name twice", QCalculated, func(q *Question) { q.Body.Calculated.Variables[1].Name = "x" }, "body.calculated.variables[1].name", EINVALID},
		{"calculated: range upside down", QCalculated, func(q *Question) { q.Body.Calculated.Variables[0].Max = 0 }, "body.calculated.variables[0].max", EINVALID},
		{"calculated: no value with those decimals", QCalculated, func(q *Question) {
			q.Body.Calculated.Variables[1] = Variable{Name: "y", Min: 0.11, Max: 0.19, Decimals: 0}
		}, "body.calculated.variables[1].decimals", EINVALID},
		{"calculated: too many decimals", QCalculated, func(q *Question) { q.Body.Calculated.Variables[0].Decimals = 11 }, "body.calculated.variables[0].decimals", EINVALID},
		{"calculated: blank formula", QCalculated, func(q *Question) { q.Body.Calculated.Answers[0].Formula = "" }, "body.calculated.answers[0].formula", EINVALID},
		{"calculated: formula over 1000 characters", QCalculated, func(q *Question) { q.Body.Calculated.Answers[0].Formula = strings.Repeat("1", 1001) }, "body.calculated.answers[0].formula", EINVALID},
		{"calculated: tolerance kind", QCalculated, func(q *Question) { q.Body.Calculated.Answers[0].ToleranceKind = "nominal" }, "body.calculated.answers[0].tolerance_kind", EINVALID},
		{"calculated: format", QCalculated, func(q *Question) { q.Body.Calculated.Answers[0].Format = "" }, "body.calculated.answers[0].format", EINVALID},
		{"calculated: zero significant figures", QCalculated, func(q *Question) {
			q.Body.Calculated.Answers[0].Format, q.Body.Calculated.Answers[0].Digits = FormatSignificant, 0
		}, "body.calculated.answers[0].digits", EINVALID},
		{"essay: min above max", QEssay, func(q *Question) { q.Body.Essay.MinWords = 200 }, "body.essay.max_words", EINVALID},
		{"essay: too many attachments", QEssay, func(q *Question) { q.Body.Essay.Attachments = MaxAttachments + 1 }, "body.essay.attachments", EINVALID},
		{"essay: more required than allowed", QEssay, func(q *Question) { q.Body.Essay.RequiredAttachments = 3 }, "body.essay.required_attachments", EINVALID},
		{"essay: bad file type", QEssay, func(q *Question) { q.Body.Essay.AttachmentTypes = []string{"pdf"} }, "body.essay.attachment_types[0]", EINVALID},
		{"essay: template over 10 kB", QEssay, func(q *Question) { q.Body.Essay.ResponseTemplateMD = big }, "body.essay.response_template_md", ETOOLARGE},
		{"whole question over 256 kB", QSingle, func(q *Question) {
			for i := range 40 {
				q.Body.Choice.Choices = append(q.Body.Choice.Choices, Choice{ID: "c" + strings.Repeat("c", i%30) + string(rune('a'+i/30)), TextMD: big[:9000]})
			}
		}, "body", ETOOLARGE},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := validQuestions()[c.typ]
			c.edit(q)
			err := q.Validate()
			e, ok := err.(*Error)
			if !ok || e.Field != c.field || e.Code != c.code {
				t.Fatalf("got %v, want field %q code %s", err, c.field, c.code)
			}
			if e.Message == "" || strings.Contains(e.Message, "%!") {
				t.Fatalf("message %q", e.Message)
			}
		})
	}
}

func TestGapMarkers(t *testing.T) {
	got := GapMarkers("a [[x]] b [[not a gap]] [[[y]]] [[z]")
	if len(got) != 2 || got[0].ID != "x" || got[1].ID != "y" || got[0].Start != 2 || got[0].End != 7 {
		t.Fatalf("%+v", got)
	}
}

func TestFillIDs(t *testing.T) {
	q := validQuestions()[QSingle]
	q.Body.Choice.Choices = []Choice{{ID: "c2", TextMD: "a", Fraction: 1}, {TextMD: "b"}, {TextMD: "c"}}
	q.FillIDs()
	if ids := []string{q.Body.Choice.Choices[0].ID, q.Body.Choice.Choices[1].ID, q.Body.Choice.Choices[2].ID}; ids[0] != "c2" || ids[1] != "c1" || ids[2] != "c3" {
		t.Fatalf("%v", ids)
	}
	for typ, q := range validQuestions() {
		for _, strip := range []func(*Question){
			func(q *Question) {
				if q.Body.Matching != nil {
					q.Body.Matching.Pairs[0].ID, q.Body.Matching.Distractors[0].ID = "", ""
				}
				if q.Body.Ordering != nil {
					q.Body.Ordering.Items[1].ID = ""
				}
				if q.Body.Blanks != nil {
					q.Body.Blanks.Gaps[1].Dropdown.Choices[0].ID = ""
					q.Body.Blanks.Gaps[0].Text.Answers[0].ID = ""
					q.Body.Blanks.Gaps[2].Number.Answers[0].ID = ""
				}
				if q.Body.Calculated != nil {
					q.Body.Calculated.Answers[0].ID = ""
				}
				if q.Body.Numerical != nil {
					q.Body.Numerical.Answers[1].ID = ""
				}
				if q.Body.ShortAnswer != nil {
					q.Body.ShortAnswer.Answers[0].ID = ""
				}
			},
		} {
			strip(q)
			q.FillIDs()
			if err := q.Validate(); err != nil {
				t.Errorf("%s: %v", typ, err)
			}
		}
	}
}

func TestResponseValidate(t *testing.T) {
	qs := validQuestions()
	yes := true
	for _, c := range []struct {
		name  string
		typ   QuestionType
		r     Response
		field string
		code  string
	}{
		{"single: one choice", QSingle, Response{Choices: []string{"a"}}, "", ""},
		{"single: two choices", QSingle, Response{Choices: []string{"a", "b"}}, "choices", EINVALID},
		{"single: unknown choice", QSingle, Response{Choices: []string{"zz"}}, "choices", EINVALID},
		{"multiple: duplicate", QMultiple, Response{Choices: []string{"a", "a"}}, "choices", EINVALID},
		{"multiple: text too", QMultiple, Response{Choices: []string{"a"}, Text: "x"}, "text", EINVALID},
		{"truefalse: answer", QTrueFalse, Response{Bool: &yes}, "", ""},
		{"truefalse: order", QTrueFalse, Response{Order: []string{"a"}}, "order", EINVALID},
		{"shortanswer: 1000 characters", QShortAnswer, Response{Text: strings.Repeat("é", MaxShortResponseChars)}, "", ""},
		{"shortanswer: 1001 characters", QShortAnswer, Response{Text: strings.Repeat("é", MaxShortResponseChars+1)}, "text", ETOOLARGE},
		{"shortanswer: HTML kept", QShortAnswer, Response{Text: "<b onclick='x'>"}, "", ""},
		{"numerical: uploads", QNumerical, Response{Text: "1", Uploads: []int64{1}}, "uploads", EINVALID},
		{"matching: unknown stem", QMatching, Response{Matches: map[string]string{"d1": "p1"}}, "matches", EINVALID},
		{"matching: distractor answer", QMatching, Response{Matches: map[string]string{"p1": "d1"}}, "", ""},
		{"ordering: empty is fine", QOrdering, Response{}, "", ""},
		{"ordering: partial order", QOrdering, Response{Order: []string{"a"}}, "order", EINVALID},
		{"ordering: unknown item", QOrdering, Response{Order: []string{"a", "c"}}, "order", EINVALID},
		{"blanks: dropdown option", QBlanks, Response{Gaps: map[string]string{"g2": "o1", "g1": "x", "g3": "1"}}, "", ""},
		{"blanks: unknown option", QBlanks, Response{Gaps: map[string]string{"g2": "x"}}, "gaps", EINVALID},
		{"blanks: unknown gap", QBlanks, Response{Gaps: map[string]string{"g9": "x"}}, "gaps", EINVALID},
		{"essay: text and uploads", QEssay, Response{Text: "x", Uploads: []int64{3, 4}}, "", ""},
		{"essay: 200 kB", QEssay, Response{Text: strings.Repeat("x", MaxEssayResponseBytes+1)}, "text", ETOOLARGE},
		{"essay: NUL", QEssay, Response{Text: "\x00"}, "text", EINVALID},
		{"description: anything", QDescription, Response{Bool: &yes}, "bool", EINVALID},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.r.Validate(qs[c.typ])
			if c.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e, ok := err.(*Error); !ok || e.Field != c.field || e.Code != c.code {
				t.Fatalf("got %v, want field %q code %s", err, c.field, c.code)
			}
		})
	}
}

func TestResponseEmpty(t *testing.T) {
	for _, c := range []struct {
		r    Response
		want bool
	}{
		{Response{}, true},
		{Response{Text: " \n\t"}, true},
		{Response{Choices: []string{}}, true},
		{Response{Gaps: map[string]string{"a": " "}}, true},
		{Response{Matches: map[string]string{"a": ""}}, true},
		{Response{Text: "x"}, false},
		{Response{Gaps: map[string]string{"a": "0"}}, false},
		{Response{Uploads: []int64{1}}, false},
	} {
		if got := c.r.Empty(); got != c.want {
			t.Errorf("%+v: %v", c.r, got)
		}
	}
}
