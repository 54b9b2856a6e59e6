package question

import (
	"fmt"
	"math"
)

// function is a function a formula may call.
type function struct {
	min, max int // number of arguments
	call     func(a []float64) (float64, error)
}

// arity says how many arguments the function takes, for error messages.
func (f *function) arity() string {
	switch {
	case f.min == f.max && f.min == 0:
		return "no arguments"
	case f.min == f.max && f.min == 1:
		return "one argument"
	case f.min == f.max:
		return fmt.Sprintf("%d arguments", f.min)
	case f.max == maxFuncArgs:
		return fmt.Sprintf("from %d to %d arguments", f.min, f.max)
	}
	return fmt.Sprintf("%d or %d arguments", f.min, f.max)
}

// unary wraps a one-argument math function.
func unary(fn func(float64) float64) *function {
	return &function{min: 1, max: 1, call: func(a []float64) (float64, error) { return fn(a[0]), nil }}
}

// domain wraps a one-argument function defined only where ok holds.
func domain(fn func(float64) float64, ok func(float64) bool, msg string) *function {
	return &function{min: 1, max: 1, call: func(a []float64) (float64, error) {
		if !ok(a[0]) {
			return 0, formulaError("%s", msg)
		}
		return fn(a[0]), nil
	}}
}

// functions is the read-only table of the functions a formula may call.
// log and ln are both the natural logarithm (Moodle's log is natural too).
var functions = map[string]*function{
	"sin":   unary(math.Sin),
	"cos":   unary(math.Cos),
	"tan":   unary(math.Tan),
	"asin":  domain(math.Asin, func(x float64) bool { return x >= -1 && x <= 1 }, "asin needs a number from -1 to 1."),
	"acos":  domain(math.Acos, func(x float64) bool { return x >= -1 && x <= 1 }, "acos needs a number from -1 to 1."),
	"atan":  unary(math.Atan),
	"sqrt":  domain(math.Sqrt, func(x float64) bool { return x >= 0 }, "The square root of a negative number is not defined."),
	"abs":   unary(math.Abs),
	"exp":   unary(math.Exp),
	"log":   domain(math.Log, positive, "The logarithm of zero or a negative number is not defined."),
	"ln":    domain(math.Log, positive, "The logarithm of zero or a negative number is not defined."),
	"log10": domain(math.Log10, positive, "The logarithm of zero or a negative number is not defined."),
	"floor": unary(math.Floor),
	"ceil":  unary(math.Ceil),
	"atan2": {min: 2, max: 2, call: func(a []float64) (float64, error) { return math.Atan2(a[0], a[1]), nil }},
	"pow":   {min: 2, max: 2, call: func(a []float64) (float64, error) { return math.Pow(a[0], a[1]), nil }},
	"min": {min: 1, max: maxFuncArgs, call: func(a []float64) (float64, error) {
		m := a[0]
		for _, x := range a[1:] {
			m = math.Min(m, x)
		}
		return m, nil
	}},
	"max": {min: 1, max: maxFuncArgs, call: func(a []float64) (float64, error) {
		m := a[0]
		for _, x := range a[1:] {
			m = math.Max(m, x)
		}
		return m, nil
	}},
	"round": {min: 1, max: 2, call: roundTo},
	"pi":    {min: 0, max: 0, call: func([]float64) (float64, error) { return math.Pi, nil }},
}

func positive(x float64) bool { return x > 0 }

// roundTo is round(x) (half away from zero) or round(x, n): x rounded to n
// decimals, n a whole number from -15 to 15.
func roundTo(a []float64) (float64, error) {
	if len(a) == 1 {
		return math.Round(a[0]), nil
	}
	n := a[1]
	if n != math.Trunc(n) || n < -15 || n > 15 {
		return 0, formulaError("round's second argument must be a whole number from -15 to 15.")
	}
	s := math.Pow10(int(n))
	return math.Round(a[0]*s) / s, nil
}

// opSymbols names the operators in error messages.
var opSymbols = [...]string{opNeg: "-", opAdd: "+", opSub: "-", opMul: "*", opDiv: "/", opMod: "%", opPow: "^"}

// Eval computes the formula with the given variable values. Errors are
// EINVALID *lms.Error values: a variable without a value, division by
// zero, a function outside its domain, or a result that is not a finite
// number.
func (f *Formula) Eval(vars map[string]float64) (float64, error) {
	return eval(f.root, vars)
}

func eval(n *node, vars map[string]float64) (float64, error) {
	switch n.op {
	case opNum:
		return n.num, nil
	case opVar:
		v, ok := vars[n.name]
		if !ok {
			return 0, formulaError("The variable {%s} is not defined.", n.name)
		}
		return finite(v, "{"+n.name+"}")
	}
	args := make([]float64, len(n.args))
	for i, a := range n.args {
		v, err := eval(a, vars)
		if err != nil {
			return 0, err
		}
		args[i] = v
	}
	var v float64
	switch n.op {
	case opNeg:
		v = -args[0]
	case opAdd:
		v = args[0] + args[1]
	case opSub:
		v = args[0] - args[1]
	case opMul:
		v = args[0] * args[1]
	case opDiv, opMod:
		if args[1] == 0 {
			return 0, formulaError("Division by zero (%s).", opSymbols[n.op])
		}
		if n.op == opDiv {
			v = args[0] / args[1]
		} else {
			v = math.Mod(args[0], args[1])
		}
	case opPow:
		v = math.Pow(args[0], args[1])
	case opCall:
		var err error
		if v, err = n.fn.call(args); err != nil {
			return 0, err
		}
		return finite(v, n.name+"()")
	}
	return finite(v, "'"+opSymbols[n.op]+"'")
}

// finite returns v, or an error naming where a NaN or infinity came from.
func finite(v float64, where string) (float64, error) {
	switch {
	case math.IsNaN(v):
		return 0, formulaError("The formula has no real value for these numbers (at %s).", where)
	case math.IsInf(v, 0):
		return 0, formulaError("The formula's value is too large (at %s).", where)
	}
	return v, nil
}
