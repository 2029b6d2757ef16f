package handlers

import "testing"

func TestConfirmsDomain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typed, name string
		want        bool
	}{
		{"example.se", "example.se", true},
		{"EXAMPLE.se.", "example.se", true},
		{"exämple.se", "xn--exmple-cua.se", true},
		{"xn--exmple-cua.se", "xn--exmple-cua.se", true},
		{"", "example.se", false},
		{"example", "example.se", false},
		{"sub.example.se", "example.se", false},
	}
	for _, tt := range tests {
		if got := confirmsDomain(tt.typed, tt.name); got != tt.want {
			t.Errorf("confirmsDomain(%q, %q) = %v, want %v", tt.typed, tt.name, got, tt.want)
		}
	}
}
