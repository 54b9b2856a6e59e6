package lms

import (
	"fmt"
	"math"
	"strings"
)

// GapKind says how a learner fills a gap.
type GapKind string

// Gap kinds.
const (
	GapText     GapKind = "text"     // typed, matched like a short answer
	GapNumber   GapKind = "number"   // typed, matched like a numerical answer
	GapDropdown GapKind = "dropdown" // one option of a drop-down
)

// Gap is one gap of a fill-in-the-blanks text, written [[ID]] in the text.
// Exactly the section named by Kind is set.
type Gap struct {
	ID   string  `json:"id"`
	Kind GapKind `json:"kind"`
	// Weight is the gap's share of the question: the question's credit is
	// Σ weight·credit / Σ weight.
	Weight   float64          `json:"weight"`
	Text     *ShortAnswerBody `json:"text,omitempty"`
	Number   *NumericalBody   `json:"number,omitempty"`
	Dropdown *ChoiceBody      `json:"dropdown,omitempty"`
}

// BlanksBody is the body of a fill-in-the-blanks (Cloze) question: the
// question's text holds one [[id]] marker per gap.
type BlanksBody struct {
	Gaps []Gap `json:"gaps"`
}

// GapMarker is one [[id]] marker found in a text: the marker is
// text[Start:End].
type GapMarker struct {
	ID         string
	Start, End int
}

// GapMarkers returns the [[id]] markers of text in order. Only brackets
// around a valid id (ValidAnswerID) form a marker; anything else is text.
func GapMarkers(text string) []GapMarker {
	var out []GapMarker
	for i := 0; ; {
		j := strings.Index(text[i:], "[[")
		if j < 0 {
			return out
		}
		start := i + j
		k := strings.Index(text[start+2:], "]]")
		if k >= 0 && ValidAnswerID(text[start+2:start+2+k]) {
			end := start + 2 + k + 2
			out = append(out, GapMarker{ID: text[start+2 : start+2+k], Start: start, End: end})
			i = end
			continue
		}
		i = start + 1
	}
}

func (b *BlanksBody) validate(path, text string) error {
	if len(b.Gaps) < 1 || len(b.Gaps) > MaxGaps {
		return FieldError(path+".gaps", "Give from 1 to %d gaps.", MaxGaps)
	}
	seen := ids{}
	for i := range b.Gaps {
		g := &b.Gaps[i]
		p := fmt.Sprintf("%s.gaps[%d]", path, i)
		if err := seen.check(p+".id", g.ID); err != nil {
			return err
		}
		if math.IsNaN(g.Weight) || g.Weight <= 0 || g.Weight > MaxWeight {
			return FieldError(p+".weight", "The weight of gap %q must be above 0 and at most %d.", g.ID, MaxWeight)
		}
		if err := g.validate(p); err != nil {
			return err
		}
	}
	found := map[string]bool{}
	for _, m := range GapMarkers(text) {
		switch {
		case !seen[m.ID]:
			return FieldError("text_md", "The text has a gap [[%s]] that is not defined.", m.ID)
		case found[m.ID]:
			return FieldError("text_md", "The gap [[%s]] appears twice in the text.", m.ID)
		}
		found[m.ID] = true
	}
	for i, g := range b.Gaps {
		if !found[g.ID] {
			return FieldError(fmt.Sprintf("%s.gaps[%d].id", path, i), "The gap %q is not in the text: write [[%s]] where it goes.", g.ID, g.ID)
		}
	}
	return nil
}

func (g *Gap) validate(p string) error {
	if g.Kind != GapText && g.Kind != GapNumber && g.Kind != GapDropdown {
		return FieldError(p+".kind", "The kind of gap %q must be text, number or dropdown.", g.ID)
	}
	for _, s := range []struct {
		kind GapKind
		set  bool
	}{{GapText, g.Text != nil}, {GapNumber, g.Number != nil}, {GapDropdown, g.Dropdown != nil}} {
		if s.set != (s.kind == g.Kind) {
			return FieldError(p+"."+string(s.kind), "A %s gap needs its %s settings and no others.", g.Kind, g.Kind)
		}
	}
	switch g.Kind {
	case GapText:
		return g.Text.validate(p + ".text")
	case GapNumber:
		return g.Number.validate(p + ".number")
	}
	return g.Dropdown.validate(p+".dropdown", false)
}

// EssayBody is the body of an essay question: graded by a person.
type EssayBody struct {
	MinWords int `json:"min_words"` // 0: no minimum
	MaxWords int `json:"max_words"` // 0: no maximum
	// Attachments is how many files a learner may attach (0: none);
	// RequiredAttachments how many they must.
	Attachments         int `json:"attachments"`
	RequiredAttachments int `json:"required_attachments"`
	// AttachmentTypes are the accepted file types: extensions (".pdf") or
	// media types ("image/png", "image/*"). Empty: any type.
	AttachmentTypes    []string `json:"attachment_types,omitempty"`
	ResponseTemplateMD string   `json:"response_template_md,omitempty"` // pre-fills the answer box
	// GraderInfoMD guides graders; learners never see it.
	GraderInfoMD string `json:"grader_info_md,omitempty"`
}

func (b *EssayBody) validate(path string) error {
	if b.MinWords < 0 || b.MinWords > MaxWordLimit || b.MaxWords < 0 || b.MaxWords > MaxWordLimit {
		return FieldError(path+".min_words", "Word limits must be from 0 (none) to %d.", MaxWordLimit)
	}
	if b.MaxWords > 0 && b.MinWords > b.MaxWords {
		return FieldError(path+".max_words", "The maximum number of words must not be below the minimum.")
	}
	if b.Attachments < 0 || b.Attachments > MaxAttachments {
		return FieldError(path+".attachments", "Allow from 0 to %d attachments.", MaxAttachments)
	}
	if b.RequiredAttachments < 0 || b.RequiredAttachments > b.Attachments {
		return FieldError(path+".required_attachments", "The required attachments must be from 0 to the number allowed.")
	}
	if len(b.AttachmentTypes) > MaxAttachmentTypes {
		return FieldError(path+".attachment_types", "Give at most %d file types.", MaxAttachmentTypes)
	}
	for i, t := range b.AttachmentTypes {
		if !validFileType(t) {
			return FieldError(fmt.Sprintf("%s.attachment_types[%d]", path, i), "%q is not a file type: write an extension such as .pdf or a media type such as image/png or image/*.", t)
		}
	}
	if err := checkMD(path+".response_template_md", "The response template", b.ResponseTemplateMD, false); err != nil {
		return err
	}
	return checkMD(path+".grader_info_md", "The information for graders", b.GraderInfoMD, false)
}

// validFileType accepts ".ext" (1..10 lower-case letters or digits) and
// "type/subtype" or "type/*" in lower case.
func validFileType(t string) bool {
	word := func(s string, extra string) bool {
		if s == "" || len(s) > 60 {
			return false
		}
		for i := 0; i < len(s); i++ {
			if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte(extra, c) >= 0) {
				return false
			}
		}
		return true
	}
	if ext, ok := strings.CutPrefix(t, "."); ok {
		return len(ext) <= 10 && word(ext, "")
	}
	typ, sub, ok := strings.Cut(t, "/")
	return ok && word(typ, "") && (sub == "*" || word(sub, ".+-"))
}
