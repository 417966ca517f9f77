// Package tagdb is graphite-render's tag database: the names of tagged
// series ("disk.used;datacenter=dc1;server=web01"), parsed, normalised and
// validated exactly as graphite-web 1.1.8's graphite/tags/utils.py does;
// where carbon stores them on disk (the _tagged tree, hashed or readable);
// tag expressions ("dc=~dc[12]") and their matching as graphite-web's
// local tag database evaluates them; and an in-memory index that answers
// findSeries, /tags, /tags/<tag> and the autoComplete endpoints.
//
// # Names
//
// A tagged name is a metric and tags separated by ";". Parse keeps
// graphite-web's rules: a later duplicate tag wins, the "name" tag is the
// metric with leading "~" stripped, tags may not be empty nor hold any of
// ";!^=", values may not be empty, hold ";" nor start with "~". The
// normalised name (Series.Path) is the metric followed by the ";tag=value"
// strings sorted as whole strings. Parse's errors carry graphite-web's
// messages word for word, capitals included: clients see them.
//
// # Matching
//
// An expression is tag=spec, tag!=spec, tag=~regex or tag!=~regex.
// Regular expressions are anchored at the start ("^(" + spec + ")") unless
// they begin with "^". An expression that an absent tag (the empty value)
// satisfies only filters the series the other expressions select, and at
// least one expression must not match the empty value. Results are sorted
// by name in byte order, as graphite-web's ORDER BY path.
//
// # Reads
//
// The series an expression selects are the posting lists of the values it
// takes, used as they are when there is one and merged (by sorting when
// few, through a bitset of slots otherwise) when there are several; the
// smallest selection gives the candidates and the other expressions are
// checked on each candidate's pairs. Autocompletion asks each tag or value
// whether a selected series carries it, in sorted order and stopping at
// limit, unless reading every selected series' pairs costs less. Names are
// sorted 8 bytes at a time from where they start to differ. The bitsets
// and lists a read needs come from a pool.
//
// # Index and persistence
//
// DB holds the Index and, when given one, a Store that persists
// registrations (see package sqlitedb for graphite-web's own SQLite
// tables). Reads are answered from the index alone; writes go to the store
// first and then to the index. Ids of tags and values are the store's row
// ids, which graphite-web's clients only echo.
package tagdb
