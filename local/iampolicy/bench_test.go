package iampolicy

import (
	"os"
	"testing"
)

// BenchmarkEvaluateManaged is one emulator authorization: the managed
// policy against a tagged GetSecretValue.
func BenchmarkEvaluateManaged(b *testing.B) {
	text, err := os.ReadFile(managedPath)
	if err != nil {
		b.Fatal(err)
	}
	docs := []Document{MustParse(string(text))}
	req := probes("aws", "us-east-1")["the secret, tagged"]
	for b.Loop() {
		if !Evaluate(docs, req).Allowed() {
			b.Fatal("denied")
		}
	}
}
