package customresource

import (
	"testing"
)

func TestEnvOptions(t *testing.T) {
	tests := map[string]struct {
		value string
		want  bool
	}{
		"unset": {value: "", want: false},
		"true":  {value: "true", want: true},
		"1":     {value: "1", want: false},
		"TRUE":  {value: "TRUE", want: false},
		"false": {value: "false", want: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == EnvAllowLocalResponseURL {
					return tc.value
				}
				return ""
			}
			h := NewHandler(nil, envOptions(getenv)...)
			if h.allowLocal != tc.want {
				t.Errorf("allowLocal = %t with %s=%q, want %t", h.allowLocal, EnvAllowLocalResponseURL, tc.value, tc.want)
			}
		})
	}
}
