package question

import (
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Formula limits: a formula is parsed by hand (never evaluated as code),
// and these bound the work any formula can cause.
const (
	maxFormulaDepth = 32  // nesting of parentheses, signs, powers and calls
	maxFormulaNodes = 500 // numbers, variables, operators and calls in one formula
	maxFuncArgs     = 32  // arguments of min or max
)

// op is the kind of a formula node.
type op uint8

// Formula node kinds.
const (
	opNum op = iota
	opVar
	opNeg
	opAdd
	opSub
	opMul
	opDiv
	opMod
	opPow
	opCall
)

// node is one node of a parsed formula.
type node struct {
	op   op
	num  float64   // opNum
	name string    // opVar: the variable; opCall: the function
	fn   *function // opCall
	args []*node   // operands or call arguments
}

// Formula is a parsed formula: numbers, variables {x}, + - * / % ^,
// parentheses and the functions listed in docs/questions.md. It is
// immutable and safe for concurrent use.
type Formula struct {
	root *node
	vars []string // sorted, unique
}

// Vars returns the names of the variables the formula uses, sorted.
func (f *Formula) Vars() []string { return slices.Clone(f.vars) }

// formulaError returns the user-visible error for a formula.
func formulaError(format string, args ...any) *lms.Error {
	return lms.Errorf(lms.EINVALID, format, args...)
}

// parser is the state of one Parse: a recursive-descent parser over the
// formula's bytes.
type parser struct {
	src   string
	pos   int // byte offset of the next unread byte
	depth int // current nesting
	nodes int // nodes made so far
	vars  map[string]bool
}

// ParseFormula parses src. Errors are EINVALID *lms.Error values that say
// what is wrong and at which character.
func ParseFormula(src string) (*Formula, error) {
	if len(src) > lms.MaxFormulaChars {
		return nil, formulaError("The formula is longer than %d characters.", lms.MaxFormulaChars)
	}
	if !utf8.ValidString(src) {
		return nil, formulaError("The formula must be valid UTF-8 text.")
	}
	p := &parser{src: src, vars: map[string]bool{}}
	root, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.src) {
		return nil, p.errorf("Unexpected %s", p.what())
	}
	f := &Formula{root: root}
	for v := range p.vars {
		f.vars = append(f.vars, v)
	}
	slices.Sort(f.vars)
	return f, nil
}

// errorf returns a formula error at the current position.
func (p *parser) errorf(format string, args ...any) error {
	at := utf8.RuneCountInString(p.src[:p.pos]) + 1
	return formulaError("%s at character %d of the formula.", fmt.Sprintf(format, args...), at)
}

// what describes the next character for an error message.
func (p *parser) what() string {
	if p.pos >= len(p.src) {
		return "end"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return strconv.QuoteRune(r)
}

func (p *parser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

// peek skips spaces and returns the next byte, or 0 at the end.
func (p *parser) peek() byte {
	p.space()
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

// make counts and returns a new node.
func (p *parser) make(n *node) (*node, error) {
	p.nodes++
	if p.nodes > maxFormulaNodes {
		return nil, formulaError("The formula is too long (more than %d parts).", maxFormulaNodes)
	}
	return n, nil
}

// enter and leave bound the nesting. Every nested part (parenthesis,
// argument, exponent or sign) goes through unary, which enters once.
func (p *parser) enter() error {
	p.depth++
	if p.depth > maxFormulaDepth {
		return p.errorf("Too deeply nested (more than %d levels)", maxFormulaDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// expr := term (('+' | '-') term)*
func (p *parser) expr() (*node, error) {
	left, err := p.term()
	if err != nil {
		return nil, err
	}
	for {
		c := p.peek()
		if c != '+' && c != '-' {
			return left, nil
		}
		p.pos++
		right, err := p.term()
		if err != nil {
			return nil, err
		}
		o := opAdd
		if c == '-' {
			o = opSub
		}
		if left, err = p.make(&node{op: o, args: []*node{left, right}}); err != nil {
			return nil, err
		}
	}
}

// term := unary (('*' | '/' | '%') unary)*
func (p *parser) term() (*node, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		var o op
		switch p.peek() {
		case '*':
			o = opMul
		case '/':
			o = opDiv
		case '%':
			o = opMod
		default:
			return left, nil
		}
		p.pos++
		right, err := p.unary()
		if err != nil {
			return nil, err
		}
		if left, err = p.make(&node{op: o, args: []*node{left, right}}); err != nil {
			return nil, err
		}
	}
}

// unary := ('-' | '+') unary | power. A sign binds looser than '^':
// -2^2 is -(2^2).
func (p *parser) unary() (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	switch p.peek() {
	case '+':
		p.pos++
		return p.unary()
	case '-':
		p.pos++
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return p.make(&node{op: opNeg, args: []*node{x}})
	}
	return p.power()
}

// power := primary ('^' unary)?: right associative, 2^3^2 is 2^(3^2), and
// the exponent may carry a sign (2^-1).
func (p *parser) power() (*node, error) {
	base, err := p.primary()
	if err != nil {
		return nil, err
	}
	if p.peek() != '^' {
		return base, nil
	}
	p.pos++
	exp, err := p.unary()
	if err != nil {
		return nil, err
	}
	return p.make(&node{op: opPow, args: []*node{base, exp}})
}

// primary := number | '{' name '}' | name '(' args ')' | '(' expr ')'
func (p *parser) primary() (*node, error) {
	c := p.peek()
	switch {
	case c >= '0' && c <= '9' || c == '.':
		return p.number()
	case c == '{':
		return p.variable()
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return p.call()
	case c == '(':
		p.pos++
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, p.errorf("Expected ')' but found %s", p.what())
		}
		p.pos++
		return x, nil
	}
	return nil, p.errorf("Expected a number, a {variable}, a function or '(' but found %s", p.what())
}

// number reads digits, an optional fraction and an optional exponent.
func (p *parser) number() (*node, error) {
	start := p.pos
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	n := digits()
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		n += digits()
	}
	if n == 0 {
		p.pos = start
		return nil, p.errorf("Expected a digit")
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		save := p.pos
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			p.pos = save
			return nil, p.errorf("Expected the digits of an exponent")
		}
	}
	v, err := strconv.ParseFloat(p.src[start:p.pos], 64)
	if err != nil {
		p.pos = start
		return nil, p.errorf("The number is too large")
	}
	return p.make(&node{op: opNum, num: v})
}

// variable reads {name}.
func (p *parser) variable() (*node, error) {
	p.pos++ // '{'
	end := p.pos
	for end < len(p.src) && p.src[end] != '}' && end-p.pos <= 32 {
		end++
	}
	if end >= len(p.src) || p.src[end] != '}' || !lms.ValidVariableName(p.src[p.pos:end]) {
		return nil, p.errorf("Expected a variable name and '}'")
	}
	name := p.src[p.pos:end]
	p.pos = end + 1
	p.vars[name] = true
	return p.make(&node{op: opVar, name: name})
}

// call reads name(args).
func (p *parser) call() (*node, error) {
	start := p.pos
	for p.pos < len(p.src) && (p.src[p.pos] >= 'a' && p.src[p.pos] <= 'z' || p.src[p.pos] >= 'A' && p.src[p.pos] <= 'Z' || p.src[p.pos] >= '0' && p.src[p.pos] <= '9') {
		p.pos++
	}
	name := p.src[start:p.pos]
	fn := functions[name]
	if fn == nil {
		p.pos = start
		if len(name) > 20 {
			name = name[:20] + "…"
		}
		return nil, p.errorf("Unknown function %q (variables are written {%s})", name, name)
	}
	if p.peek() != '(' {
		return nil, p.errorf("Expected '(' after %s", name)
	}
	p.pos++
	var args []*node
	if p.peek() != ')' {
		for {
			a, err := p.expr()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if p.peek() != ',' {
				break
			}
			p.pos++
		}
	}
	if p.peek() != ')' {
		return nil, p.errorf("Expected ',' or ')' but found %s", p.what())
	}
	p.pos++
	if len(args) < fn.min || len(args) > fn.max {
		return nil, p.errorf("%s takes %s", name, fn.arity())
	}
	return p.make(&node{op: opCall, name: name, fn: fn, args: args})
}
