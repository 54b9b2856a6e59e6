package question

import (
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestCheckEssay(t *testing.T) {
	q := essayQ() // 3 to 500 words
	q.Body.Essay.RequiredAttachments = 1
	for _, c := range []struct {
		name  string
		r     lms.Response
		field string
	}{
		{"enough words and a file", lms.Response{Text: "one two  three\nfour", Uploads: []int64{1}}, ""},
		{"too few words", lms.Response{Text: "one two", Uploads: []int64{1}}, "text"},
		{"no file", lms.Response{Text: "one two three"}, "uploads"},
	} {
		err := CheckEssay(q, c.r)
		if c.field == "" && err != nil || c.field != "" && (err == nil || err.(*lms.Error).Field != c.field) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	q.Body.Essay.MaxWords = 3
	if err := CheckEssay(q, lms.Response{Text: "a b c d", Uploads: []int64{1}}); lms.ErrorCode(err) != lms.EINVALID {
		t.Errorf("too many words: %v", err)
	}
	if err := CheckEssay(singleQ(), lms.Response{}); err != nil {
		t.Errorf("not an essay: %v", err)
	}
	if n := WordCount("  Hello,   world!\n\tBye "); n != 3 {
		t.Errorf("WordCount = %d", n)
	}
}
