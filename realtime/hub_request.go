package realtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"unicode"
	"unicode/utf8"
)

// Bounds of a request's strings.
const (
	maxID    = 64  // a request's id
	maxName  = 256 // a room, task, field, command or op id
	maxToken = 16 << 10
)

// errNotObject is what decodeRequest returns for a frame that is not a
// JSON object: the connection is closed with CloseBadRequest.
var errNotObject = errors.New("realtime: a request must be a JSON object")

// decodeRequest reads one request from a frame. A frame that is not a
// JSON object fails with errNotObject; an object with a field of the
// wrong type gives the request as far as it was read and an ErrorData
// naming the field.
func decodeRequest(data []byte) (Request, *ErrorData, error) {
	var req Request
	data = bytes.TrimLeft(data, " \t\r\n")
	if len(data) == 0 || data[0] != '{' || !json.Valid(data) {
		return req, nil, errNotObject
	}
	if err := json.Unmarshal(data, &req); err != nil {
		where := ""
		if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			where = te.Field
		}
		return req, badRequest(where, "%v", err), nil
	}
	return req, nil, nil
}

func badRequest(where, format string, args ...any) *ErrorData {
	return &ErrorData{Code: CodeBadRequest, Message: "realtime: " + fmt.Sprintf(format, args...), Where: where}
}

// roomOps are the operations that name a room.
var roomOps = map[string]bool{
	OpJoin: true, OpLeave: true, OpReplay: true, OpPatch: true, OpTaskCreate: true, OpTaskDelete: true,
	OpLinkAdd: true, OpLinkRemove: true, OpAssignAdd: true, OpAssignRemove: true, OpProgress: true,
	OpCursor: true, OpPresence: true, OpTyping: true,
}

// editOps are the operations that change a project.
var editOps = map[string]bool{
	OpPatch: true, OpTaskCreate: true, OpTaskDelete: true, OpLinkAdd: true, OpLinkRemove: true,
	OpAssignAdd: true, OpAssignRemove: true, OpProgress: true,
}

// validate checks the fields req's operation reads (see PROTOCOL.md)
// and returns what is wrong with the first bad one, or nil.
func validate(req *Request) *ErrorData {
	known := roomOps[req.Op] || req.Op == OpHello || req.Op == OpPing
	switch {
	case req.Op == "":
		return badRequest("op", "no op")
	case !known:
		return badRequest("op", "unknown op %q", truncate(req.Op))
	case req.ID == "" && req.Op != OpCursor && req.Op != OpTyping:
		return badRequest("id", "%s without an id", req.Op)
	case len(req.ID) > maxID:
		return badRequest("id", "an id over %d bytes", maxID)
	}
	if roomOps[req.Op] {
		if e := name("room", req.Room, true); e != nil {
			return e
		}
	}
	if req.Seq != nil && *req.Seq < 0 {
		return badRequest("seq", "a negative seq")
	}
	if len(req.Epoch) > maxName {
		return badRequest("epoch", "an epoch over %d bytes", maxName)
	}
	if editOps[req.Op] {
		if e := validateEdit(req); e != nil {
			return e
		}
	}
	switch req.Op {
	case OpHello:
		switch {
		case req.Token == "":
			return badRequest("token", "hello without a token")
		case len(req.Token) > maxToken:
			return badRequest("token", "a token over %d bytes", maxToken)
		}
	case OpReplay:
		if req.Seq == nil {
			return badRequest("seq", "replay without a seq")
		}
	case OpPresence:
		switch req.State {
		case "", "viewing", "editing":
		default:
			return badRequest("state", "state %q is neither viewing nor editing", truncate(req.State))
		}
		return names([2]string{"task", req.Task}, [2]string{"field", req.Field})
	case OpCursor:
		for _, v := range []struct {
			where string
			v     *float64
		}{{"x", req.X}, {"y", req.Y}} {
			if v.v != nil && (math.IsNaN(*v.v) || math.IsInf(*v.v, 0)) {
				return badRequest(v.where, "not a number")
			}
		}
		return names([2]string{"task", req.Task}, [2]string{"field", req.Field})
	case OpTyping:
		if e := name("task", req.Task, true); e != nil {
			return e
		}
		return name("field", req.Field, true)
	}
	return nil
}

// validateEdit checks the fields of an edit.
func validateEdit(req *Request) *ErrorData {
	switch {
	case req.Base < 0:
		return badRequest("base", "a negative base")
	case len(req.Command) > maxName:
		return badRequest("command", "a command over %d bytes", maxName)
	case len(req.OpID) > maxName:
		return badRequest("op_id", "an op_id over %d bytes", maxName)
	}
	switch req.Op {
	case OpPatch, OpProgress:
		if e := name("task", req.Task, true); e != nil {
			return e
		}
		if len(req.Fields) == 0 {
			return badRequest("fields", "%s without fields", req.Op)
		}
		for f, v := range req.Fields {
			if e := name("fields", f, true); e != nil {
				return e
			}
			if req.Op == OpProgress && !progressFields[f] {
				return badRequest("fields."+f, "%q is not a progress field", truncate(f))
			}
			if len(v) == 0 {
				return badRequest("fields."+f, "no value")
			}
		}
		for f, v := range req.Bases {
			if _, ok := req.Fields[f]; !ok {
				return badRequest("bases."+truncate(f), "a base for a field not set")
			}
			if v < 0 {
				return badRequest("bases."+f, "a negative base")
			}
		}
	case OpTaskCreate:
		if req.New == nil {
			return badRequest("new", "task.create without a task")
		}
		return name("new.ID", req.New.ID, true)
	case OpTaskDelete:
		return name("task", req.Task, true)
	case OpLinkAdd, OpLinkRemove:
		if req.Link == nil {
			return badRequest("link", "%s without a link", req.Op)
		}
		return required([2]string{"link.Pred", req.Link.Pred}, [2]string{"link.Succ", req.Link.Succ})
	case OpAssignAdd, OpAssignRemove:
		a := req.Assignment
		if a == nil {
			return badRequest("assignment", "%s without an assignment", req.Op)
		}
		if math.IsNaN(a.Units) || math.IsInf(a.Units, 0) {
			return badRequest("assignment.Units", "not a number")
		}
		return required([2]string{"assignment.Task", a.Task}, [2]string{"assignment.Resource", a.Resource})
	}
	return nil
}

// name checks a name: valid UTF-8 without control characters, at most
// maxName bytes, and not empty when required.
func name(where, s string, required bool) *ErrorData {
	switch {
	case s == "" && required:
		return badRequest(where, "no %s", where)
	case len(s) > maxName:
		return badRequest(where, "%s over %d bytes", where, maxName)
	case !utf8.ValidString(s):
		return badRequest(where, "%s is not UTF-8", where)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return badRequest(where, "a control character in %s", where)
		}
	}
	return nil
}

// names checks optional names, each given as {where, value}.
func names(ns ...[2]string) *ErrorData {
	for _, n := range ns {
		if e := name(n[0], n[1], false); e != nil {
			return e
		}
	}
	return nil
}

// required checks names that must be given, each as {where, value}.
func required(ns ...[2]string) *ErrorData {
	for _, n := range ns {
		if e := name(n[0], n[1], true); e != nil {
			return e
		}
	}
	return nil
}

// truncate shortens s for an error message.
func truncate(s string) string {
	if len(s) <= 64 {
		return s
	}
	return s[:64] + "…"
}
