package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
	"github.com/redshift-data-access/redshift-data-access/local/awsemu"
)

// startTimeout bounds how long the test waits for the server's first line.
const startTimeout = 10 * time.Second

func TestRunServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-statement-delay", "0s"}, pw)
		pw.Close()
	}()
	lines := make(chan string, 16)
	go func() {
		s := bufio.NewScanner(pr)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()

	var env []string
	var url string
	deadline := time.After(startTimeout)
	for url == "" || len(env) < 4 {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("output ended before the environment; run: %v", <-done)
			}
			if v, ok := strings.CutPrefix(line, "export AWS_ENDPOINT_URL="); ok {
				url = v
			}
			if strings.HasPrefix(line, "export ") {
				env = append(env, strings.SplitN(strings.TrimPrefix(line, "export "), "=", 2)[0])
			}
		case <-deadline:
			t.Fatal("the server printed no environment in time")
		}
	}
	if diff := cmp.Diff([]string{"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"}, env); diff != "" {
		t.Errorf("exported variables (-want +got):\n%s", diff)
	}

	resp, err := http.Get(url + "/_emulator/health")
	if err != nil {
		t.Fatalf("GET health: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("health status = %d, want 200", resp.StatusCode)
	}
	out, err := sts.NewFromConfig(awsemu.Config(url, awsemu.AccountA)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity through the standalone server: %v", err)
	}
	if got := *out.Account; got != awsemu.AccountA {
		t.Errorf("account = %s, want %s", got, awsemu.AccountA)
	}

	cancel()
	go func() {
		for range lines {
		}
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after cancel: %v", err)
		}
	case <-time.After(shutdownTimeout + time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestListenRefusesNonLoopback(t *testing.T) {
	tests := map[string]struct {
		addr        string
		allow       bool
		wantRefused bool
	}{
		"IPv4 loopback":  {addr: "127.0.0.1:0"},
		"localhost":      {addr: "localhost:0"},
		"all interfaces": {addr: "0.0.0.0:0", wantRefused: true},
		"empty host":     {addr: ":0", wantRefused: true},
		"public address": {addr: "192.0.2.10:0", wantRefused: true},
		"hostname":       {addr: "example.com:0", wantRefused: true},
		// The address is not on this machine, so listening fails, but
		// for another reason than the loopback check.
		"public address, allowed": {addr: "192.0.2.10:0", allow: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ln, err := listen(options{addr: tc.addr, allowNonLoopback: tc.allow})
			if ln != nil {
				ln.Close()
			}
			if got := errors.Is(err, errNotLoopback); got != tc.wantRefused {
				t.Errorf("listen(%q) err = %v, refused = %v, want refused = %v", tc.addr, err, got, tc.wantRefused)
			}
			if strings.HasPrefix(tc.addr, "127.") && err != nil {
				t.Errorf("listen(%q): %v", tc.addr, err)
			}
		})
	}
}

func TestParseFlagsRejectsArguments(t *testing.T) {
	if _, err := parseFlags([]string{"extra"}); err == nil {
		t.Error("parseFlags accepted a positional argument")
	}
}
