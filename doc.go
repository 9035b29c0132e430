// Package critpath is the root of critpath, an embeddable project-scheduling
// engine for Go: the critical path with every link type, lag and
// constraint on working-time calendars (package schedule), with resource
// leveling, time–cost optimisation, Monte Carlo risk, and the file formats
// of Microsoft Project and Primavera P6 built on it. This package holds no
// code; its test enforces the dependency rules of the design.
package critpath
