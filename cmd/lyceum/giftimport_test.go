package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

func TestCLIImportGIFT(t *testing.T) {
	dir := t.TempDir()
	c := cliCourse(t, dir, "Physics")
	course := strconv.FormatInt(c.ID, 10)
	src := "::Sky:: The sky is blue. {T}\n\n::Broken:: Unclosed {=a ~b\n\n$CATEGORY: Maths\n\n::Two:: 1+1 = {#2}\n"
	file := writeFile(t, t.TempDir(), "quiz.gift", src)

	t.Run("problems import nothing and fail, with the line", func(t *testing.T) {
		out, _, err := runCLI(t, dir, "", "import", "gift", "-course", course, "-category", "Unit 1/Week 2", file)
		if err == nil || !strings.Contains(out, file+":3: ") {
			t.Fatalf("import with a broken question: %q %v", out, err)
		}
	})
	t.Run("valid-only imports the rest below the category path", func(t *testing.T) {
		out, _, err := runCLI(t, dir, "", "import", "gift", "-course", course, "-category", "Unit 1/Week 2", "-valid-only", file)
		if err != nil || !strings.Contains(out, "Imported 2 questions into Unit 1/Week 2 (1 new categories), 1 skipped.") {
			t.Fatalf("valid-only: %q %v", out, err)
		}
	})
	t.Run("a dry run changes nothing", func(t *testing.T) {
		out, _, err := runCLI(t, dir, src, "import", "gift", "-course", course, "-category", "Unit 1/Week 2", "-dry-run", "-")
		if err != nil || !strings.Contains(out, "2 questions would be imported into Unit 1/Week 2 (0 new categories), 1 skipped.") {
			t.Fatalf("dry run: %q %v", out, err)
		}
	})
	t.Run("a missing course or file is an error", func(t *testing.T) {
		if _, _, err := runCLI(t, dir, "", "import", "gift", file); err == nil {
			t.Fatal("imported without a course")
		}
		if _, _, err := runCLI(t, dir, "", "import", "gift", "-course", "99999", file); err == nil {
			t.Fatal("imported into a course that does not exist")
		}
	})
}

func TestCLIImportGIFTShowsProgressForLargeFiles(t *testing.T) {
	dir := t.TempDir()
	c := cliCourse(t, dir, "Big")
	var b strings.Builder
	const questions = 1000
	for i := range questions {
		fmt.Fprintf(&b, "::Q%d:: Claim %d holds. {T}\n\n", i, i)
	}
	file := writeFile(t, t.TempDir(), "big.gift", b.String())
	out, errOut, err := runCLI(t, dir, "", "import", "gift", "-course", strconv.FormatInt(c.ID, 10), file)
	if err != nil || !strings.Contains(out, "Imported 1000 questions into Imported") {
		t.Fatalf("import: %v, out %q", err, out)
	}
	for _, want := range []string{"import: 100/1000 (10%)\n", "import: 1000/1000 (100%)\n"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("progress lines lack %q:\n%s", want, errOut)
		}
	}
}
