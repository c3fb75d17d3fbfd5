package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// versionText is what --version prints: the module version the binary
// was built from ("(devel)" for a build in a checkout, where Go records
// no version; go install ...@v1.2.3 records v1.2.3), the VCS revision and
// whether the tree was modified, when Go recorded them, and the Go
// version that built it.
func versionText(info *debug.BuildInfo, ok bool) string {
	version := "(devel)"
	var extra string
	if ok {
		if v := info.Main.Version; v != "" {
			version = v
		}
		var rev, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" {
			extra = ", revision " + rev[:min(12, len(rev))]
			if modified == "true" {
				extra += " with local changes"
			}
		}
	}
	return fmt.Sprintf("cookiecodec %s (%s%s)\n", version, runtime.Version(), extra)
}

// printVersion writes versionText for this binary to w.
func printVersion(w io.Writer) {
	info, ok := debug.ReadBuildInfo()
	fmt.Fprint(w, versionText(info, ok))
}
