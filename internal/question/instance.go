package question

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Calculated question tunables.
const (
	// maxRedraws is how many draws Instantiate tries until every formula has
	// a finite value (a formula such as 1/({x}-{y}) has singular draws).
	maxRedraws = 16
	// sampleDraws is how many instances Validate checks at save time.
	sampleDraws = 20
)

// Instance is one learner's copy of a question: the seed of its attempt
// slot and, for calculated questions, the values drawn for the variables.
// It is server-side data: the values reach learners only inside the text.
type Instance struct {
	Seed uint64             `json:"seed"`
	Vars map[string]float64 `json:"vars,omitempty"`
}

// Instantiate returns q's instance for seed. It is deterministic: the same
// question and seed give the same instance (the service derives the seed
// from the attempt and the slot, so a reload shows the same numbers).
// Different seeds draw independently. q must be valid.
func Instantiate(q *lms.Question, seed uint64) (Instance, error) {
	inst := Instance{Seed: seed}
	if q.Type != lms.QCalculated || q.Body.Calculated == nil {
		return inst, nil
	}
	c := q.Body.Calculated
	formulas, err := parseAnswers(c)
	if err != nil {
		return inst, err
	}
	var last error
	for try := range maxRedraws {
		inst.Vars = draw(c.Variables, seed, try)
		if _, last = evalAnswers(formulas, inst.Vars); last == nil {
			return inst, nil
		}
	}
	return Instance{}, fmt.Errorf("question %d: no valid draw for seed %d: %w", q.ID, seed, last)
}

// draw returns one value per variable. Each variable has its own stream,
// so adding a variable does not change the others' values.
func draw(vars []lms.Variable, seed uint64, try int) map[string]float64 {
	out := make(map[string]float64, len(vars))
	for _, v := range vars {
		r := newRNG(seed, fmt.Sprintf("var:%s:%d", v.Name, try))
		lo, hi := v.Steps()
		n := hi - lo + 1
		var k float64
		if n <= 1<<53 {
			k = lo + float64(r.intn(int(n)))
		} else {
			k = min(hi, math.Floor(lo+r.float()*n))
		}
		x := k / math.Pow10(v.Decimals)
		if x == 0 {
			x = 0 // no negative zero
		}
		out[v.Name] = x
	}
	return out
}

// parseAnswers parses the formulas of a calculated question's answers.
func parseAnswers(c *lms.CalculatedBody) ([]*Formula, error) {
	out := make([]*Formula, len(c.Answers))
	for i, a := range c.Answers {
		f, err := ParseFormula(a.Formula)
		if err != nil {
			return nil, withField(err, fmt.Sprintf("body.calculated.answers[%d].formula", i))
		}
		out[i] = f
	}
	return out, nil
}

// evalAnswers computes every answer's value for one draw.
func evalAnswers(formulas []*Formula, vars map[string]float64) ([]float64, error) {
	out := make([]float64, len(formulas))
	for i, f := range formulas {
		v, err := f.Eval(vars)
		if err != nil {
			return nil, withField(err, fmt.Sprintf("body.calculated.answers[%d].formula", i))
		}
		out[i] = v
	}
	return out, nil
}

// withField returns err with its *lms.Error's field set.
func withField(err error, field string) error {
	var e *lms.Error
	if errors.As(err, &e) {
		c := *e
		c.Field = field
		return &c
	}
	return err
}

// Validate checks a question before it is saved: lms.Question.Validate,
// then for calculated questions that every formula parses, uses only
// defined variables (and at least one), has a finite value over sample
// draws, and that the correct answer as shown (rounded to its digits) is
// itself accepted. Errors are *lms.Error values naming the field.
func Validate(q *lms.Question) error {
	if err := q.Validate(); err != nil {
		return err
	}
	if q.Type != lms.QCalculated {
		return nil
	}
	c := q.Body.Calculated
	formulas, err := parseAnswers(c)
	if err != nil {
		return err
	}
	defined := map[string]bool{}
	for _, v := range c.Variables {
		defined[v.Name] = true
	}
	for i, f := range formulas {
		field := fmt.Sprintf("body.calculated.answers[%d].formula", i)
		if len(f.vars) == 0 {
			return lms.FieldError(field, "The formula of answer %d must use at least one variable, such as {x}.", i+1)
		}
		for _, v := range f.vars {
			if !defined[v] {
				return lms.FieldError(field, "The formula of answer %d uses {%s}, which is not a variable of this question.", i+1, v)
			}
		}
	}
	for s := range uint64(sampleDraws) {
		inst, err := Instantiate(q, s)
		if err != nil {
			field := "body.calculated.answers"
			if e := (*lms.Error)(nil); errors.As(err, &e) {
				field = e.Field
			}
			return lms.FieldError(field, "The formulas have no value for most drawn numbers: %s", lms.ErrorMessage(err))
		}
		values, _ := evalAnswers(formulas, inst.Vars)
		for i, a := range c.Answers {
			shown := formatAnswer(values[i], a.Format, a.Digits)
			x, _ := strconv.ParseFloat(shown, 64)
			if lo, hi := a.Bounds(values[i]); !within(x, lo, hi) {
				return lms.FieldError(fmt.Sprintf("body.calculated.answers[%d].digits", i),
					"Answer %d would be shown as %s, outside its own tolerance around %s (for %s): show more digits or widen the tolerance.",
					i+1, shown, strconv.FormatFloat(values[i], 'g', -1, 64), describeVars(c.Variables, inst.Vars))
			}
		}
	}
	return nil
}

// describeVars lists drawn values for a message: "{a} = 2, {b} = 3.5".
func describeVars(vars []lms.Variable, vals map[string]float64) string {
	parts := make([]string, len(vars))
	for i, v := range vars {
		parts[i] = fmt.Sprintf("{%s} = %s", v.Name, formatValue(vals[v.Name], v.Decimals))
	}
	return strings.Join(parts, ", ")
}

// formatValue writes a drawn value with exactly its decimals.
func formatValue(x float64, decimals int) string {
	return strconv.FormatFloat(x, 'f', decimals, 64)
}

// formatAnswer writes a computed answer rounded (half away from zero) to
// digits decimals or significant figures, in plain notation unless it is
// very large or small.
func formatAnswer(x float64, format lms.AnswerFormat, digits int) string {
	if format == lms.FormatDecimals {
		return cleanZero(strconv.FormatFloat(roundDecimals(x, digits), 'f', digits, 64))
	}
	if x == 0 {
		return "0"
	}
	exp := int(math.Floor(math.Log10(math.Abs(x))))
	x = roundDecimals(x, digits-1-exp)
	if x != 0 {
		exp = int(math.Floor(math.Log10(math.Abs(x)))) // 9.99 rounds up to 10
	}
	if exp < -6 || exp > 20 {
		return strconv.FormatFloat(x, 'e', digits-1, 64)
	}
	return cleanZero(strconv.FormatFloat(x, 'f', max(0, digits-1-exp), 64))
}

// roundDecimals rounds x half away from zero to n decimals (n may be
// negative), leaving x as it is where scaling would overflow.
func roundDecimals(x float64, n int) float64 {
	s := math.Pow10(n)
	if v := math.Round(x*s) / s; !math.IsInf(v, 0) && !math.IsNaN(v) {
		return v
	}
	return x
}

// cleanZero turns "-0.00" into "0.00".
func cleanZero(s string) string {
	if strings.HasPrefix(s, "-") && strings.Trim(s, "-0.") == "" {
		return s[1:]
	}
	return s
}

// substitute replaces each {name} of a defined variable in text with its
// value; other braces (LaTeX, for instance) stay as written.
func substitute(text string, c *lms.CalculatedBody, vals map[string]float64) string {
	if c == nil || !strings.Contains(text, "{") {
		return text
	}
	decimals := make(map[string]int, len(c.Variables))
	for _, v := range c.Variables {
		decimals[v.Name] = v.Decimals
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			b.WriteString(text)
			return b.String()
		}
		name := text[i+1 : i+j]
		if d, ok := decimals[name]; ok {
			b.WriteString(text[:i])
			b.WriteString(formatValue(vals[name], d))
			text = text[i+j+1:]
			continue
		}
		b.WriteString(text[:i+1])
		text = text[i+1:]
	}
}
