package voterid

import (
	"errors"
	"testing"
)

func TestCheckTyping(t *testing.T) {
	both := []Type{CURP, INE}
	tests := []struct {
		name     string
		accepted []Type
		raw      string
		wantID   string
		wantLeft int
		done     bool
		wantType Type   // when done, or when complete and refused
		reason   Reason // "" for no problem yet
		pos      int
	}{
		{"nothing typed", both, "", "", 18, false, "", "", 0},
		{"spaces only", both, "   ", "", 18, false, "", "", 0},
		{"a CURP begun", both, "sabc56", "SABC56", 12, false, "", "", 0},
		{"letters a CURP cannot hold but an INE key can", both, "PRGRJN", "PRGRJN", 12, false, "", "", 0},
		{"a digit where both want a letter", both, "AB1", "AB1", 15, false, "", ReasonChars, 3},
		{"the type followed furthest names the problem", both, "PRGRJN85010A", "PRGRJN85010A", 6, false, "", ReasonChars, 12},
		{"a letter an INE key cannot hold, INE only", []Type{INE}, "SABC5", "SABC5", 13, false, "", ReasonChars, 5},
		{"a bad date waits for the whole id", both, "SABC569999", "SABC569999", 8, false, "", "", 0},
		{"a whole valid CURP", both, "SABC560626MDFLRN01", "SABC560626MDFLRN01", 0, true, CURP, "", 0},
		{"a whole valid INE key", both, "PRGRJN85010109H100", "PRGRJN85010109H100", 0, true, INE, "", 0},
		{"a whole CURP with a wrong check digit", both, "SABC560626MDFLRN09", "SABC560626MDFLRN09", 0, false, CURP, ReasonCheckDigit, 18},
		{"too long", both, "SABC560626MDFLRN011", "SABC560626MDFLRN011", -1, false, CURP, ReasonLength, 19},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckTyping(tt.accepted, tt.raw)
			if got.ID != tt.wantID || got.Left() != tt.wantLeft || got.Done != tt.done {
				t.Errorf("got id %q, %d left, done %v; want %q, %d, %v", got.ID, got.Left(), got.Done, tt.wantID, tt.wantLeft, tt.done)
			}
			if (tt.done || tt.wantType != "") && got.Type != tt.wantType {
				t.Errorf("type = %q, want %q", got.Type, tt.wantType)
			}
			if tt.reason == "" {
				if got.Err != nil {
					t.Errorf("problem %v, want none yet", got.Err)
				}
				return
			}
			var e *Error
			if !errors.As(got.Err, &e) || e.Reason != tt.reason || e.Pos != tt.pos {
				t.Errorf("problem %v, want %s at %d", got.Err, tt.reason, tt.pos)
			}
		})
	}
}

func TestCheckTypingPassesOnConfigurationErrors(t *testing.T) {
	got := CheckTyping([]Type{"rfc"}, "SABC560626MDFLRN01")
	if got.Err == nil || errors.Is(got.Err, ErrInvalid) || got.Done {
		t.Fatalf("got %+v, want a plain error and not done", got)
	}
	// Short of 18 an unknown layout cannot be judged: no problem yet.
	if got := CheckTyping([]Type{"rfc"}, "SABC"); got.Err != nil {
		t.Fatalf("short input with an unknown type: %v", got.Err)
	}
}

func TestClassAt(t *testing.T) {
	tests := []struct {
		t    Type
		pos  int
		want string
	}{
		{CURP, 1, "letter"}, {CURP, 4, "letter"}, {CURP, 5, "digit"}, {CURP, 10, "digit"},
		{CURP, 11, "letter"}, {CURP, 13, "letter"}, {CURP, 14, "consonant"}, {CURP, 16, "consonant"},
		{CURP, 17, "alnum"}, {CURP, 18, "digit"},
		{INE, 1, "letter"}, {INE, 6, "letter"}, {INE, 7, "digit"}, {INE, 14, "digit"},
		{INE, 15, "letter"}, {INE, 16, "digit"}, {INE, 18, "digit"},
		{CURP, 0, "valid"}, {INE, 19, "valid"}, {"rfc", 1, "valid"},
	}
	for _, tt := range tests {
		if got := ClassAt(tt.t, tt.pos).String(); got != tt.want {
			t.Errorf("ClassAt(%s, %d) = %q, want %q", tt.t, tt.pos, got, tt.want)
		}
	}
}
