package httpapi

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is how many requests a caller who does not sign in may make from
// one client address: Burst at once, then Rate a second.
type Limit struct {
	Rate  rate.Limit
	Burst int
}

// DefaultAnonymousLimit lets one address send 20 open requests at once
// and then 2 a second: ample for people filling in forms behind one
// address, too few to flood the service.
var DefaultAnonymousLimit = Limit{Rate: 2, Burst: 20}

// limiter keeps one token bucket per client address, in memory only: the
// address is never written to an event, a log line or a file, and a
// bucket is forgotten after ten idle minutes.
type limiter struct {
	lim     Limit
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	l    *rate.Limiter
	seen time.Time
}

func newLimiter(l Limit) *limiter { return &limiter{lim: l, buckets: map[string]*bucket{}} }

const forgetAfter = 10 * time.Minute

// allow takes a token from r's address's bucket, or returns the problem
// to answer.
func (l *limiter) allow(r *http.Request) *Problem {
	if l.lim.Rate == rate.Inf {
		return nil
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	now := time.Now()
	l.mu.Lock()
	if now.Sub(l.swept) > forgetAfter {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > forgetAfter {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[host]
	if b == nil {
		b = &bucket{l: rate.NewLimiter(l.lim.Rate, l.lim.Burst)}
		l.buckets[host] = b
	}
	b.seen = now
	ok := b.l.AllowN(now, 1)
	l.mu.Unlock()
	if !ok {
		return newProblem(CodeRateLimited, "too many requests without sign-in from one address; wait a moment and send again")
	}
	return nil
}
