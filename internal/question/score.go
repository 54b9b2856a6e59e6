package question

import (
	"math"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// Points rounding: points are stored with pointsDecimals decimals (enough
// that no sum of question marks ever drifts visibly, as Moodle stores 7),
// and shown with at most maxShownDecimals.
const (
	pointsDecimals   = 7
	maxShownDecimals = 6
)

// Points returns the points a credit earns on a question worth maxPoints:
// fraction × maxPoints, the fraction clamped to [0, 1], rounded to 7
// decimals. Totals add the stored points and round only for display
// (FormatPoints).
func Points(fraction, maxPoints float64) float64 {
	if math.IsNaN(fraction) || math.IsNaN(maxPoints) || maxPoints <= 0 {
		return 0
	}
	f := min(max(fraction, 0), 1)
	s := math.Pow10(pointsDecimals)
	return math.Round(f*maxPoints*s) / s
}

// FractionOf returns the credit of points given by hand (an essay's
// grade) on a question worth maxPoints. Points must be a number from 0 to
// maxPoints.
func FractionOf(points, maxPoints float64) (float64, error) {
	if math.IsNaN(points) || math.IsInf(points, 0) || points < 0 || points > maxPoints {
		return 0, lms.FieldError("points", "The points must be a number from 0 to %s.", FormatPoints(maxPoints, 2))
	}
	if maxPoints <= 0 {
		return 0, nil
	}
	f, _ := finish(points / maxPoints)
	return f, nil
}

// FormatPoints writes points with the given decimals (0..6), rounding half
// away from zero on the decimal value: 2.675 with 2 decimals is "2.68",
// although 2.675 is 2.67499… in binary.
func FormatPoints(p float64, decimals int) string {
	decimals = min(max(decimals, 0), maxShownDecimals)
	s := math.Pow10(decimals)
	// Points carry 7 decimals: nudging by a quarter of the seventh decimal
	// undoes binary noise (far smaller) without moving a true value across
	// a rounding boundary (at least half a seventh decimal away).
	nudge := math.Pow10(decimals-pointsDecimals) / 4
	v := math.Round(p*s+math.Copysign(nudge, p)) / s
	return cleanZero(strconv.FormatFloat(v, 'f', decimals, 64))
}
