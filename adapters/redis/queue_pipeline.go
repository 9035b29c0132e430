package redis

import (
	"context"
	"strings"
	"sync"

	goredis "github.com/redis/go-redis/v9"

	"github.com/critpath/critpath/jobs"
)

// pipeliner runs one script for many goroutines at once: calls that
// arrive while others are on their way to Redis are sent together, as
// one pipeline, by one of a few flusher goroutines. Under load a write
// and a read then carry many enqueues, on the client and in Redis (whose
// time for a small script goes largely to its socket); alone, a call
// costs a hand-over to a flusher.
type pipeliner struct {
	c      goredis.UniversalClient
	script *goredis.Script
	calls  chan *call
	stop   <-chan struct{} // closed when the queue shuts down: the flushers end
	start  sync.Once
}

type call struct {
	ctx  context.Context
	keys []string
	args []any
	res  []any
	err  error
	done chan struct{}
}

// flushers is the number of pipelines in flight at once; maxPipeline
// bounds the calls in one.
const (
	flushers    = 4
	maxPipeline = 256
)

func newPipeliner(c goredis.UniversalClient, s *goredis.Script, stop <-chan struct{}) *pipeliner {
	return &pipeliner{c: c, script: s, calls: make(chan *call, 4*maxPipeline), stop: stop}
}

// do runs the script with keys and args and returns its answer. When
// ctx ends first it returns ctx's error; the script may still run.
func (p *pipeliner) do(ctx context.Context, keys []string, args []any) ([]any, error) {
	p.start.Do(func() {
		for range flushers {
			go p.flush()
		}
	})
	c := &call{ctx: ctx, keys: keys, args: args, done: make(chan struct{})}
	select {
	case p.calls <- c:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-p.stop:
		return nil, jobs.ErrClosed
	}
	select {
	case <-c.done:
		return c.res, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// flush sends what is waiting, as one pipeline, until the queue shuts
// down; what is left then is sent by the last flushers out.
func (p *pipeliner) flush() {
	batch := make([]*call, 0, maxPipeline)
	for {
		select {
		case c := <-p.calls:
			batch = append(batch[:0], c)
		case <-p.stop:
			for {
				select {
				case c := <-p.calls:
					p.send([]*call{c}, true)
				default:
					return
				}
			}
		}
		for more := true; more && len(batch) < maxPipeline; {
			select {
			case c := <-p.calls:
				batch = append(batch, c)
			default:
				more = false
			}
		}
		p.send(batch, true)
	}
}

func (p *pipeliner) send(batch []*call, retry bool) {
	pipe := p.c.Pipeline()
	cmds := make([]*goredis.Cmd, len(batch))
	for i, c := range batch {
		cmds[i] = p.script.EvalSha(context.WithoutCancel(c.ctx), pipe, c.keys, c.args...)
	}
	pipe.Exec(context.Background())
	var again []*call
	for i, c := range batch {
		res, err := cmds[i].Slice()
		if err != nil && retry && strings.HasPrefix(err.Error(), "NOSCRIPT") {
			again = append(again, c)
			continue
		}
		c.res, c.err = res, err
		close(c.done)
	}
	if len(again) > 0 {
		if err := p.script.Load(context.Background(), p.c).Err(); err != nil {
			for _, c := range again {
				c.err = err
				close(c.done)
			}
			return
		}
		p.send(again, false)
	}
}
