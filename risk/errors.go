package risk

import "errors"

// ErrBadDistribution marks a distribution whose parameters make no sense.
var ErrBadDistribution = errors.New("bad distribution")

// ErrBadModel marks a risk model that does not fit its project.
var ErrBadModel = errors.New("bad risk model")
