package cluster

import (
	"context"
	"crypto/md5"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/go-graphite/carbonapi/zipper/types"
	pb "github.com/go-graphite/protocol/carbonapi_v3_pb"
)

// Reads by name through carbon-c-relay's consistent hashes: when every
// name of a request is exact, each is asked only of the servers the relay
// sent it to, group by group (each group one relay cluster).

// carbonReplicas is how many points each server has on a carbon_ch ring,
// as in carbon and carbon-c-relay.
const carbonReplicas = 100

// ring places names on the servers of one group.
type ring struct {
	kind     string // carbon_ch or jump_fnv1a_ch
	replicas int
	servers  []*backend
	// entries is the carbon_ch ring, sorted by position.
	entries []ringEntry
}

type ringEntry struct {
	pos    uint16
	server int // index into servers
}

// rings is the hash of every broadcast group; nil places nothing.
type rings []*ring

// newRings builds the ring of each broadcast group of t.
func newRings(kind string, replicas int, t *tree) rings {
	var out rings
	for _, members := range t.members {
		if len(members) > 0 {
			out = append(out, newRing(kind, replicas, members))
		}
	}
	return out
}

// newRing builds the ring of servers, in the relay's order.
func newRing(kind string, replicas int, servers []*backend) *ring {
	r := &ring{kind: kind, replicas: min(replicas, len(servers)), servers: servers}
	if kind == "jump_fnv1a_ch" {
		// Servers with an instance name come first, ordered by it
		// (numerically when both are numbers), then the others in the
		// order given, as carbon-c-relay orders its jump buckets.
		sorted := append([]*backend(nil), servers...)
		sort.SliceStable(sorted, func(i, j int) bool { return instanceLess(sorted[i].instance, sorted[j].instance) })
		r.servers = sorted
		return r
	}
	type keyed struct {
		ringEntry
		host, instance string
	}
	var all []keyed
	for i, s := range servers {
		host := hostOf(s.name)
		inst := "None"
		if s.instance != "" {
			inst = "'" + s.instance + "'"
		}
		for k := 0; k < carbonReplicas; k++ {
			// Python's text of carbon's (host, instance) node key.
			all = append(all, keyed{ringEntry{carbonPos(fmt.Sprintf("('%s', %s):%d", host, inst, k)), i}, host, s.instance})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		switch {
		case a.pos != b.pos:
			return a.pos < b.pos
		case a.host != b.host:
			return a.host < b.host
		case (a.instance == "") != (b.instance == ""):
			return b.instance == ""
		}
		return a.instance < b.instance
	})
	r.entries = make([]ringEntry, len(all))
	for i, e := range all {
		r.entries[i] = e.ringEntry
		// Of the entries at one position, the first one's server wins.
		if i > 0 && e.pos == all[i-1].pos {
			r.entries[i].server = r.entries[i-1].server
		}
	}
	return r
}

// instanceLess orders jump_fnv1a_ch servers: named instances first, by
// number when both are numbers, else by text; unnamed ones keep their
// order.
func instanceLess(a, b string) bool {
	switch {
	case a == "" || b == "":
		return a != "" && b == ""
	}
	var na, nb int64
	if _, err := fmt.Sscanf(a, "%d", &na); err == nil && fmt.Sprint(na) == a {
		if _, err := fmt.Sscanf(b, "%d", &nb); err == nil && fmt.Sprint(nb) == b {
			return na < nb
		}
	}
	return a < b
}

// hostOf is the host of a server URL as a relay configuration names it,
// without the port.
func hostOf(server string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	return u.Hostname()
}

// carbonPos is carbon's ring position of key: the first two bytes of its
// MD5 sum.
func carbonPos(key string) uint16 {
	sum := md5.Sum([]byte(key))
	return uint16(sum[0])<<8 | uint16(sum[1])
}

// fnv1a64 is the 64-bit FNV-1a hash of s.
func fnv1a64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// jumpBucket is Lamping and Veach's jump consistent hash of key over n
// buckets, computed with doubles as carbon-c-relay does.
func jumpBucket(key uint64, n int) int {
	b, j := int64(-1), int64(0)
	for j < int64(n) {
		b = j
		key = key*2862933555777941757 + 1
		j = int64(float64(b+1) * (float64(int64(1)<<31) / float64((key>>33)+1)))
	}
	return int(b)
}

// place returns the servers a name is stored on.
func (r *ring) place(name string) []*backend {
	out := make([]*backend, 0, r.replicas)
	if r.kind == "jump_fnv1a_ch" {
		left := append([]*backend(nil), r.servers...)
		h := fnv1a64(name)
		for len(left) > 0 {
			j := jumpBucket(h, len(left))
			out = append(out, left[j])
			if len(out) == r.replicas {
				break
			}
			// Another hash for the next replica, without the server
			// just chosen.
			h ^= h >> 12
			h ^= h << 25
			h ^= h >> 27
			h *= 2685821657736338717
			left[j] = left[len(left)-1]
			left = left[:len(left)-1]
		}
		return out
	}
	pos := carbonPos(name)
	i := sort.Search(len(r.entries), func(i int) bool { return r.entries[i].pos >= pos })
	seen := map[int]bool{}
	for n := 0; n < len(r.entries) && len(out) < r.replicas; n++ {
		e := r.entries[(i+n)%len(r.entries)]
		if !seen[e.server] {
			seen[e.server] = true
			out = append(out, r.servers[e.server])
		}
	}
	return out
}

// targets returns the names each server is to be asked for, or nil when
// the request goes to every server: no hashing, or a glob or a
// seriesByTag call among the names.
func (rs rings) targets(names []string) map[*backend][]string {
	if len(rs) == 0 {
		return nil
	}
	for _, n := range names {
		if strings.ContainsAny(n, "*?[{") || strings.HasPrefix(n, "seriesByTag(") {
			return nil
		}
	}
	out := map[*backend][]string{}
	for _, r := range rs {
		for _, n := range names {
			for _, b := range r.place(n) {
				out[b] = append(out[b], n)
			}
		}
	}
	return out
}

// findOn asks each server for its names and merges the answers as a
// zipper broadcast group does.
func (s *Storage) findOn(ctx context.Context, targets map[*backend][]string, _ []string) *pb.MultiGlobResponse {
	merged := types.NewServerFindResponse()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for b, names := range targets {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, b.timeouts.Find)
			defer cancel()
			r := types.NewServerFindResponse()
			r.Response, r.Stats, _ = b.Find(cctx, &pb.MultiGlobRequest{Metrics: names})
			if r.Response == nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			_ = merged.Merge(r)
		})
	}
	wg.Wait()
	return merged.Response
}

// fetchOn asks each server for its names over the range of req and
// merges the answers as a zipper broadcast group does.
func (s *Storage) fetchOn(ctx context.Context, targets map[*backend][]string, req pb.FetchRequest) *pb.MultiFetchResponse {
	merged := types.NewServerFetchResponse()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for b, names := range targets {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, b.timeouts.Render)
			defer cancel()
			m := &pb.MultiFetchRequest{}
			for _, n := range names {
				one := req
				one.Name = n
				m.Metrics = append(m.Metrics, one)
			}
			r := types.NewServerFetchResponse()
			r.Response, r.Stats, _ = b.Fetch(cctx, m)
			if r.Response == nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			_ = merged.Merge(r)
		})
	}
	wg.Wait()
	return merged.Response
}
