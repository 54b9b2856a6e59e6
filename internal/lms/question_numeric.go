package lms

import (
	"fmt"
	"math"
	"strings"
)

// NumericKind says how a numerical answer accepts numbers.
type NumericKind string

// Numerical answer kinds.
const (
	NumExact NumericKind = "exact" // Value ± Tolerance (absolute)
	NumRange NumericKind = "range" // from Min to Max, both included
)

// NumericAnswer is one accepted answer of a numerical question (or of a
// number gap). The first answer, in order, that accepts the learner's
// number earns its credit.
type NumericAnswer struct {
	ID         string      `json:"id"`
	Kind       NumericKind `json:"kind"`
	Value      float64     `json:"value,omitzero"`     // exact
	Tolerance  float64     `json:"tolerance,omitzero"` // exact: absolute, >= 0
	Min        float64     `json:"min,omitzero"`       // range
	Max        float64     `json:"max,omitzero"`       // range
	Fraction   float64     `json:"fraction"`           // 0..1
	FeedbackMD string      `json:"feedback_md,omitempty"`
}

// Bounds returns the closed interval of numbers the answer accepts (in the
// base unit).
func (a *NumericAnswer) Bounds() (lo, hi float64) {
	if a.Kind == NumRange {
		return a.Min, a.Max
	}
	return a.Value - a.Tolerance, a.Value + a.Tolerance
}

// NumericalBody is the body of a numerical question (and of a number gap).
type NumericalBody struct {
	Answers []NumericAnswer `json:"answers"`
	Units   *Units          `json:"units,omitempty"` // nil: a plain number, no unit
}

func (b *NumericalBody) validate(path string) error {
	return checkNumeric(path, MaxChoices, b.Answers, b.Units)
}

// checkNumeric checks the answers and units of a numerical or calculated
// question: one answer worth 100%, credits 0..1.
func checkNumeric[T any, P interface {
	*T
	entry() answer
}](path string, most int, list []T, u *Units) error {
	rules := answerRules{list: "answers", noun: "answer", min: 1, max: most}
	err := rules.check(path, len(list), func(i int) answer { return P(&list[i]).entry() })
	if err == nil && u != nil {
		err = u.validate(path + ".units")
	}
	return err
}

func (a *NumericAnswer) entry() answer {
	return answer{id: a.ID, feedback: a.FeedbackMD, fraction: a.Fraction, check: a.validate}
}

func (a *FormulaAnswer) entry() answer {
	return answer{id: a.ID, feedback: a.FeedbackMD, fraction: a.Fraction, check: a.validate}
}

func (a *NumericAnswer) validate(p string) error {
	switch a.Kind {
	case NumExact:
		if err := checkNumber(p+".value", "The answer", a.Value, -MaxNumber, MaxNumber); err != nil {
			return err
		}
		if err := checkNumber(p+".tolerance", "The tolerance", a.Tolerance, 0, MaxNumber); err != nil {
			return err
		}
		if a.Min != 0 || a.Max != 0 {
			return FieldError(p+".min", "An exact answer has a value and a tolerance, not a range.")
		}
	case NumRange:
		if err := checkNumber(p+".min", "The lower end", a.Min, -MaxNumber, MaxNumber); err != nil {
			return err
		}
		if err := checkNumber(p+".max", "The upper end", a.Max, a.Min, MaxNumber); err != nil {
			return err
		}
		if a.Value != 0 || a.Tolerance != 0 {
			return FieldError(p+".value", "A range has a lower and an upper end, not a value.")
		}
	default:
		return FieldError(p+".kind", "The kind must be exact or range.")
	}
	return nil
}

// UnitMode says whether a learner must write a unit after the number.
type UnitMode string

// Unit modes.
const (
	UnitsOptional UnitMode = "optional" // no unit means the base unit; an unknown unit is penalised
	UnitsRequired UnitMode = "required" // a missing or unknown unit is penalised
)

// Unit is a unit a learner may answer in. The answer expressed in this unit
// is the answer in the base unit times Multiplier: with base "m", "cm" has
// multiplier 100 and "km" 0.001 (Moodle's convention).
type Unit struct {
	Name       string  `json:"name"` // case-sensitive: "mm" and "Mm" differ
	Multiplier float64 `json:"multiplier"`
}

// Units are the units of a numerical or calculated question. The first unit
// is the base unit (multiplier 1) in which the answers are given.
type Units struct {
	Mode UnitMode `json:"mode"`
	// Penalty is the share of the answer's credit lost for a missing
	// (required mode) or unknown unit: credit x (1 - Penalty).
	Penalty float64 `json:"penalty"`
	List    []Unit  `json:"list"`
}

func (u *Units) validate(path string) error {
	if u.Mode != UnitsOptional && u.Mode != UnitsRequired {
		return FieldError(path+".mode", "The unit mode must be optional or required.")
	}
	if err := checkNumber(path+".penalty", "The unit penalty", u.Penalty, 0, 1); err != nil {
		return err
	}
	if len(u.List) < 1 || len(u.List) > MaxUnits {
		return FieldError(path+".list", "Give from 1 to %d units.", MaxUnits)
	}
	seen := map[string]bool{}
	for i, un := range u.List {
		p := fmt.Sprintf("%s.list[%d]", path, i)
		if err := CheckText(p+".name", un.Name, MaxUnitChars, true); err != nil {
			return err
		}
		if un.Name != strings.TrimSpace(un.Name) || strings.ContainsAny(un.Name[:1], "0123456789+-.,") {
			return FieldError(p+".name", "A unit must not start with a digit, a sign, a point or a space.")
		}
		if seen[un.Name] {
			return FieldError(p+".name", "The unit %q is given twice.", un.Name)
		}
		seen[un.Name] = true
		if err := checkNumber(p+".multiplier", "The multiplier", un.Multiplier, 1/MaxNumber, MaxNumber); err != nil {
			return err
		}
	}
	if u.List[0].Multiplier != 1 {
		return FieldError(path+".list[0].multiplier", "The first unit is the base unit: its multiplier must be 1.")
	}
	return nil
}

// ToleranceKind says how a calculated answer's tolerance widens the
// computed answer a into an accepted interval (Moodle's three kinds).
type ToleranceKind string

// Tolerance kinds.
const (
	TolAbsolute  ToleranceKind = "absolute"  // a ± t (Moodle calls it nominal)
	TolRelative  ToleranceKind = "relative"  // a ± t·|a|
	TolGeometric ToleranceKind = "geometric" // a/(1+t) .. a·(1+t) (for a < 0 the ends swap)
)

// AnswerFormat says how the correct answer of a calculated question is
// shown: rounded to Digits decimals or to Digits significant figures.
type AnswerFormat string

// Answer formats.
const (
	FormatDecimals    AnswerFormat = "decimals"
	FormatSignificant AnswerFormat = "significant"
)

// Variable is a wildcard {Name} of a calculated question, drawn per
// learner uniformly from [Min, Max] with Decimals decimals.
type Variable struct {
	Name     string  `json:"name"`
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
	Decimals int     `json:"decimals"`
}

// FormulaAnswer is one answer of a calculated question: a formula over the
// variables, e.g. "{m} * {a}".
type FormulaAnswer struct {
	ID            string        `json:"id"`
	Formula       string        `json:"formula"`
	Fraction      float64       `json:"fraction"` // 0..1
	Tolerance     float64       `json:"tolerance"`
	ToleranceKind ToleranceKind `json:"tolerance_kind"`
	Format        AnswerFormat  `json:"format"`
	Digits        int           `json:"digits"`
	FeedbackMD    string        `json:"feedback_md,omitempty"`
}

// CalculatedBody is the body of a calculated question. The text shows the
// variables as {name}; answers are tried in order like numerical answers.
type CalculatedBody struct {
	Variables []Variable      `json:"variables"`
	Answers   []FormulaAnswer `json:"answers"`
	Units     *Units          `json:"units,omitempty"`
}

// ValidVariableName reports whether name can be a variable: a letter or
// '_' then up to 31 letters, digits or '_'.
func ValidVariableName(name string) bool {
	if name == "" || len(name) > 32 || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Steps returns the smallest and largest multiple of 10^-Decimals in
// [Min, Max], counted in steps of 10^-Decimals. lo > hi when there is none.
func (v *Variable) Steps() (lo, hi float64) {
	s := math.Pow10(v.Decimals)
	const eps = 1e-9 // absorbs binary noise such as 0.3*10 = 3.0000000000000004
	return math.Ceil(v.Min*s - eps), math.Floor(v.Max*s + eps)
}

func (b *CalculatedBody) validate(path string) error {
	if len(b.Variables) < 1 || len(b.Variables) > MaxVariables {
		return FieldError(path+".variables", "Give from 1 to %d variables.", MaxVariables)
	}
	names := map[string]bool{}
	for i, v := range b.Variables {
		p := fmt.Sprintf("%s.variables[%d]", path, i)
		if !ValidVariableName(v.Name) {
			return FieldError(p+".name", "A variable name is a letter then letters, digits or '_' (at most 32).")
		}
		if names[v.Name] {
			return FieldError(p+".name", "The variable %q is defined twice.", v.Name)
		}
		names[v.Name] = true
		if err := checkNumber(p+".min", "The lower end", v.Min, -MaxNumber, MaxNumber); err != nil {
			return err
		}
		if err := checkNumber(p+".max", "The upper end", v.Max, v.Min, MaxNumber); err != nil {
			return err
		}
		if v.Decimals < 0 || v.Decimals > MaxDecimals {
			return FieldError(p+".decimals", "The decimals must be from 0 to %d.", MaxDecimals)
		}
		if lo, hi := v.Steps(); lo > hi {
			return FieldError(p+".decimals", "No number with %d decimals lies between %v and %v.", v.Decimals, v.Min, v.Max)
		}
	}
	return checkNumeric(path, MaxFormulaAnswers, b.Answers, b.Units)
}

func (a *FormulaAnswer) validate(p string) error {
	if err := CheckText(p+".formula", a.Formula, MaxFormulaChars, true); err != nil {
		return err
	}
	if err := checkNumber(p+".tolerance", "The tolerance", a.Tolerance, 0, MaxNumber); err != nil {
		return err
	}
	switch a.ToleranceKind {
	case TolAbsolute, TolRelative, TolGeometric:
	default:
		return FieldError(p+".tolerance_kind", "The tolerance kind must be absolute, relative or geometric.")
	}
	switch a.Format {
	case FormatDecimals:
		if a.Digits < 0 || a.Digits > MaxDecimals {
			return FieldError(p+".digits", "Show from 0 to %d decimals.", MaxDecimals)
		}
	case FormatSignificant:
		if a.Digits < 1 || a.Digits > MaxSignificant {
			return FieldError(p+".digits", "Show from 1 to %d significant figures.", MaxSignificant)
		}
	default:
		return FieldError(p+".format", "The format must be decimals or significant.")
	}
	return nil
}

// Bounds returns the interval the answer accepts around the computed value
// a, by the answer's tolerance kind.
func (fa *FormulaAnswer) Bounds(a float64) (lo, hi float64) {
	t := fa.Tolerance
	switch fa.ToleranceKind {
	case TolRelative:
		d := t * math.Abs(a)
		return a - d, a + d
	case TolGeometric:
		q := 1 + t
		if a < 0 {
			return a * q, a / q
		}
		return a / q, a * q
	}
	return a - t, a + t
}
