package query

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPositionalTarget(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		assert.Equal(t, want, positionalTarget(in), in)
	}
	f("asPercent(a.*,total=sumSeries(a.*))", "asPercent(a.*,sumSeries(a.*))")
	f("transformNull(a,referenceSeries=b)", "transformNull(a,None,b)")
	f("transformNull(a,default=-1,referenceSeries=group(b,c))", "transformNull(a,-1,group(b,c))")
	f("aggregateSeriesLists(a.*,seriesListSecondPos=group(b.*),func='sum')", "aggregateSeriesLists(a.*,group(b.*),'sum')")
	f("alias(divideSeries(a,divisorSeries=sumSeries(a.{b,c})),'x=y')", "alias(divideSeries(a,sumSeries(a.{b,c})),'x=y')")
	f("aggregate(seriesList=a.*,func='sum')", "aggregate(a.*,'sum')")
	f("offset(a.b,factor=2)", "offset(a.b,2)")
	f("groupByNodes(a.*.*,callback='sum')", "groupByNodes(a.*.*,'sum')")
	// Left alone: no named argument, an unknown function, an unknown
	// parameter, a required parameter left out, a positional argument
	// after a named one, an optional parameter left out before a named
	// one that is not a series list.
	f("sumSeries(a.*,b)", "sumSeries(a.*,b)")
	f("noSuchFunction(a,x=b)", "noSuchFunction(a,x=b)")
	f("asPercent(a,other=b)", "asPercent(a,other=b)")
	f("divideSeries(divisorSeries=b)", "divideSeries(divisorSeries=b)")
	f("transformNull(a,default=1,b)", "transformNull(a,default=1,b)")
	f("timeShift(a,'1h',alignDST=true)", "timeShift(a,'1h',alignDST=true)")
}

func TestPrefetchedPaths(t *testing.T) {
	f := func(targets []string, want map[string]bool) {
		t.Helper()
		assert.Equal(t, want, prefetchedPaths(targets), targets)
	}
	// No keyword argument names a series: nothing to restrict.
	f([]string{"movingAverage(a.b,windowSize=5)", "c.d"}, nil)
	f([]string{"alias(a.b,'total=c.d')"}, nil)
	// Paths in keyword arguments are not prefetched, at any depth; those
	// in positional arguments are, in any target.
	f([]string{"asPercent(a.*,total=sumSeries(c.*))"}, map[string]bool{"a.*": true})
	f([]string{"transformNull(a.b,referenceSeries=c.d)", "scale(c.d,2)"}, map[string]bool{"a.b": true, "c.d": true})
	f([]string{"sumSeries(transformNull(a.b,-1,referenceSeries=x.y),5xx.count)"}, map[string]bool{"a.b": true, "5xx.count": true})
}
