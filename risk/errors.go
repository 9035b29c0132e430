package risk

import (
	"errors"
	"fmt"
)

// ErrBadDistribution marks a distribution whose parameters make no sense.
var ErrBadDistribution = errors.New("bad distribution")

// ErrBadModel marks a risk model that does not fit its project.
var ErrBadModel = errors.New("bad risk model")

// StoppedError is a run stopped by its context before it was done: how
// many of its iterations were merged, and the context's error (which it
// wraps, so errors.Is(err, context.Canceled) holds).
type StoppedError struct {
	Done, Iterations int
	Err              error
}

func (e *StoppedError) Error() string {
	return fmt.Sprintf("risk: stopped after %d of %d iterations: %v", e.Done, e.Iterations, e.Err)
}

func (e *StoppedError) Unwrap() error { return e.Err }
