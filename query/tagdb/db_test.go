package tagdb

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTagSeriesReturnsNormalisedNames(t *testing.T) {
	db, err := Open(context.Background(), Options{})
	require.NoError(t, err)
	got, err := db.TagSeries(context.Background(), []string{"probe.x;b=2;a=1", "probe.y;z=9", "probe.x;a=1;b=2"})
	require.NoError(t, err)
	assert.Equal(t, []string{"probe.x;a=1;b=2", "probe.y;z=9", "probe.x;a=1;b=2"}, got)
	assert.Equal(t, 2, db.Len())
}

func TestTagSeriesRegistersThePrefixBeforeABadName(t *testing.T) {
	db, err := Open(context.Background(), Options{})
	require.NoError(t, err)
	_, err = db.TagSeries(context.Background(), []string{"ok.a;k=v", "bad;k=~v", "ok.b;k=v"})
	require.ErrorIs(t, err, ErrBadName)
	assert.Equal(t, `Tag values are not allowed to start with "~" in tag "k"`, err.Error())
	got, err := db.FindSeries([]string{"k=v"})
	require.NoError(t, err)
	assert.Equal(t, []string{"ok.a;k=v"}, got, "graphite-web commits each name as it goes")
}

func TestDelSeriesKeepsTagsButNotValues(t *testing.T) {
	db := zoo(t)
	require.NoError(t, db.DelSeries(context.Background(), []string{"test.a;hello=lion;blah=blah", "never.registered;x=y"}))
	got, err := db.FindSeries([]string{"hello!="})
	require.NoError(t, err)
	assert.Equal(t, []string{"test.a;blah=blah;hello=tiger"}, got)
	d, err := db.GetTag("hello", "", -1)
	require.NoError(t, err)
	assert.Equal(t, []ValueInfo{{1, "tiger", 1}}, d.Values, "a value without series is not listed")
	require.NoError(t, db.DelSeries(context.Background(), []string{"test.a;blah=blah;hello=tiger"}))
	d, err = db.GetTag("hello", "", -1)
	require.NoError(t, err)
	assert.Equal(t, &TagDetail{TagInfo: TagInfo{1, "hello"}, Values: []ValueInfo{}}, d, "the tag stays, as in graphite-web")
	tags, err := db.AutoCompleteTags(nil, "h", 100, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"hello"}, tags)
	vals, err := db.AutoCompleteValues(nil, "hello", "", 100, false)
	require.NoError(t, err)
	assert.Empty(t, vals)

	// registering again reuses the value's id
	_, err = db.TagSeries(context.Background(), []string{"test.a;hello=lion;blah=blah"})
	require.NoError(t, err)
	d, err = db.GetTag("hello", "", -1)
	require.NoError(t, err)
	assert.Equal(t, []ValueInfo{{5, "lion", 1}}, d.Values)

	err = db.DelSeries(context.Background(), []string{"test.b;blah=blah", ";bad"})
	require.ErrorIs(t, err, ErrBadName)
	got, err = db.FindSeries([]string{"name=test.b"})
	require.NoError(t, err)
	assert.Empty(t, got, "the names before a bad one are deleted")
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	db, err := Open(context.Background(), Options{ReadOnly: true})
	require.NoError(t, err)
	_, err = db.TagSeries(context.Background(), []string{"a;b=c"})
	require.ErrorIs(t, err, ErrReadOnly)
	require.ErrorIs(t, db.DelSeries(context.Background(), []string{"a;b=c"}), ErrReadOnly)
	assert.True(t, db.ReadOnly())
}

// TestOpenMetricsNameIsOdd follows graphite-web where the tags a name was
// registered with differ from those its normalised form parses to: the
// database rows select it, but filters and autocompletion read its name.
func TestOpenMetricsNameIsOdd(t *testing.T) {
	db, err := Open(context.Background(), Options{})
	require.NoError(t, err)
	got, err := db.TagSeries(context.Background(), []string{`a;t=x{y="z"}`})
	require.NoError(t, err)
	assert.Equal(t, []string{"a;t=x;y=z"}, got)
	// registered as name="a;t=x", y=z
	found, err := db.FindSeries([]string{"name=a;t=x"})
	require.Error(t, err, "a ; in a tagspec is invalid")
	found, err = db.FindSeries([]string{"y=z"})
	require.NoError(t, err)
	assert.Equal(t, []string{"a;t=x;y=z"}, found)
	found, err = db.FindSeries([]string{"y=z", "t=x"}) // t=x is not registered
	require.NoError(t, err)
	assert.Empty(t, found)
	found, err = db.FindSeries([]string{"y=z", "t!=x"}) // a filter reads the name: t is x there
	require.NoError(t, err)
	assert.Empty(t, found)
	tags, err := db.AutoCompleteTags([]string{"y=z"}, "", 100, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"name", "t"}, tags)
}

// slowStore blocks its Load until release is closed.
type slowStore struct {
	release chan struct{}
}

func (s slowStore) Load(ctx context.Context, l Loader) error {
	<-s.release
	l.Reserve(1)
	l.Tag(1, "name")
	l.Value(1, "m")
	l.Series(1, "m")
	return l.SeriesTag(1, 1, 1)
}
func (slowStore) Register(context.Context, []Series) (IDs, error) { return IDs{}, nil }
func (slowStore) Delete(context.Context, []string) error          { return nil }
func (slowStore) Close() error                                    { return nil }

func TestLoadingAnswersErrLoading(t *testing.T) {
	st := slowStore{release: make(chan struct{})}
	db := New(Options{Store: st})
	done := make(chan error)
	go func() { done <- db.Load(context.Background()) }()
	_, err := db.FindSeries([]string{"name=m"})
	require.ErrorIs(t, err, ErrLoading)
	_, err = db.TagSeries(context.Background(), []string{"a;b=c"})
	require.ErrorIs(t, err, ErrLoading)
	_, err = db.AutoCompleteTags(nil, "", 100, false)
	require.ErrorIs(t, err, ErrLoading)
	assert.Equal(t, 0, db.Len())
	close(st.release)
	require.NoError(t, <-done)
	got, err := db.FindSeries([]string{"name=m"})
	require.NoError(t, err)
	assert.Equal(t, []string{"m"}, got)
	assert.Equal(t, 1, db.Len())
}
