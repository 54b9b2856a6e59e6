package question

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// TestDocsExamples keeps docs/questions.md true: every ```json question
// block decodes without unknown fields and passes Validate, every ```json
// response block decodes, and the formula error quoted there is the one
// the parser gives.
func TestDocsExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/questions.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(doc), "```json ")
	types := map[lms.QuestionType]bool{}
	for _, b := range blocks[1:] {
		kind, rest, _ := strings.Cut(b, "\n")
		body, _, ok := strings.Cut(rest, "```")
		if !ok {
			t.Fatalf("unclosed block %q", kind)
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(body)))
		dec.DisallowUnknownFields()
		switch kind {
		case "question":
			var q lms.Question
			if err := dec.Decode(&q); err != nil {
				t.Fatalf("%s\n%s", err, body)
			}
			if err := Validate(&q); err != nil {
				t.Errorf("%s example: %v", q.Type, err)
			}
			types[q.Type] = true
		case "response":
			var r lms.Response
			if err := dec.Decode(&r); err != nil {
				t.Fatalf("%s\n%s", err, body)
			}
		default:
			t.Fatalf("unknown block kind %q", kind)
		}
	}
	for _, typ := range lms.QuestionTypes {
		if !types[typ] {
			t.Errorf("no example of a %s question", typ)
		}
	}
	_, err = ParseFormula("({m} + 1")
	if msg := lms.ErrorMessage(err); !strings.Contains(string(doc), msg) {
		t.Fatalf("docs/questions.md quotes another error than %q", msg)
	}
}
