package gift

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// bigFile returns a GIFT file of n questions cycling through every type,
// with a $CATEGORY: line every 500 questions.
func bigFile(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		if i%500 == 0 {
			fmt.Fprintf(&b, "$CATEGORY: $course$/top/Unit %d\n\n", i/500+1)
		}
		fmt.Fprintf(&b, "// [id:q%d] [tag:generated]\n::Question %d::", i, i)
		switch i % 9 {
		case 0:
			b.WriteString("Who is buried in Grant's tomb?{\n\t~Grant#No.\n\t~Jefferson#No.\n\t=no one#Right!\n\t####Nobody is.\n}\n")
		case 1:
			b.WriteString("Which are continents?{\n\t~%50%Africa\n\t~%50%Asia\n\t~%-100%China\n}\n")
		case 2:
			b.WriteString("Grant is buried in Grant's tomb.{FALSE#He is entombed.#Right.}\n")
		case 3:
			b.WriteString("Two plus two equals {=four =%50%4 =%0%*#Try again}.\n")
		case 4:
			b.WriteString("When was Ulysses S. Grant born?{#\n\t=1822:0#Correct\n\t=%50%1820..1824\n\t~#No\n}\n")
		case 5:
			b.WriteString("[html]<p>Match the capitals.</p>{\n\t=Canada -> Ottawa\n\t=Italy -> Rome\n\t=Japan -> Tokyo\n}\n")
		case 6:
			b.WriteString("Put in order:{>3 ALL\n\tone\n\ttwo\n\tthree\n}\n")
		case 7:
			b.WriteString("[markdown]Write about **Dag Hammarskjöld** \\{200 words\\}.{}\n")
		case 8:
			b.WriteString("You may use a calculator\\: the next questions need one.\n")
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// BenchmarkParse5000 parses a file of 5,000 questions of every type.
func BenchmarkParse5000(b *testing.B) {
	src := bigFile(5000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if r := Parse(src); len(r.Questions) != 5000 || len(r.Errors) != 0 {
			b.Fatalf("%d questions, errors %v", len(r.Questions), r.Errors)
		}
	}
}

// BenchmarkExport5000 writes 5,000 questions of every type.
func BenchmarkExport5000(b *testing.B) {
	qs, err := ParseStrict(bigFile(5000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Export(&buf, qs); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseWorkIsLinear(t *testing.T) {
	small, large := bigFile(500), bigFile(5000)
	allocs := func(src []byte) float64 { return testing.AllocsPerRun(3, func() { Parse(src) }) }
	if a, b := allocs(small), allocs(large); b > 11*a {
		t.Errorf("%v allocations for 500 questions but %v for 5,000: not linear", a, b)
	}
	t.Run("a pathological comment line is read once", func(t *testing.T) {
		src := []byte("// " + strings.Repeat("[id:[tag:", 20000) + "\nQ{}")
		if a := allocs(src); a > 100 {
			t.Errorf("%v allocations", a)
		}
	})
}
