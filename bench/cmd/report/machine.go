package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where and how a run was made.
type machine struct {
	Date       time.Time
	CPU        string
	Cores      int
	GOMAXPROCS int
	MemGiB     float64
	Kernel     string
	GoVersion  string
	Python     string // the script's "pkg:" header: python and Flask versions
	Commit     string
	LoadBefore string
	LoadAfter  string
	Count      int
	Benchtime  string
	Duration   time.Duration
}

// probeMachine fills in what can be read before the run.
func probeMachine(ctx context.Context, root string) machine {
	m := machine{
		Date:       time.Now().UTC(),
		Cores:      runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		CPU:        cpuinfo("model name"),
		Kernel:     strings.TrimSpace(readFile("/proc/sys/kernel/osrelease")),
		LoadBefore: loadavg(),
	}
	if kb, err := strconv.ParseFloat(strings.Fields(meminfo("MemTotal") + " 0")[0], 64); err == nil {
		m.MemGiB = kb / (1 << 20)
	}
	if out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output(); err == nil {
		m.GoVersion = strings.TrimSpace(string(out))
	}
	cmd := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty", "--abbrev=12")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}

// pythonVersion extracts the "pkg:" header the Python script prints.
func pythonVersion(out []byte) string {
	for _, l := range bytes.Split(out, []byte("\n")) {
		if s, ok := strings.CutPrefix(string(l), "pkg: "); ok {
			return s
		}
	}
	return ""
}

func readFile(name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		return ""
	}
	return string(b)
}

// procField returns the value of the first "key: value" line of a /proc
// file whose key is k.
func procField(file, k string) string {
	sc := bufio.NewScanner(strings.NewReader(readFile(file)))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(name) == k {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

func cpuinfo(k string) string { return procField("/proc/cpuinfo", k) }
func meminfo(k string) string { return procField("/proc/meminfo", k) }

// loadavg returns the 1, 5 and 15 minute load averages.
func loadavg() string {
	f := strings.Fields(readFile("/proc/loadavg"))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
