package assess

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/gift"
	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// giftOf returns a GIFT file of n questions (single, multiple, true/false,
// numerical, short answer, essay in turn), a new $CATEGORY: every 1,000.
func giftOf(n int) []byte {
	var b strings.Builder
	for i := range n {
		if i%1000 == 0 {
			fmt.Fprintf(&b, "$CATEGORY: Part %d\n\n", i/1000+1)
		}
		fmt.Fprintf(&b, "::Q%d:: ", i)
		switch i % 6 {
		case 0:
			fmt.Fprintf(&b, "Which number is %d?{=%d#Yes ~%d#No ~%d ~none}\n\n", i, i, i+1, i+2)
		case 1:
			b.WriteString("Which are **primes**?{~%50%2 ~%50%3 ~%-100%4}\n\n")
		case 2:
			fmt.Fprintf(&b, "%d is even.{%s}\n\n", i, map[bool]string{true: "T", false: "F"}[i%2 == 0])
		case 3:
			fmt.Fprintf(&b, "Half of %d?{#%g:0.5}\n\n", 2*i, float64(i))
		case 4:
			b.WriteString("The capital of France is {=Paris =paris}.\n\n")
		case 5:
			b.WriteString("Explain *why*.{}\n\n")
		}
	}
	return []byte(b.String())
}

// benchImport imports a 5,000-question GIFT file into a fresh category per
// iteration (one transaction each), as the API's and CLI's import do.
func benchImport(b *testing.B, st store.Store) {
	ctx := b.Context()
	inst := &lms.User{Email: "i@example.com", Username: "inst", Name: "Inst", Role: lms.SiteAdmin}
	if err := st.CreateUser(ctx, inst); err != nil {
		b.Fatal(err)
	}
	c := &lms.Course{Title: "Bench", Visibility: lms.CoursePublished, CreatedBy: inst.ID}
	if err := st.CreateCourse(ctx, c); err != nil {
		b.Fatal(err)
	}
	svc, err := New(Params{Store: FromStore(st), Access: course.NewLoader(st)})
	if err != nil {
		b.Fatal(err)
	}
	src := giftOf(5000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		cat := &lms.QuestionCategory{CourseID: c.ID, Name: fmt.Sprintf("Run %d", i)}
		if err := svc.CreateCategory(ctx, inst, cat); err != nil {
			b.Fatal(err)
		}
		plan, err := svc.ImportGIFT(ctx, inst, cat.ID, src, false)
		if err != nil || plan.Created != 5000 {
			b.Fatalf("imported %v: %v", plan, err)
		}
	}
}

// BenchmarkImportGIFT5000SQLite: parse, map and store 5,000 questions in
// the embedded database.
func BenchmarkImportGIFT5000SQLite(b *testing.B) { benchImport(b, storetest.SQLite(b)) }

// BenchmarkImportGIFT5000Postgres: the same on PostgreSQL
// (LYCEUM_TEST_DATABASE_URL; skipped without it).
func BenchmarkImportGIFT5000Postgres(b *testing.B) { benchImport(b, storetest.Postgres(b)) }

// TestGIFTBenchFileParsesWhole checks the benchmark's file: 5,000
// questions in 5 categories, none refused. With $LYCEUM_GIFT_BENCH_FILE set
// it also writes the file there, for timing `lyceum import gift` on it
// (docs/benchmarks.md).
func TestGIFTBenchFileParsesWhole(t *testing.T) {
	src := giftOf(5000)
	res := gift.Parse(src)
	if len(res.Questions) != 5000 || len(res.Categories) != 5 || len(res.Errors) != 0 {
		t.Fatalf("parsed %d questions in %d categories, %d errors (first: %v); want 5000 in 5, none",
			len(res.Questions), len(res.Categories), len(res.Errors), res.Errors)
	}
	if out := os.Getenv("LYCEUM_GIFT_BENCH_FILE"); out != "" {
		if err := os.WriteFile(out, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
