package query

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDrawNullAsZero(t *testing.T) {
	N := math.NaN()
	inf := math.Inf(1)
	cases := []struct {
		name     string
		in, want []float64
	}{
		{"mixed", []float64{N, 1, N, -2.5, N}, []float64{0, 1, 0, -2.5, 0}},
		{"all null", []float64{N, N}, []float64{0, 0}},
		{"no nulls", []float64{1, 2}, []float64{1, 2}},
		{"infinities are not null", []float64{inf, N, -inf}, []float64{inf, 0, -inf}},
		{"empty", nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &Series{Start: 0, End: 10 * int64(len(tc.in)), Step: 10, Values: tc.in}
			DrawNullAsZero([]*Series{s, nil})
			assertSameFloats(t, tc.want, s.Values)
			if len(tc.in) > 0 {
				assert.Same(t, &tc.in[0], &s.Values[0], "not in place")
			}
		})
	}
}

func TestNonEmpty(t *testing.T) {
	N := math.NaN()
	a := &Series{Name: "a", Values: []float64{N, 1}}
	b := &Series{Name: "b", Values: []float64{N, N}}
	c := &Series{Name: "c"}
	d := &Series{Name: "d", Values: []float64{0}}
	e := &Series{Name: "e", Values: []float64{math.Inf(-1), N}}
	cases := []struct {
		name     string
		in, want []*Series
	}{
		{"keeps order, drops all-null and empty", []*Series{a, b, c, d, e}, []*Series{a, d, e}},
		{"all kept", []*Series{d, a}, []*Series{d, a}},
		{"none kept", []*Series{b, c, nil}, []*Series{}},
		{"no series", nil, []*Series{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]*Series(nil), tc.in...)
			got := NonEmpty(tc.in)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, in, tc.in, "the input was modified")
		})
	}
}

func TestNonEmptyAfterConsolidate(t *testing.T) {
	N := math.NaN()
	// Consolidation with xff 1 turns a sparse series all-null, and
	// graphite-web filters what consolidation produced.
	sparse := &Series{Name: "sparse", Start: 990, End: 1150, Step: 10, XFilesFactor: 1, Values: []float64{1, N, N, N, N, 2, N, N, N, N, 3, N, N, N, N, 4}}
	dense := &Series{Name: "dense", Start: 990, End: 1150, Step: 10, XFilesFactor: 1, Values: make([]float64, 16)}
	series := []*Series{sparse, dense}
	Consolidate(series, 4)
	assert.Equal(t, []*Series{dense}, NonEmpty(series))
}
