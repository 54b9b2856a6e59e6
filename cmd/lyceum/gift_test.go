package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeGIFT writes a GIFT file in a temporary directory and returns its path.
func writeGIFT(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "quiz.gift")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// jsonLines decodes one JSON object per line.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var qs []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var q map[string]any
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		qs = append(qs, q)
	}
	return qs
}

const giftSample = "$CATEGORY: Unit 1\n\n::Q1::[html]<p>Grant is</p>{~buried =entombed#Yes} in the tomb.\n\n" +
	"::Q2::Sun is a star.{TRUE#Look again.#Right.}\n\nPi?{#3.14:0.01}\n\nMatch.{=a -> 1 =b -> 2}\n"

func TestCLIGiftParse(t *testing.T) {
	t.Run("a valid file prints one JSON line per question and exits 0", func(t *testing.T) {
		out, errOut, err := runCLI(t, t.TempDir(), "", "gift", "parse", writeGIFT(t, giftSample))
		if err != nil || errOut != "" {
			t.Fatalf("err %v, stderr %q", err, errOut)
		}
		qs := jsonLines(t, out)
		if len(qs) != 4 {
			t.Fatalf("%d lines:\n%s", len(qs), out)
		}
		q1, q2, q3, q4 := qs[0], qs[1], qs[2], qs[3]
		if q1["type"] != "single" || q1["title"] != "Q1" || q1["category"] != "Unit 1" || q1["format"] != "html" ||
			q1["text"] != "<p>Grant is</p>" || q1["text_after"] != " in the tomb." || q1["line"] != 3.0 {
			t.Errorf("q1 %v", q1)
		}
		if answers := q1["answers"].([]any); len(answers) != 2 || answers[1].(map[string]any)["fraction"] != 1.0 ||
			answers[1].(map[string]any)["feedback"] != "Yes" {
			t.Errorf("q1 answers %v", answers)
		}
		if q2["type"] != "truefalse" || q2["answer"] != true || q2["feedback_wrong"] != "Look again." || q2["feedback_right"] != "Right." {
			t.Errorf("q2 %v", q2)
		}
		if a := q3["answers"].([]any)[0].(map[string]any); q3["type"] != "numerical" || a["value"] != 3.14 || a["tolerance"] != 0.01 {
			t.Errorf("q3 %v", q3)
		}
		if p := q4["pairs"].([]any)[1].(map[string]any); q4["type"] != "matching" || p["question"] != "b" || p["answer"] != "2" {
			t.Errorf("q4 %v", q4)
		}
		if !strings.Contains(out, "<p>Grant is</p>") {
			t.Errorf("HTML is escaped in the output: %s", out)
		}
	})
	t.Run("errors go to stderr as FILE:LINE: reason, the valid questions still print, exit 1", func(t *testing.T) {
		path := writeGIFT(t, "Good{T}\n\nBad{\n~%x%a\n=b\n}\n\nN{#five}\n\nAlso good{}\n")
		out, errOut, err := runCLI(t, t.TempDir(), "", "gift", "parse", path)
		if err == nil || exitCode(err) != 1 {
			t.Fatalf("err %v", err)
		}
		if qs := jsonLines(t, out); len(qs) != 2 || qs[0]["text"] != "Good" || qs[1]["text"] != "Also good" {
			t.Errorf("stdout %q", out)
		}
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], path+":4: bad weight %x%") || !strings.HasPrefix(lines[1], path+":8: bad number") {
			t.Errorf("stderr %q", errOut)
		}
	})
	t.Run("- reads standard input", func(t *testing.T) {
		out, _, err := runCLI(t, t.TempDir(), "Q{=a ~b}\n", "gift", "parse", "-")
		if qs := jsonLines(t, out); err != nil || len(qs) != 1 || qs[0]["type"] != "single" {
			t.Errorf("%q %v", out, err)
		}
	})
	t.Run("a missing file fails with exit 1", func(t *testing.T) {
		_, _, err := runCLI(t, t.TempDir(), "", "gift", "parse", filepath.Join(t.TempDir(), "none.gift"))
		if err == nil || exitCode(err) != 1 || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("err %v", err)
		}
	})
	for _, args := range [][]string{{"gift"}, {"gift", "frob", "x"}, {"gift", "parse"}, {"gift", "parse", "a", "b"}, {"gift", "parse", "-nope", "a"}} {
		t.Run(strings.Join(args, " ")+" is a usage error (exit 2)", func(t *testing.T) {
			if _, _, err := runCLI(t, t.TempDir(), "", args...); err == nil || exitCode(err) != 2 {
				t.Errorf("err %v, exit %d", err, exitCode(err))
			}
		})
	}
}

// mainArgsEnv carries the arguments of a re-executed test binary that runs
// main, so TestCLIGiftExitStatus sees real exit statuses.
const mainArgsEnv = "LYCEUM_TEST_MAIN_ARGS"

func TestCLIGiftExitStatus(t *testing.T) {
	if args := os.Getenv(mainArgsEnv); args != "" {
		os.Args = append([]string{"lyceum"}, strings.Split(args, "\x1f")...)
		main()
		os.Exit(0)
	}
	good, bad := writeGIFT(t, giftSample), writeGIFT(t, "Q{\n")
	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"a valid file exits 0", []string{"gift", "parse", good}, 0},
		{"a file with an error exits 1", []string{"gift", "parse", bad}, 1},
		{"a usage error exits 2", []string{"gift", "parse"}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestCLIGiftExitStatus$")
			cmd.Env = append(os.Environ(), mainArgsEnv+"="+strings.Join(c.args, "\x1f"))
			out, err := cmd.CombinedOutput()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.want {
				t.Errorf("exit %d, want %d\n%s", code, c.want, out)
			}
		})
	}
}
