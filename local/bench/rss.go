package bench

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// peakRSS returns the peak resident set size in bytes of the running
// process pid, from VmHWM in /proc/<pid>/status, and false where there is
// no such file (not Linux).
//
// The rusage of the exited child is no measure on Linux: Go starts a child
// with clone(CLONE_VM|CLONE_VFORK), so until exec the child runs in the
// parent's address space, and the kernel carries that address space's
// high-water mark into the child's ru_maxrss. Every child would report at
// least the test binary's own resident size.
func peakRSS(pid int) (int64, bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		value, ok := strings.CutPrefix(s.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "kB")), 10, 64)
		if err != nil {
			return 0, false
		}
		return kb * 1024, true
	}
	return 0, false
}

// maxRSS returns the peak resident set size of an exited process in bytes,
// from its rusage: the fallback where peakRSS has no /proc to read.
func maxRSS(state *os.ProcessState) int64 {
	if state == nil {
		return 0
	}
	ru, ok := state.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return ru.Maxrss
	}
	// Linux and the BSDs report kilobytes.
	return ru.Maxrss * 1024
}
