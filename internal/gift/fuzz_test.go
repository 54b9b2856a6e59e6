package gift

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics on any input, that everything
// it returns is valid (Validate) with sane error lines, and that exporting
// what it read and parsing that again gives the same questions. The seed
// corpus is every fixture plus testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.gift")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		r := Parse(src)
		lines := strings.Count(string(src), "\n") + strings.Count(string(src), "\r") + 1
		for _, e := range r.Errors {
			if e.Line < 1 || e.Line > lines || e.Start < 1 || e.Start > e.Line || e.Reason == "" {
				t.Fatalf("bad error %+v (%d lines)", e, lines)
			}
		}
		for i := range r.Questions {
			if err := r.Questions[i].Validate(); err != nil {
				t.Fatalf("question %d is invalid: %v", i, err)
			}
		}
		roundTrip(t, r.Questions)
	})
}
