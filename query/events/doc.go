// Package events is graphite-render's events store as graphite-web 1.1.8
// keeps it: an event is a time, a title ("what"), free text ("data") and
// tags, stored in graphite-web's own events_event table, with its tags
// also in django-tagging's tables (see package sqlitedb). This package
// holds what does not depend on the storage: the Event and the Query,
// how a posted event is read and checked (ParsePost, graphite-web's
// post_event), how a tag string splits into tags (ParseTagInput,
// django-tagging's parse_tag_input) and into the list clients see
// (Event.TagList, Python's str.split), the database's time format, and
// the last filter of /events/get_data (Fetch). It imports the standard
// library only.
//
// # Times
//
// An event's time is a UTC instant with microsecond precision, stored as
// Django stores a datetime in SQLite ("2023-11-14 22:13:20.250000", the
// fraction only when it is not zero), so that ranges compare as text the
// way graphite-web's queries compare them. Clients see whole seconds,
// rounded down (graphite-web's epoch()).
//
// # Tags
//
// The event's tags column keeps the string as posted (a posted list is
// joined with single spaces); clients see it split at whitespace. The
// tags that filters match are that string parsed by django-tagging's
// rules: split at commas when there is an unquoted comma, else at
// spaces, double quotes grouping, duplicates dropped, sorted. So a posted
// "a,b c" is listed as ["a,b", "c"] and matched by "a" and "b c".
package events
