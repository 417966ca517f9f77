package whisperfs

import "fmt"

// StitchOptions are the aggregation rules FetchStitched recomputes buckets
// with. A zero Aggregation means the header's method.
type StitchOptions struct {
	Aggregation  Aggregation
	XFilesFactor float64
}

// FetchStitched reads [from, until] like Fetch, at the step of the archive
// Fetch picks, but recomputes every bucket that a finer archive still holds
// completely from that finer archive's points, with opts' aggregation and
// xFilesFactor: a bucket is null unless known slots / slots ≥ XFilesFactor.
// The finest archive holding a bucket is used; older buckets keep the
// stored value. For retentions 1s:30m,1m:1d and a one-hour query at step
// 60:
//
//	now-3600                 now-1800                      now
//	|--- stored 1m values ---|--- rebuilt from 1s points ---|
//
// This is how a server shows data that carbon's propagation dropped because
// of the file's xFilesFactor, without rewriting the file.
func (f *File) FetchStitched(from, until, now int64, opts StitchOptions) (Series, error) {
	s, err := f.Fetch(from, until, now)
	if err != nil || s.Archive == 0 {
		return s, err
	}
	method := opts.Aggregation
	if method == 0 {
		method = f.header.Aggregation
	}
	if !method.Valid() {
		return Series{}, fmt.Errorf("stitch %s: invalid aggregation %d", f.name, method)
	}
	rebuilt := make([]bool, len(s.Values))
	var known []float64
	for j := 0; j < s.Archive; j++ {
		a := f.header.Archives[j]
		newest := now - floorMod(now, a.SecondsPerPoint)
		oldest := newest - (a.Points-1)*a.SecondsPerPoint
		first := -1
		for i := range s.Values {
			if !rebuilt[i] && s.Start+int64(i)*s.Step >= oldest {
				first = i
				break
			}
		}
		if first < 0 {
			continue
		}
		// Finer archives rebuilt a suffix of newer buckets already.
		last := first
		for last < len(s.Values) && !rebuilt[last] {
			last++
		}
		bucketStart := s.Start + int64(first)*s.Step
		bucketEnd := s.Start + int64(last)*s.Step
		fine, err := f.ReadArchive(j, bucketStart-a.SecondsPerPoint, bucketEnd-a.SecondsPerPoint)
		if err != nil {
			return Series{}, err
		}
		per := int(s.Step / a.SecondsPerPoint)
		for i := first; i < last; i++ {
			lo := int((s.Start + int64(i)*s.Step - fine.Start) / a.SecondsPerPoint)
			if lo < 0 || lo >= len(fine.Values) {
				continue
			}
			known = known[:0]
			for _, v := range fine.Values[lo:min(lo+per, len(fine.Values))] {
				if !IsNull(v) {
					known = append(known, v)
				}
			}
			s.Values[i] = Aggregate(method, opts.XFilesFactor, known, per)
			rebuilt[i] = true
		}
	}
	return s, nil
}
