//go:build race

package xlsx

// raceEnabled reports a build with the race detector, whose
// instrumentation makes more allocations than a plain build: memory
// bounds are not checked then.
const raceEnabled = true
