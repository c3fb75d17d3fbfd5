package cookiesession

import (
	"fmt"
	"slices"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// Flash is a one-time message for the next page, as Flask's flash().
//
// In encoding/json, a Flash is {"category": ..., "message": ...}, as an
// API hands flashes to a browser script; Value is left out, since Message
// already carries its text.
type Flash struct {
	// Category is Flask's category; "message" is Flask's default.
	Category string `json:"category"`
	// Message is the text: the message itself when it is a string or
	// markup, else the JSON text of the value (a Flask app can flash a
	// dict).
	Message string `json:"message"`
	// Value is the message as the session holds it: a string,
	// serializer.Markup for HTML a Flask app marked safe (flash(Markup(...))),
	// or another value queued with AddFlashValue or by Flask. A template
	// shows markup unescaped with template.HTML(m) once it trusts its
	// source:
	//
	//	if m, ok := f.Value.(serializer.Markup); ok { data.HTML = template.HTML(m) }
	Value any `json:"-"`
}

const flashesKey = "_flashes"

// formatFlask is codec.Meta.Format for a Flask cookie.
const formatFlask = "flask"

// AddFlash queues a message for the next page that calls
// [Session.Flashes]. The category is optional and comes second, as in
// Flask's flash(message, category) and gorilla's AddFlash(value, key): none,
// or "", means "message", Flask's default; more than one is an error and
// queues nothing. It is stored exactly as Flask stores it: the "_flashes"
// key holds a list of (category, message) tuples, so a Flask app on the
// same session shows messages queued by Go and the other way round.
func (s *Session) AddFlash(message string, category ...string) error {
	return s.queueFlash(message, category)
}

// AddFlashValue queues a message that is not plain text, stored as
// AddFlash stores text and with the same optional category:
// serializer.Markup for HTML that a Flask template shows unescaped (as
// flash(Markup(...)) does), or any value the session's codec can save. A
// value it cannot save is refused, as by [Session.Set], and nothing is
// queued.
func (s *Session) AddFlashValue(message any, category ...string) error {
	if s.m != nil {
		if err := s.m.storable(flashesKey, message); err != nil {
			return err
		}
	}
	return s.queueFlash(message, category)
}

// queueFlash appends (category, message) to the "_flashes" list; categories
// holds the optional category of AddFlash.
func (s *Session) queueFlash(message any, categories []string) error {
	if len(categories) > 1 {
		return fmt.Errorf("cookiesession: a flash takes one category, not %d (%q): AddFlash(message, category)", len(categories), categories)
	}
	if err := s.beginWrite(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	category := "message"
	if len(categories) == 1 && categories[0] != "" {
		category = categories[0]
	}
	var list []any
	if old, ok := s.values[flashesKey].([]any); ok {
		list = slices.Clip(old)
	}
	list = append(list, serializer.Tuple{category, message})
	s.put(flashesKey, list)
	s.changed()
	return nil
}

// errFlashesAfterCommit is reported when flashes are taken after the
// response started.
var errFlashesAfterCommit = fmt.Errorf("%w: %w: flashes taken after the response started stay in the session and show again on the next page; take them before writing the body", ErrNotSaved, ErrCommitted)

// Flashes removes the queued messages from the session and returns them,
// oldest first, as Flask's get_flashed_messages: the first call in a
// request takes them all out of the session (marking it modified if there
// were any) and later calls in the same request return the same list.
// With categories, only messages in those categories are returned; as in
// Flask, the others are consumed too. Called after the response started,
// it returns the messages but cannot remove them, so they show again on
// the next page: the error hook then gets an error wrapping [ErrNotSaved]
// and [ErrCommitted]. Take flashes before writing the body.
func (s *Session) Flashes(categories ...string) []Flash {
	if !s.begin() {
		return nil
	}
	defer s.mu.Unlock()
	if !s.flashesTaken {
		s.flashesTaken = true
		if raw, ok := s.values[flashesKey]; ok {
			s.flashes = parseFlashes(raw)
			// After the response started the removal could not be saved:
			// the messages are returned and stay queued.
			if !s.committed {
				delete(s.values, flashesKey)
				s.changed()
			} else if len(s.flashes) > 0 {
				s.m.report(s.hookRequest(), errFlashesAfterCommit)
			}
		}
	}
	if len(categories) == 0 {
		return slices.Clone(s.flashes)
	}
	var out []Flash
	for _, f := range s.flashes {
		if slices.Contains(categories, f.Category) {
			out = append(out, f)
		}
	}
	return out
}

// parseFlashes reads Flask's list of (category, message) tuples. Entries
// of another shape are skipped.
func parseFlashes(raw any) []Flash {
	list, ok := raw.([]any)
	if !ok {
		return nil
	}
	out := make([]Flash, 0, len(list))
	for _, e := range list {
		var pair []any
		switch p := e.(type) {
		case serializer.Tuple:
			pair = p
		case []any:
			pair = p
		}
		if len(pair) != 2 {
			continue
		}
		out = append(out, Flash{Category: text(pair[0]), Message: text(pair[1]), Value: pair[1]})
	}
	return out
}

func text(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case serializer.Markup:
		return string(t)
	}
	if b, err := serializer.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprint(v)
}
