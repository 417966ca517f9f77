// Package cluster is the storage of a query front: a query.Storage whose
// series come from remote storage nodes (go-carbon's carbonserver,
// graphite-render nodes, graphite-web with msgpack) through carbonapi's
// zipper, optionally together with a local whisper tree.
//
// It uses the zipper's own pieces as a library: the protocol clients
// (zipper/protocols: carbonapi_v3_pb, auto, msgpack, carbonapi_v2_pb), its
// broadcast groups, which fan a request out and merge the answers (finds
// are a union; series of one name and request range are merged, the
// longer of two equal steps filling its nulls from the other, the finer
// of two steps winning), and its round-robin groups. It builds the tree of
// groups itself rather than with zipper.NewZipper, which stops the process
// on a bad protocol or lbMethod, logs an error on every construction and
// probes every backend's top-level names every ten minutes to route
// requests by them; here a Config is validated first and every request
// goes to every group. Each backend is wrapped so that a backend that
// fails is named: the answer is made from the others, the failure is
// reported to the request (query.ReportFailure) and logged, never an
// error of the request.
//
// Globs and seriesByTag calls are sent as they are (maxBatchSize 0): the
// nodes expand them. With a Config's Hashing set, an exact metric name is
// sent only to the servers that carbon-c-relay's consistent hash places it
// on; globs still go to every server.
//
// This package does not import net/http itself; the zipper's clients do
// (so does carbonapi's expr, which package query already uses). The
// zipper keeps process-wide state: its protocol registry, filled when this
// package is imported.
package cluster
