package cli

import (
	"slices"
	"testing"
)

func TestParsePrefixes(t *testing.T) {
	tests := []struct {
		name string
		list string
		want []string
		bad  bool
	}{
		{"none", "", nil, false},
		{"one prefix", "10.0.0.0/8", []string{"10.0.0.0/8"}, false},
		{"a bare address stands for itself", "192.0.2.7", []string{"192.0.2.7/32"}, false},
		{"a list with spaces and IPv6", "10.0.0.0/8, fd00::/8 ,::1", []string{"10.0.0.0/8", "fd00::/8", "::1/128"}, false},
		{"host bits are masked", "10.1.2.3/8", []string{"10.0.0.0/8"}, false},
		{"not an address", "proxy.local", nil, true},
		{"a bad length", "10.0.0.0/33", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Prefixes
			err := got.Set(tt.list)
			if (err != nil) != tt.bad {
				t.Fatalf("err %v, want error %v", err, tt.bad)
			}
			var s []string
			for _, p := range got {
				s = append(s, p.String())
			}
			if !slices.Equal(s, tt.want) {
				t.Errorf("prefixes %v, want %v", s, tt.want)
			}
		})
	}
}
