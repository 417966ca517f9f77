package cluster

import (
	"context"
	"slices"
	"sync"

	pb "github.com/go-graphite/protocol/carbonapi_v3_pb"
)

// Local is the name Locate gives the front's own tree.
const Local = "local"

// Locate returns, for each metric pattern matches, the backends that hold
// it, asking each server of the broadcast groups (and each round-robin
// group) on its own; "local" is the front's tree. Backends that fail are
// reported as Find reports them.
func (s *Storage) Locate(ctx context.Context, pattern string) (map[string][]string, error) {
	out := map[string][]string{}
	if s.local != nil {
		nodes, err := s.local.Find(ctx, pattern)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			if n.Leaf {
				out[n.Path] = append(out[n.Path], Local)
			}
		}
	}
	tctx, t := withTracker(ctx)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, b := range s.locatable() {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(tctx, b.timeouts.Find)
			defer cancel()
			res, _, _ := b.Find(cctx, &pb.MultiGlobRequest{Metrics: []string{pattern}})
			if res == nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, g := range res.Metrics {
				for _, m := range g.Matches {
					if m.IsLeaf && !slices.Contains(out[m.Path], b.name) {
						out[m.Path] = append(out[m.Path], b.name)
					}
				}
			}
		})
	}
	wg.Wait()
	if err := s.finish(ctx, t, "find", pattern); err != nil {
		return nil, err
	}
	for _, v := range out {
		slices.Sort(v)
	}
	return out, nil
}

// locatable are the backends Locate asks one by one.
func (s *Storage) locatable() []*backend {
	out := append([]*backend(nil), s.tree.servers...)
	for _, g := range s.tree.groups {
		if b, ok := g.(*backend); ok {
			out = append(out, b)
		}
	}
	return out
}
