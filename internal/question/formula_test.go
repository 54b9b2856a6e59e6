package question

import (
	"math"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func evalString(t *testing.T, src string, vars map[string]float64) (float64, error) {
	t.Helper()
	f, err := ParseFormula(src)
	if err != nil {
		return 0, err
	}
	return f.Eval(vars)
}

func TestFormulaValues(t *testing.T) {
	vars := map[string]float64{"x": 3, "y": -2, "long_name_2": 10}
	for _, c := range []struct {
		src  string
		want float64
	}{
		{"1 + 2 * 3", 7},
		{"(1 + 2) * 3", 9},
		{"10 - 4 - 3", 3},              // left associative
		{"64 / 4 / 2", 8},              // left associative
		{"2 ^ 3 ^ 2", 512},             // right associative
		{"(2 ^ 3) ^ 2", 64},            // parentheses
		{"-2 ^ 2", -4},                 // sign binds looser than ^
		{"2 ^ -1", 0.5},                // signed exponent
		{"--3", 3},                     // double sign
		{"+3 - -3", 6},                 // unary plus and minus
		{"7 % 3", 1},                   // remainder
		{"-7 % 3", -1},                 // remainder keeps the dividend's sign
		{"2 * 3 % 4", 2},               // * and % share a level, left to right
		{"1.5e3 + .5", 1500.5},         // number forms
		{"2E-1", 0.2},                  // capital exponent
		{"{x} * {y}", -6},              // variables
		{"{x}^2 + {long_name_2}", 19},  // longer names
		{"sqrt(16) + abs({y})", 6},     // functions
		{"pow(2, 10)", 1024},           // two arguments
		{"min(4, {x}, 7)", 3},          // variadic
		{"max({y})", -2},               // one argument
		{"round(2.5)", 3},              // half away from zero
		{"round(-2.5)", -3},            // half away from zero
		{"round(3.14159, 2)", 3.14},    // decimals
		{"round(1234, -2)", 1200},      // negative decimals
		{"floor(-1.5) + ceil(1.2)", 0}, // floor and ceil
		{"log(exp(2))", 2},             // natural log
		{"ln(exp(1))", 1},              // ln = log
		{"log10(1000)", 3},             // decimal log
		{"sin(pi()/2) + cos(0)", 2},    // trigonometry
		{"tan(0) + atan(1)*4", math.Pi},
		{"asin(1) * 2", math.Pi},
		{"acos(-1)", math.Pi},
		{"atan2(1, 1) * 4", math.Pi},
		{"  1\t+\n2  ", 3}, // white space
		{"((((((1))))))", 1},
	} {
		got, err := evalString(t, c.src, vars)
		if err != nil || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%q = %v, %v; want %v", c.src, got, err, c.want)
		}
	}
}

func TestFormulaVars(t *testing.T) {
	f, err := ParseFormula("{b} + {a} * {b} + sin({c})")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Vars(), ","); got != "a,b,c" {
		t.Fatalf("vars %s", got)
	}
}

func TestFormulaParseErrors(t *testing.T) {
	for _, c := range []struct {
		src, want string
	}{
		{"", "Expected a number"},
		{"1 +", "at character 4"},
		{"1 + * 2", "at character 5"},
		{"(1 + 2", "Expected ')'"},
		{"1 + 2)", "Unexpected ')'"},
		{"2 3", "Unexpected '3'"},
		{"{x", "Expected a variable name"},
		{"{1x}", "Expected a variable name"},
		{"{}", "Expected a variable name"},
		{"x + 1", `Unknown function "x" (variables are written {x})`},
		{"eval(1)", `Unknown function "eval"`},
		{"sqrt", "Expected '(' after sqrt"},
		{"sqrt()", "sqrt takes one argument"},
		{"pow(1)", "pow takes 2 arguments"},
		{"pi(1)", "pi takes no arguments"},
		{"round(1, 2, 3)", "round takes 1 or 2 arguments"},
		{"min()", "min takes from 1 to 32 arguments"},
		{"1e", "exponent"},
		{"1..2", "Unexpected '.'"},
		{"1 = 1", "Unexpected '='"},
		{"2 ** 3", "at character 4"},
		{"1; 2", "Unexpected ';'"},
		{"é", "Expected a number"},
		{"1e999", "too large"},
		{"\xff", "valid UTF-8"},
	} {
		_, err := ParseFormula(c.src)
		if err == nil || !strings.Contains(lms.ErrorMessage(err), c.want) || lms.ErrorCode(err) != lms.EINVALID {
			t.Errorf("ParseFormula(%q) = %v, want an invalid error containing %q", c.src, err, c.want)
		}
	}
}

func TestFormulaEvalErrors(t *testing.T) {
	vars := map[string]float64{"x": 0}
	for _, c := range []struct {
		src, want string
	}{
		{"1 / 0", "Division by zero (/)"},
		{"1 / {x}", "Division by zero"},
		{"5 % 0", "Division by zero (%)"},
		{"sqrt(-1)", "square root of a negative"},
		{"log(0)", "logarithm of zero"},
		{"ln(-1)", "logarithm"},
		{"log10({x})", "logarithm"},
		{"asin(2)", "asin needs"},
		{"acos(-1.5)", "acos needs"},
		{"10 ^ 400", "too large (at '^')"},
		{"10 ^ 10 ^ 10", "too large"},
		{"exp(1000)", "too large (at exp())"},
		{"pow(-8, 1/3)", "no real value"},
		{"1e308 * 10", "too large (at '*')"},
		{"{y} + 1", "The variable {y} is not defined"},
		{"round(1, 0.5)", "whole number"},
		{"round(1, 99)", "whole number"},
		{"tan(1e308) * 1e308 * 1e308", "too large"},
	} {
		_, err := evalString(t, c.src, vars)
		if err == nil || !strings.Contains(lms.ErrorMessage(err), c.want) || lms.ErrorCode(err) != lms.EINVALID {
			t.Errorf("%q = %v, want an invalid error containing %q", c.src, err, c.want)
		}
	}
}

func TestFormulaBoundsMaliciousInput(t *testing.T) {
	for _, c := range []struct {
		name, src, want string
	}{
		{"very long input", strings.Repeat("1+", 600) + "1", "longer than 1000 characters"},
		{"deep parentheses", strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200), "Too deeply nested"},
		{"deep signs", strings.Repeat("-", 100) + "1", "Too deeply nested"},
		{"deep powers", strings.Repeat("2^", 60) + "2", "Too deeply nested"},
		{"deep calls", strings.Repeat("abs(", 40) + "1" + strings.Repeat(")", 40), "Too deeply nested"},
		{"too many parts", strings.Repeat("1+", 499) + "1", "too long (more than 500 parts)"},
		{"huge variable name", "{" + strings.Repeat("a", 500) + "}", "Expected a variable name"},
		{"huge function name", strings.Repeat("a", 900) + "(1)", "Unknown function"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseFormula(c.src)
			if err == nil || !strings.Contains(lms.ErrorMessage(err), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if len(lms.ErrorMessage(err)) > 200 {
				t.Fatalf("error message too long: %d bytes", len(lms.ErrorMessage(err)))
			}
		})
	}
	t.Run("the limits themselves are fine", func(t *testing.T) {
		for _, src := range []string{
			strings.Repeat("(", maxFormulaDepth-1) + "1" + strings.Repeat(")", maxFormulaDepth-1),
			"max(" + strings.Repeat("1,", maxFuncArgs-1) + "1)",
			strings.Repeat("1+", 249) + "1",
		} {
			if _, err := ParseFormula(src); err != nil {
				t.Errorf("%.40q...: %v", src, err)
			}
		}
	})
}
