package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// cliCourse creates a course in the data directory's database.
func cliCourse(t *testing.T, dir, title string) *lms.Course {
	t.Helper()
	c := &lms.Course{Title: title, Visibility: lms.CoursePublished}
	if err := storetest.SQLiteAt(t, filepath.Join(dir, "lyceum.db")).CreateCourse(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// writeFile writes text to a file in dir and returns its path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCLIUserImport(t *testing.T) {
	dir := t.TempDir()
	c := cliCourse(t, dir, "Biology")
	file := writeFile(t, t.TempDir(), "users.csv", fmt.Sprintf("email,username,name,course,role\n"+
		"lea@school.example,lea,Léa,%[1]d,learner\n"+
		"bad,x,Bad,%[1]d,boss\n", c.ID))

	t.Run("a dry run lists the problems and changes nothing", func(t *testing.T) {
		out, _, err := runCLI(t, dir, "", "user", "import", file, "-dry-run")
		if err != nil || !strings.Contains(out, "line 3: email: This is not a valid email address.") ||
			!strings.Contains(out, "line 3: role: Unknown role") || !strings.Contains(out, "Preview: 1 new account") {
			t.Fatalf("dry run: %q %v", out, err)
		}
	})
	t.Run("problems import nothing and fail", func(t *testing.T) {
		out, _, err := runCLI(t, dir, "", "user", "import", file)
		if err == nil || !strings.Contains(out, "Nothing was imported") {
			t.Fatalf("import with problems: %q %v", out, err)
		}
	})
	t.Run("valid-only imports the rest and prints the links", func(t *testing.T) {
		out, _, err := runCLI(t, dir, "", "user", "import", "-valid-only", file) // flags before the file work too
		if err != nil || !strings.Contains(out, "lea <lea@school.example>: http") ||
			!strings.Contains(out, "/set-password/") || !strings.Contains(out, "Imported: 1 new account, 1 enrolment") {
			t.Fatalf("valid-only: %q %v", out, err)
		}
	})
	t.Run("standard input works and existing accounts are kept", func(t *testing.T) {
		var stdin bytes.Buffer
		fmt.Fprintf(&stdin, "email,username,name\nlea@school.example,lea,Lea Renamed\n")
		out, _, err := runCLI(t, dir, stdin.String(), "user", "import", "-")
		if err != nil || !strings.Contains(out, "Nothing to import") || !strings.Contains(out, `name "Léa" is kept`) {
			t.Fatalf("stdin: %q %v", out, err)
		}
	})
	t.Run("a missing file is an error", func(t *testing.T) {
		if _, _, err := runCLI(t, dir, "", "user", "import", filepath.Join(dir, "nope.csv")); err == nil {
			t.Fatal("a missing file imported")
		}
		if _, _, err := runCLI(t, dir, "", "user", "import"); err == nil {
			t.Fatal("no file imported")
		}
	})
}

func TestCLIUserImportShowsProgressForLargeFiles(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("email,username,name\n")
	const rows = 2000
	for i := range rows {
		fmt.Fprintf(&b, "u%04d@school.example,u%04d,User %d\n", i, i, i)
	}
	file := writeFile(t, t.TempDir(), "many.csv", b.String())
	out, errOut, err := runCLI(t, dir, "", "user", "import", file)
	if err != nil || !strings.Contains(out, "Imported: 2000 new accounts") {
		t.Fatalf("import: %v, out tail %q", err, out[max(0, len(out)-200):])
	}
	for _, want := range []string{"checking: 200/2000 (10%)\n", "checking: 2000/2000 (100%)\n", "saving: 2000/2000 (100%)\n"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("progress lines (not a terminal) lack %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "\r") {
		t.Error("a progress bar was drawn on something that is not a terminal")
	}
}

func TestProgressBarOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, tty: true}
	for _, d := range []int{250, 500, 1000} {
		p.update("checking", d, 1000)
	}
	p.update("saving", 1000, 1000)
	p.done()
	got := buf.String()
	want := "\rchecking  [#######-----------------------]  25% 250/1000" +
		"\rchecking  [###############---------------]  50% 500/1000" +
		"\rchecking  [##############################] 100% 1000/1000\n" +
		"\rsaving    [##############################] 100% 1000/1000\n"
	if got != want {
		t.Fatalf("bar output:\n%q\nwant\n%q", got, want)
	}
}
