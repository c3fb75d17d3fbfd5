package main

import (
	"encoding/gob"
	"time"
)

// init registers with encoding/gob the types gorilla apps commonly keep in
// their sessions, so that verify can show such gob cookies. A gob value
// inside an interface (every value of a gorilla/sessions session) names its
// type, and gob decodes it only when that name is registered in the reading
// process; this binary does not link gorilla/sessions, whose init registers
// []any for the flashes AddFlash keeps under "_flash", nor the apps that
// register time.Time and nested maps. Each type is registered under gob's
// default name ("[]interface {}", "time.Time", ...), which is the name the
// apps' gob.Register wrote, and registering one type twice under the same
// name is harmless. An app's own types stay unknown: verify says so (see
// gorillaHints).
func init() {
	gob.Register([]any{})
	gob.Register(time.Time{})
	gob.Register(map[string]any{})
	gob.Register(map[any]any{})
}
