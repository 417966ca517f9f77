package events

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"
)

// ErrNotFound is returned by Store.Get for an id no event has.
var ErrNotFound = errors.New("event matching query does not exist")

// ErrReadOnly is returned by Store.Add when the store does not take
// events.
var ErrReadOnly = errors.New("the events store is read-only")

// Event is one stored event, a row of graphite-web's events_event table.
type Event struct {
	// ID is the row id, which graphite-web shows as "id".
	ID int64
	// When is the event's time, in UTC, with microsecond precision.
	When time.Time
	// What is the event's title.
	What string
	// Data is the event's free text.
	Data string
	// Tags is the tags column: the string as posted.
	Tags string
}

// TagList is the event's tags as graphite-web lists them (Event.as_dict):
// the tags column split at runs of whitespace as Python's str.split()
// splits, which counts U+001C to U+001F as whitespace too.
func (e Event) TagList() []string {
	return strings.FieldsFunc(e.Tags, isPySpace)
}

// isPySpace reports whether Python's str.isspace holds for r.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}

// New is an event to store: Store.Add gives it its id.
type New struct {
	When time.Time
	What string
	Data string
	Tags string
}

// Set is how a Query combines its tags.
type Set string

// The sets graphite-web's /events/get_data knows (its set parameter).
const (
	// SetAll, the default ("the old set logic"), selects the events that
	// have every tag of the query that some event has (or once had):
	// tags nobody uses are ignored, so "deploy nosuchtag" is "deploy".
	SetAll Set = ""
	// SetUnion selects the events that have any of the tags.
	SetUnion Set = "union"
	// SetIntersection selects the events that have every tag; Fetch
	// then keeps those whose listed tags hold every tag of the query.
	SetIntersection Set = "intersection"
)

// Query selects events as graphite-web's Event.find_events does.
type Query struct {
	// From and Until bound the events' times, both included, compared
	// at microsecond precision.
	From, Until time.Time
	// Tagged filters by Tags; without it every event in the range is
	// selected. Tagged with no Tags selects nothing.
	Tagged bool
	// Tags are the tag names to match, exactly (case included).
	Tags []string
	// Set is how the tags combine; values other than SetUnion and
	// SetIntersection mean SetAll, as in graphite-web.
	Set Set
}

// Finder finds events; every Store is one.
type Finder interface {
	// Find returns the events q selects, ordered by time (ties by id),
	// as graphite-web's Event.find_events returns them.
	Find(ctx context.Context, q Query) ([]Event, error)
}

// Store keeps events.
type Store interface {
	Finder
	// Add stores e and returns its id; ErrReadOnly when the store takes
	// no events.
	Add(ctx context.Context, e New) (int64, error)
	// Get returns the event with the id, or ErrNotFound.
	Get(ctx context.Context, id int64) (Event, error)
	// ReadOnly tells whether Add refuses every event.
	ReadOnly() bool
}

// Fetch returns the events of q as graphite-web's /events/get_data lists
// them: those Find returns, and with SetIntersection only those whose
// listed tags (TagList) hold every tag of the query. As in graphite-web,
// a tag the query repeats can never be matched twice, so such a query
// selects nothing.
func Fetch(ctx context.Context, f Finder, q Query) ([]Event, error) {
	found, err := f.Find(ctx, q)
	if err != nil || q.Set != SetIntersection || !q.Tagged {
		return found, err
	}
	want := map[string]bool{}
	for _, t := range q.Tags {
		want[t] = true
	}
	out := found[:0]
	for _, e := range found {
		have := map[string]bool{}
		for _, t := range e.TagList() {
			if want[t] {
				have[t] = true
			}
		}
		if len(have) == len(q.Tags) {
			out = append(out, e)
		}
	}
	return out, nil
}

// None is a Store without events that takes none: Find finds nothing,
// Get finds no id and Add answers ErrReadOnly.
type None struct{}

// Find returns no events.
func (None) Find(context.Context, Query) ([]Event, error) { return nil, nil }

// Add refuses e with ErrReadOnly.
func (None) Add(context.Context, New) (int64, error) { return 0, ErrReadOnly }

// Get answers ErrNotFound.
func (None) Get(context.Context, int64) (Event, error) { return Event{}, ErrNotFound }

// ReadOnly is true.
func (None) ReadOnly() bool { return true }
