package lambdarie

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// orphanHelperEnv makes the test binary start the echo function and wait
// to be killed, instead of running the tests.
const orphanHelperEnv = "RIE_TEST_ORPHAN_HELPER"

// bootstrapEnv passes the echo bootstrap's path to the helper.
const bootstrapEnv = "RIE_TEST_BOOTSTRAP"

// orphanPIDs is what the helper reports: the emulator's and the
// bootstrap's pids.
type orphanPIDs struct {
	Emulator, Bootstrap int
}

// runOrphanHelper starts the echo function under the emulator, prints
// both pids and blocks until killed, never calling Close.
func runOrphanHelper(rie, bootstrap string) {
	f, err := Start(context.Background(), Options{RIEPath: rie, BootstrapPath: bootstrap})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out, err := f.Invoke(context.Background(), []byte(`{"pid":true}`))
	var got struct{ PID int }
	if err != nil || json.Unmarshal(out, &got) != nil {
		fmt.Fprintln(os.Stderr, "invoking for the pid:", err)
		os.Exit(2)
	}
	_ = json.NewEncoder(os.Stdout).Encode(orphanPIDs{Emulator: f.cmd.Process.Pid, Bootstrap: got.PID})
	select {}
}

// TestKilledCallerLeavesNoProcesses kills a process that started a
// Function without closing it, as a test binary's timeout does, and
// wants the emulator and the bootstrap gone.
func TestKilledCallerLeavesNoProcesses(t *testing.T) {
	requireBinaries(t)
	helper := exec.Command(os.Args[0], "-test.run=^$")
	helper.Env = append(os.Environ(), orphanHelperEnv+"=1", rieEnv+"="+binaries.rie, bootstrapEnv+"="+binaries.bootstrap)
	helper.Stderr = os.Stderr
	stdout, err := helper.StdoutPipe()
	if err != nil {
		t.Fatalf("helper stdout: %v", err)
	}
	if err := helper.Start(); err != nil {
		t.Fatalf("starting the helper: %v", err)
	}
	var pids orphanPIDs
	decodeErr := json.NewDecoder(bufio.NewReader(stdout)).Decode(&pids)
	_ = helper.Process.Kill()
	_ = helper.Wait()
	if decodeErr != nil || pids.Emulator == 0 || pids.Bootstrap == 0 {
		t.Fatalf("reading the helper's pids %+v: %v", pids, decodeErr)
	}
	// Should the test fail, it must not leave the orphans it looks for.
	defer func() {
		for _, pid := range []int{pids.Bootstrap, pids.Emulator} {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		}
	}()

	deadline := time.NewTimer(closeTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(readyPollInterval)
	defer tick.Stop()
	for _, p := range []struct {
		name string
		pid  int
	}{{"emulator", pids.Emulator}, {"bootstrap", pids.Bootstrap}} {
		for alive(p.pid) {
			select {
			case <-deadline.C:
				t.Fatalf("the %s (pid %d) still runs %s after its caller was killed", p.name, p.pid, closeTimeout)
			case <-tick.C:
			}
		}
	}
}
