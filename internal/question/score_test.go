package question

import (
	"math"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
)

func TestPoints(t *testing.T) {
	for _, c := range []struct {
		fraction, max, want float64
	}{
		{1, 2, 2},
		{0.5, 3, 1.5},
		{1.0 / 3, 1, 0.3333333},
		{2.0 / 3, 3, 2},
		{-0.5, 2, 0},
		{1.5, 2, 2},
		{0.1 + 0.2, 10, 3},
		{1, 0, 0},
		{math.NaN(), 2, 0},
	} {
		if got := Points(c.fraction, c.max); got != c.want {
			t.Errorf("Points(%v, %v) = %v, want %v", c.fraction, c.max, got, c.want)
		}
	}
}

func TestFractionOf(t *testing.T) {
	for _, c := range []struct {
		points, max, want float64
		ok                bool
	}{
		{5, 10, 0.5, true},
		{10, 10, 1, true},
		{0, 10, 0, true},
		{0, 0, 0, true},
		{-1, 10, 0, false},
		{11, 10, 0, false},
		{math.NaN(), 10, 0, false},
		{math.Inf(1), 10, 0, false},
	} {
		got, err := FractionOf(c.points, c.max)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("FractionOf(%v, %v) = %v, %v", c.points, c.max, got, err)
		}
		if err != nil && lms.ErrorCode(err) != lms.EINVALID {
			t.Errorf("code %s", lms.ErrorCode(err))
		}
	}
}

func TestFormatPoints(t *testing.T) {
	for _, c := range []struct {
		p        float64
		decimals int
		want     string
	}{
		{2.675, 2, "2.68"},
		{2.5, 0, "3"},
		{2.4999999, 0, "2"},
		{1.005, 2, "1.01"},
		{0.3333333, 2, "0.33"},
		{0, 2, "0.00"},
		{10, 1, "10.0"},
		{1.23456789, 9, "1.234568"},
	} {
		if got := FormatPoints(c.p, c.decimals); got != c.want {
			t.Errorf("FormatPoints(%v, %d) = %q, want %q", c.p, c.decimals, got, c.want)
		}
	}
}
