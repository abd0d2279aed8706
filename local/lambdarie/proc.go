package lambdarie

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// This file reads /proc, which is where Linux, the only system the
// emulator runs on, tells which processes it started.

// procStat returns the fields of /proc/<pid>/stat that follow the command
// name: state first, then the parent's pid.
func procStat(pid int) ([]string, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil, false
	}
	s := string(b)
	// The command name is parenthesised and may hold spaces.
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, false
	}
	fields := strings.Fields(s[i+1:])
	return fields, len(fields) >= 2
}

// childPIDs returns the pids of the processes whose parent is pid.
func childPIDs(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	parent := strconv.Itoa(pid)
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if fields, ok := procStat(child); ok && fields[1] == parent {
			out = append(out, child)
		}
	}
	return out
}

// alive reports whether pid runs: it exists and is not a zombie waiting
// for its parent to reap it.
func alive(pid int) bool {
	fields, ok := procStat(pid)
	return ok && fields[0] != "Z" && fields[0] != "X"
}
