package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/ansel1/merry"
	"github.com/go-graphite/carbonapi/zipper/broadcast"
	"github.com/go-graphite/carbonapi/zipper/metadata"
	"github.com/go-graphite/carbonapi/zipper/types"
	pb "github.com/go-graphite/protocol/carbonapi_v3_pb"
	"go.uber.org/zap"

	// The protocols a group may speak register themselves with the
	// zipper's registry.
	_ "github.com/go-graphite/carbonapi/zipper/protocols/auto"
	_ "github.com/go-graphite/carbonapi/zipper/protocols/graphite"
	_ "github.com/go-graphite/carbonapi/zipper/protocols/v2"
	_ "github.com/go-graphite/carbonapi/zipper/protocols/v3"
)

// HTTP status codes the zipper's errors carry.
const (
	statusBadRequest    = 400
	statusNotFound      = 404
	statusInternalError = 500
)

// Connection settings of every backend client, as carbonapi's defaults.
const (
	groupGrace      = 500 * time.Millisecond
	keepAlive       = 30 * time.Second
	idleConnTimeout = time.Hour
	maxIdlePerHost  = 100
)

// tree is the zipper's fan-out over the configured groups: root asks
// every group; a broadcast group asks each of its servers (servers holds
// them, wrapped), a round-robin group one server at a time.
type tree struct {
	root    types.BackendServer
	servers []*backend // the broadcast groups' servers, in config order
	groups  []types.BackendServer
	// members are the servers of each broadcast group (nil for a
	// round-robin group), by group.
	members [][]*backend
}

// build makes the zipper's groups from a validated config, with defaults
// filled in. logger receives the zipper's own log lines.
func build(c Config, logger *zap.Logger) (*tree, error) {
	t := &tree{}
	rootTimeouts := types.Timeouts{}
	for _, g := range c.Groups {
		to := types.Timeouts{Find: g.Timeouts.Find, Render: g.Timeouts.Render, Connect: g.Timeouts.Connect}
		rootTimeouts.Find = max(rootTimeouts.Find, to.Find)
		rootTimeouts.Render = max(rootTimeouts.Render, to.Render)
		rootTimeouts.Connect = max(rootTimeouts.Connect, to.Connect)
		metadata.Metadata.RLock()
		initGroup, ok := metadata.Metadata.ProtocolInits[g.Protocol]
		metadata.Metadata.RUnlock()
		if !ok {
			return nil, fmt.Errorf("%w: group %q: protocol %q is not registered", ErrConfig, g.Name, g.Protocol)
		}
		cfg := backendConfig(g, to)
		if g.LBMethod == "rr" {
			be, err := initGroup(logger, cfg, true)
			if err != nil {
				return nil, fmt.Errorf("group %q: %w", g.Name, err)
			}
			t.groups = append(t.groups, &backend{BackendServer: be, name: g.Name, timeouts: to})
			t.members = append(t.members, nil)
			continue
		}
		var members []types.BackendServer
		var group []*backend
		for i, s := range g.Servers {
			one := cfg
			one.GroupName, one.Servers = s, []string{s}
			be, err := initGroup(logger, one, true)
			if err != nil {
				return nil, fmt.Errorf("group %q: server %q: %w", g.Name, s, err)
			}
			b := &backend{BackendServer: be, name: redacted(s), timeouts: to}
			if len(g.Instances) > 0 {
				b.instance = g.Instances[i]
			}
			t.servers = append(t.servers, b)
			group = append(group, b)
			members = append(members, b)
		}
		t.members = append(t.members, group)
		bg, err := fanOut(logger, g.Name, members, to)
		if err != nil {
			return nil, fmt.Errorf("group %q: %w", g.Name, err)
		}
		t.groups = append(t.groups, bg)
	}
	if len(t.groups) == 1 {
		t.root = t.groups[0]
		return t, nil
	}
	// The root waits a little longer than its slowest group, so that a
	// group that gave up on a server still hands in the others' answers.
	rootTimeouts.Find += groupGrace
	rootTimeouts.Render += groupGrace
	root, err := fanOut(logger, "root", t.groups, rootTimeouts)
	if err != nil {
		return nil, err
	}
	t.root = root
	return t, nil
}

// fanOut is a zipper broadcast group over members: every request goes to
// each of them (no routing by top-level names) as it is, globs included,
// and their answers are merged.
func fanOut(logger *zap.Logger, name string, members []types.BackendServer, to types.Timeouts) (types.BackendServer, error) {
	bg, err := broadcast.New(
		broadcast.WithLogger(logger),
		broadcast.WithGroupName(name),
		broadcast.WithSplitMultipleRequests(false),
		broadcast.WithBackends(members),
		broadcast.WithPathCache(600),
		broadcast.WithLimiter(0),
		broadcast.WithMaxMetricsPerRequest(0),
		broadcast.WithTimeouts(to),
		broadcast.WithTLDCache(false),
	)
	if err != nil {
		return nil, err
	}
	return bg, nil
}

// backendConfig is the zipper's configuration of group g's clients, every
// pointer set (the clients dereference them).
func backendConfig(g Group, to types.Timeouts) types.BackendV2 {
	zero, tries, idle := 0, g.MaxTries, maxIdlePerHost
	ka, idleTimeout := keepAlive, idleConnTimeout
	return types.BackendV2{
		GroupName: g.Name, Protocol: g.Protocol, LBMethod: g.LBMethod, Servers: g.Servers,
		Timeouts: &to, ConcurrencyLimit: &zero, KeepAliveInterval: &ka, MaxIdleConnsPerHost: &idle,
		MaxTries: &tries, MaxBatchSize: &zero, IdleConnectionTimeout: &idleTimeout,
	}
}

// backend is one zipper client (a server of a broadcast group, or a whole
// round-robin group) that reports its failures to the request's tracker.
type backend struct {
	types.BackendServer
	name     string
	timeouts types.Timeouts
	// instance is the server's carbon-c-relay instance name, for hashing.
	instance string
}

func (b *backend) Children() []types.BackendServer { return []types.BackendServer{b} }

func (b *backend) Fetch(ctx context.Context, r *pb.MultiFetchRequest) (*pb.MultiFetchResponse, *types.Stats, merry.Error) {
	done := trackerOf(ctx).start()
	res, st, err := b.BackendServer.Fetch(ctx, r)
	done(b.name, err)
	return res, st, err
}

func (b *backend) Find(ctx context.Context, r *pb.MultiGlobRequest) (*pb.MultiGlobResponse, *types.Stats, merry.Error) {
	done := trackerOf(ctx).start()
	res, st, err := b.BackendServer.Find(ctx, r)
	done(b.name, err)
	return res, st, err
}

func (b *backend) TagNames(ctx context.Context, q string, limit int64) ([]string, merry.Error) {
	done := trackerOf(ctx).start()
	res, err := noTags(b.BackendServer.TagNames(ctx, q, limit))
	done(b.name, err)
	return res, err
}

func (b *backend) TagValues(ctx context.Context, q string, limit int64) ([]string, merry.Error) {
	done := trackerOf(ctx).start()
	res, err := noTags(b.BackendServer.TagValues(ctx, q, limit))
	done(b.name, err)
	return res, err
}

// noTags reads an empty body as no tags: the zipper's clients decode the
// body of a 404 (go-carbon without tags answers one) as JSON and fail.
func noTags(res []string, err merry.Error) ([]string, merry.Error) {
	var se *json.SyntaxError
	if c := merry.RootCause(err); c != nil && errors.As(c, &se) && se.Offset == 0 {
		return []string{}, nil
	}
	return res, err
}

// tracker follows the backend calls of one operation: how many are still
// running, which failed and which refused the request itself (400).
type tracker struct {
	wg       sync.WaitGroup
	mu       sync.Mutex
	failed   map[string]string
	refused  map[string]string
	answered int
}

type trackerKey struct{}

// withTracker returns ctx with a new tracker.
func withTracker(ctx context.Context) (context.Context, *tracker) {
	t := &tracker{failed: map[string]string{}, refused: map[string]string{}}
	return context.WithValue(ctx, trackerKey{}, t), t
}

// trackerOf returns the tracker of ctx; nil (which records nothing) when
// the call is not one of ours.
func trackerOf(ctx context.Context) *tracker {
	t, _ := ctx.Value(trackerKey{}).(*tracker)
	return t
}

// start counts a call as running and returns what to call when it ends.
func (t *tracker) start() func(name string, err merry.Error) {
	if t == nil {
		return func(string, merry.Error) {}
	}
	t.wg.Add(1)
	return func(name string, err merry.Error) {
		defer t.wg.Done()
		t.mu.Lock()
		defer t.mu.Unlock()
		switch code := merry.HTTPCode(err); {
		case err == nil, code == statusNotFound:
			t.answered++
		case code == statusBadRequest:
			t.refused[name] = reason(err)
		default:
			t.failed[name] = reason(err)
		}
	}
}

// wait waits, at most d, for the calls still running: the zipper stops
// waiting for a backend at its timeout and cancels it, and the call then
// ends at once.
func (t *tracker) wait(d time.Duration) {
	done := make(chan struct{})
	go func() {
		t.wg.Wait()
		close(done)
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
	}
}

// reason is the text of a backend's error without the zipper's wrapping.
func reason(err merry.Error) string {
	c := merry.RootCause(err)
	if c == nil {
		c = err
	}
	msg := merry.Message(c)
	if msg == "" {
		msg = c.Error()
	}
	if code := merry.HTTPCode(err); code != statusInternalError {
		msg = fmt.Sprintf("%s (HTTP %d)", msg, code)
	}
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return msg
}

// redacted is a server URL as answers and logs name it: with its password
// replaced by "xxxxx".
func redacted(server string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	return u.Redacted()
}
