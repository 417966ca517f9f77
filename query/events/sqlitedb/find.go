package sqlitedb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/graphite-render/graphite-render/query/events"
)

// selectEvents reads the columns of events_event. The time is read as
// text (joined to an empty string), as Django reads it, rather than as
// the driver converts a datetime column.
const selectEvents = `SELECT "events_event"."id", "events_event"."when" || '', "events_event"."what", "events_event"."data", "events_event"."tags" FROM "events_event"`

// inRange bounds the events' times, compared as text like Django's
// queries compare them (see events.FormatDBTime).
const inRange = `"events_event"."when" >= ? AND "events_event"."when" <= ?`

// byTime is graphite-web's order_by("when"); SQLite keeps ties in the
// order the rows come, which is by id here as in graphite-web.
const byTime = ` ORDER BY "events_event"."when" ASC`

// taggedIDs selects the ids of the events tagged with any of a list of
// tags (a JSON array of tag ids), as django-tagging's get_union_by_model;
// with a HAVING clause, with all of them (get_intersection_by_model).
const taggedIDs = `SELECT "events_event"."id" FROM "events_event", "tagging_taggeditem" ` +
	`WHERE "tagging_taggeditem".content_type_id = ? AND "tagging_taggeditem".tag_id IN (SELECT value FROM json_each(?)) ` +
	`AND "events_event"."id" = "tagging_taggeditem".object_id GROUP BY "events_event"."id"`

// Find returns the events q selects, as graphite-web's Event.find_events:
//
//   - untagged: every event in the range;
//   - events.SetUnion: those with any of the tags that exist;
//   - events.SetIntersection: those with all of the tags that exist;
//   - events.SetAll: as SetIntersection, through django-tagging's with_all.
//
// Tags that no event has ever had (none in tagging_tag) are left out
// before matching, so a query whose tags all are unknown selects nothing.
func (s *Store) Find(ctx context.Context, q events.Query) ([]events.Event, error) {
	if !s.ready {
		return nil, nil
	}
	from, until := events.FormatDBTime(q.From), events.FormatDBTime(q.Until)
	if !q.Tagged {
		return s.query(ctx, selectEvents+` WHERE (`+inRange+`)`+byTime, from, until)
	}
	ct, err := contentType(ctx, s.db, false)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	tags, err := s.tagIDs(ctx, q.Tags)
	if err != nil || len(tags) == 0 || ct == 0 {
		return nil, err
	}
	switch {
	case q.Set == events.SetUnion:
		return s.query(ctx, selectEvents+` WHERE ("events_event"."id" IN (`+taggedIDs+`) AND `+inRange+`)`+byTime,
			ct, jsonIDs(tags), from, until)
	case len(tags) == 1 && q.Set != events.SetIntersection:
		return s.query(ctx, selectEvents+` , "tagging_taggeditem" WHERE (("tagging_taggeditem".content_type_id = ?) `+
			`AND ("tagging_taggeditem".tag_id = ?) AND ("events_event"."id" = "tagging_taggeditem".object_id) AND `+inRange+`)`+byTime,
			ct, tags[0], from, until)
	}
	return s.query(ctx, selectEvents+` WHERE ("events_event"."id" IN (`+taggedIDs+` HAVING COUNT("events_event"."id") = ?) AND `+inRange+`)`+byTime,
		ct, jsonIDs(tags), len(tags), from, until)
}

// tagIDs returns the ids of the tags of tagging_tag named in names, in
// the order of their names.
func (s *Store) tagIDs(ctx context.Context, names []string) ([]any, error) {
	if len(names) == 0 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT "id" FROM "tagging_tag" WHERE "name" IN (SELECT value FROM json_each(?)) ORDER BY "name" ASC`, jsonStrings(names))
	if err != nil {
		return nil, fmt.Errorf("read tags: %w", err)
	}
	defer rows.Close()
	var ids []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read tags: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// query runs a select of events.
func (s *Store) query(ctx context.Context, q string, args ...any) ([]events.Event, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	found, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return found, nil
}

// scanEvents reads the rows of a selectEvents query and closes them.
func scanEvents(rows *sql.Rows) ([]events.Event, error) {
	defer rows.Close()
	var out []events.Event
	for rows.Next() {
		var e events.Event
		var when string
		if err := rows.Scan(&e.ID, &when, &e.What, &e.Data, &e.Tags); err != nil {
			return nil, err
		}
		t, err := events.ParseDBTime(when)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", e.ID, err)
		}
		e.When = t
		out = append(out, e)
	}
	return out, rows.Err()
}

// jsonIDs writes ids (int64s) as a JSON array, for json_each.
func jsonIDs(ids []any) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id.(int64), 10))
	}
	b.WriteByte(']')
	return b.String()
}

// jsonStrings writes the distinct names as a JSON array, for json_each.
// Bytes that are not UTF-8 become U+FFFD, as Django decodes them in a
// query string.
func jsonStrings(names []string) string {
	b, _ := json.Marshal(slices.Compact(slices.Sorted(slices.Values(names))))
	return string(b)
}
