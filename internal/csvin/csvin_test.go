package csvin

import (
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

var testFormat = Format{Noun: "list", MaxBytes: 1 << 10, MaxRows: 3, Aliases: map[string]string{"e-mail": "email"}}

func TestReadKeepsLinesColumnsAndBadRecords(t *testing.T) {
	text := "\ufeffE-Mail, Name ,name\n" +
		"a@example.org, Ada ,x\n" +
		"\n" +
		"\"b@example.org\",\"Bea\n Two\"\n" +
		"c@example.org,\"broken\n"
	tb, err := Read(strings.NewReader(text), testFormat)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tb.Columns(), ","); got != "email,name" {
		t.Fatalf("columns = %q, want email,name (aliased, duplicates dropped)", got)
	}
	if len(tb.Records) != 3 {
		t.Fatalf("records = %+v, want 3", tb.Records)
	}
	for i, want := range []struct {
		line        int
		email, name string
		bad         bool
	}{{2, "a@example.org", "Ada", false}, {4, "b@example.org", "Bea\n Two", false}, {6, "", "", true}} {
		r := tb.Records[i]
		if r.Line != want.line || r.Bad != want.bad || tb.Get(r, "email") != want.email || tb.Get(r, "name") != want.name {
			t.Errorf("record %d = line %d bad %v %q %q, want %+v", i, r.Line, r.Bad, tb.Get(r, "email"), tb.Get(r, "name"), want)
		}
	}
	if !tb.Has("email") || tb.Has("e-mail") || tb.Get(tb.Records[0], "missing") != "" {
		t.Error("Has/Get do not follow the aliased header")
	}
}

func TestReadRejectsWholeFiles(t *testing.T) {
	for name, c := range map[string]struct {
		text, code, msg string
	}{
		"empty":           {"", lms.EINVALID, "The list file is empty."},
		"too large":       {"email\n" + strings.Repeat("a", 1<<10), lms.ETOOLARGE, "The list file is larger than 1 KiB."},
		"too many rows":   {"email\na\nb\nc\nd\n", lms.ETOOLARGE, "The list has more than 3 rows."},
		"a broken header": {"\"email\n", lms.EINVALID, ""},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Read(strings.NewReader(c.text), testFormat)
			if lms.ErrorCode(err) != c.code || (c.msg != "" && lms.ErrorMessage(err) != c.msg) {
				t.Fatalf("error = %v, want %s %q", err, c.code, c.msg)
			}
		})
	}
}
