package codec

import (
	"fmt"
	"slices"

	"github.com/cookiecodec/cookiecodec/serializer"
)

// serializerOf is what a reader of another format has when it converts
// values with a serializer of ours: *Flask and *Native.
type serializerOf interface {
	Serializer() *serializer.Serializer
}

// checkReaderTags refuses a reader of another format (a Legacy or AlsoRead
// entry, named by field) whose serializer knows a user tag that writer, the
// serializer that re-issues what it reads, lacks. A value of such a tag
// would be read as the app's type from the old cookie, written by writer as
// that type's plain form (a string or a map, with no tag), and read back as
// that plain form: the type would change between two requests, silently.
func checkReaderTags(field string, readers []LegacyReader, writer *serializer.Serializer, writerField string) error {
	have := writer.TagKeys()
	for i, r := range readers {
		s, ok := r.(serializerOf)
		if !ok || s.Serializer() == nil {
			continue
		}
		for _, k := range s.Serializer().TagKeys() {
			if !slices.Contains(have, k) {
				return fmt.Errorf("codec: %s[%d] (%T) reads the user tag %q, which %s lacks: a value of that tag would be re-issued in its plain form and read back as that, so its type would change; register the same tag on %s too", field, i, r, k, writerField, writerField)
			}
		}
	}
	return nil
}
