package api

import (
	"math"
	"net/netip"
	"sync"
	"time"
)

// DefaultAuthFailuresPerMinute is how many failed logins a client address,
// and separately a user name, may make per minute (and at once) before
// getting 429s.
const DefaultAuthFailuresPerMinute = 10

// maxLimiterKeys bounds the keys a failureLimiter remembers.
const maxLimiterKeys = 10_000

// failureLimiter is a token bucket per key (a client address or a user
// name). An attempt takes a token and a success gives it back, so only
// failures count; tokens come back at perMinute per minute up to perMinute.
// Memory is bounded: at maxKeys keys, the full buckets (keys that have not
// failed for a minute) are dropped, then the least recently used one.
type failureLimiter struct {
	mu        sync.Mutex
	perMinute float64
	maxKeys   int
	buckets   map[string]*bucket
}

// bucket is a key's tokens at time at, when the key was last used.
type bucket struct {
	tokens float64
	at     time.Time
}

func newFailureLimiter(perMinute, maxKeys int) *failureLimiter {
	return &failureLimiter{perMinute: float64(perMinute), maxKeys: maxKeys, buckets: map[string]*bucket{}}
}

// take takes a token of key at now and tells whether key had all its
// tokens (no failure within the last minute). When key has none it takes
// nothing and returns how long until it has one.
func (l *failureLimiter) take(key string, now time.Time) (ok bool, wait time.Duration, clean bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		l.makeRoom(now)
		b = &bucket{tokens: l.perMinute, at: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) / l.perMinute * float64(time.Minute)), false
	}
	clean = b.tokens >= l.perMinute
	b.tokens--
	return true, 0, clean
}

// give returns the token an attempt of key took.
func (l *failureLimiter) give(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.buckets[key]; b != nil {
		b.tokens = min(l.perMinute, b.tokens+1)
	}
}

// refill adds the tokens earned since b.at.
func (l *failureLimiter) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = min(l.perMinute, b.tokens+elapsed.Minutes()*l.perMinute)
		b.at = now
	}
}

// makeRoom frees a key when the limiter is full.
func (l *failureLimiter) makeRoom(now time.Time) {
	if len(l.buckets) < l.maxKeys {
		return
	}
	var oldest string
	oldestAt := time.Time{}
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Minutes()*l.perMinute >= l.perMinute {
			delete(l.buckets, k)
			continue
		}
		if oldest == "" || b.at.Before(oldestAt) {
			oldest, oldestAt = k, b.at
		}
	}
	if len(l.buckets) >= l.maxKeys {
		delete(l.buckets, oldest)
	}
}

// retryAfterSeconds is d rounded up to whole seconds, at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// addrKey is the limiter key of a client address: the address itself, or
// its /64 for IPv6, since one host usually holds a whole /64.
func addrKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if a = a.Unmap(); a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
