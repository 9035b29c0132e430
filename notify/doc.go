// Package notify tells people what matters in their projects — a task
// assigned, a deadline near, a resource conflict, a milestone reached, a
// permit's status changed, a weather alert — by email, SMS, push and in
// the app, in English and Bangla, at a decent hour, and never loses or
// sends twice a message when a provider fails.
//
// A Provider sends rendered messages on one channel; the adapters under
// adapters/ speak each service's HTTP API.
//
// (The rest of the package is being written.)
package notify
