package voterid

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// now pins the clock for the one time-dependent CURP rule.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"already normal", "SABC560626MDFLRN01", "SABC560626MDFLRN01"},
		{"lower case", "sabc560626mdflrn01", "SABC560626MDFLRN01"},
		{"surrounding and inner spaces", "  SABC 560626 MDF LRN01\t\n", "SABC560626MDFLRN01"},
		{"separators", "SABC-560626.MDF_LRN/01", "SABC560626MDFLRN01"},
		{"en dash and non-breaking space from a phone keyboard", "SABC–560626\u00a0MDFLRN01", "SABC560626MDFLRN01"},
		{"zero-width space from copy and paste", "SABC\u200b560626MDFLRN01", "SABC560626MDFLRN01"},
		{"n with tilde upper-cased", "ñaño", "ÑAÑO"},
		{"decomposed n and tilde composed", "n\u0303a", "ÑA"},
		{"separator between letter and its accent", "n-\u0303", "Ñ"},
		{"only noise", " - . _ / ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("Normalize not idempotent: %q then %q", got, again)
			}
		})
	}
}

// TestNormalizeIdempotentEveryRune runs every code point of the planes that
// hold characters, alone and between a separator and a combining mark,
// through Normalize twice: a blind index built on a normaliser that moves on
// second application would split one person into two.
func TestNormalizeIdempotentEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("walks a quarter of a million code points")
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		// Planes 4 to 13 hold no characters and 15 and 16 only private
		// use, which no case mapping or composition touches.
		if r >= 0x40000 && r < 0xE0000 || r >= 0xF0000 {
			continue
		}
		for _, s := range []string{string(r), "n-" + string(r) + "\u0303"} {
			once := Normalize(s)
			if twice := Normalize(once); twice != once {
				t.Fatalf("rune %U: Normalize(%q) = %q, then %q", r, s, once, twice)
			}
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "sabc560626mdflrn01", " ñ-\u0303 ", "\xff\xfe", "ǰ\u0345", "ß\u200d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Normalize(s)
		if twice := Normalize(once); twice != once {
			t.Errorf("Normalize(%q) = %q, then %q", s, once, twice)
		}
	})
}

func TestCURPCheckDigit(t *testing.T) {
	// Expected digits worked out by hand from the published rule, not by
	// this package; HEGG560427MVZRRL04 is a published example CURP.
	tests := []struct {
		first17 string
		want    rune
	}{
		{"SABC560626MDFLRN0", '1'},
		{"HEGG560427MVZRRL0", '4'},
		{"GOMA850101HDFRRN0", '0'},
		{"PEXL020304MNEXXXA", '1'},
		{"HEGJ991231XJCRNS9", '5'},
		{"ÑAÑO750815HOCXXX3", '6'},
		{"MARA101010XDFRRRB", '9'},
	}
	for _, tt := range tests {
		t.Run(tt.first17, func(t *testing.T) {
			if got := curpCheckDigit([]rune(tt.first17)); got != tt.want {
				t.Errorf("check digit = %c, want %c", got, tt.want)
			}
			if err := validateAt(CURP, tt.first17+string(tt.want), now); err != nil {
				t.Errorf("with its check digit: %v", err)
			}
		})
	}
}

func TestValidateCURP(t *testing.T) {
	tests := []struct {
		name   string
		id     string
		reason Reason // "" for valid
		pos    int
	}{
		{"worked example", "SABC560626MDFLRN01", "", 0},
		{"published example", "HEGG560427MVZRRL04", "", 0},
		{"born 2002 with letter differentiator", "PEXL020304MNEXXXA1", "", 0},
		{"non-binary X in the sex position", "HEGJ991231XJCRNS95", "", 0},
		{"Ñ in names", "ÑAÑO750815HOCXXX36", "", 0},
		{"29 February 2000 with a letter", "LOOA000229HDFPPLA0", "", 0},
		{"empty", "", ReasonEmpty, 0},
		{"one short", "SABC560626MDFLRN0", ReasonLength, 17},
		{"one long", "SABC560626MDFLRN011", ReasonLength, 19},
		{"digit among the name letters", "S4BC560626MDFLRN01", ReasonChars, 2},
		{"letter O in the date", "SABC56O626MDFLRN01", ReasonChars, 7},
		{"vowel among the consonants", "SABC560626MDFLAN01", ReasonChars, 15},
		{"lower case is not normalised", "sabc560626mdflrn01", ReasonChars, 1},
		{"letter as check digit", "SABC560626MDFLRN0A", ReasonChars, 18},
		{"Ñ as differentiator", "SABC560626MDFLRNÑ1", ReasonChars, 17},
		{"month 13", "SABC561326MDFLRN01", ReasonDate, 5},
		{"31 April", "SABC560431MDFLRN01", ReasonDate, 5},
		{"29 February in a common year", "SABC550229MDFLRN01", ReasonDate, 5},
		{"day zero", "SABC560600MDFLRN01", ReasonDate, 5},
		{"29 February 1900 with a digit", "LOOA000229HDFPPL00", ReasonHomonym, 17},
		{"letter puts birth in the future", "SABC560626MDFLRNO1", ReasonHomonym, 17},
		{"sex F", "SABC560626FDFLRN01", ReasonSex, 11},
		{"unknown state", "SABC560626MXXLRN01", ReasonState, 12},
		{"wrong check digit", "SABC560626MDFLRN09", ReasonCheckDigit, 18},
		{"two letters swapped", "ASBC560626MDFLRN01", ReasonCheckDigit, 18},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkResult(t, validateAt(CURP, tt.id, now), CURP, tt.reason, tt.pos)
		})
	}
}

func TestValidateINE(t *testing.T) {
	tests := []struct {
		name   string
		id     string
		reason Reason
		pos    int
	}{
		{"born 1985 in Mexico City", "PRGRJN85010109H100", "", 0},
		{"born 2004 in Zacatecas", "LPMRAN04111132M023", "", 0},
		{"non-binary X", "SNCHAL95070714X001", "", 0},
		{"29 February 00 is a date in 2000", "GRCLMR00022915H200", "", 0},
		{"Ñ in names", "ÑÑXXAN90010101M000", "", 0},
		{"empty", "", ReasonEmpty, 0},
		{"too short", "PRGRJN85010109H10", ReasonLength, 17},
		{"digit among the letters", "PRGRJ085010109H100", ReasonChars, 6},
		{"letter in the date", "PRGRJN8501O109H100", ReasonChars, 11},
		{"letter in the homoclave", "PRGRJN85010109H1O0", ReasonChars, 17},
		{"month zero", "PRGRJN85000109H100", ReasonDate, 7},
		{"30 February", "PRGRJN85023009H100", ReasonDate, 7},
		{"state 00", "PRGRJN85010100H100", ReasonState, 13},
		{"state 33", "PRGRJN85010133H100", ReasonState, 13},
		{"sex F", "PRGRJN85010109F100", ReasonSex, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkResult(t, Validate(INE, tt.id), INE, tt.reason, tt.pos)
		})
	}
}

func checkResult(t *testing.T, err error, typ Type, reason Reason, pos int) {
	t.Helper()
	if reason == "" {
		if err != nil {
			t.Fatalf("want valid, got %v", err)
		}
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error with reason %s, got %v", reason, err)
	}
	if e.Type != typ || e.Reason != reason || e.Pos != pos {
		t.Errorf("got {%s %s %d} (%v), want {%s %s %d}", e.Type, e.Reason, e.Pos, e, typ, reason, pos)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
	}
}

func TestValidateUsesTheClock(t *testing.T) {
	// The wall clock is past 2026, so a 2056 birth is refused by Validate
	// itself, not only by validateAt.
	if err := Validate(CURP, "SABC560626MDFLRNO1"); !errors.Is(err, ErrInvalid) {
		t.Errorf("future birth accepted: %v", err)
	}
	if err := Validate(CURP, "SABC560626MDFLRN01"); err != nil {
		t.Errorf("worked example refused: %v", err)
	}
}

func TestValidateUnknownType(t *testing.T) {
	err := Validate(Type("rfc"), "SABC560626MDFLRN01")
	if err == nil || errors.Is(err, ErrInvalid) {
		t.Errorf("unknown type: got %v, want a plain error", err)
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Type: CURP, Reason: ReasonLength, Pos: 17}, "CURP must be 18 characters; this has 17"},
		{&Error{Type: CURP, Reason: ReasonEmpty}, "CURP is empty"},
		{&Error{Type: CURP, Reason: ReasonChars, Pos: 7}, "CURP character 7 must be a digit"},
		{&Error{Type: CURP, Reason: ReasonChars, Pos: 15}, "CURP character 15 must be a consonant"},
		{&Error{Type: INE, Reason: ReasonChars, Pos: 6}, "INE voter key character 6 must be a letter"},
		{&Error{Type: CURP, Reason: ReasonDate, Pos: 5}, "CURP characters 5 to 10 are not a valid birth date (YYMMDD)"},
		{&Error{Type: INE, Reason: ReasonState, Pos: 13}, "INE voter key characters 13 and 14 must be a state number from 01 to 32"},
		{&Error{Type: CURP, Reason: ReasonSex, Pos: 11}, "CURP character 11 must be H, M or X"},
	}
	for _, tt := range tests {
		t.Run(string(tt.err.Reason)+" "+string(tt.err.Type), func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	// Every reason has its own sentence, none falls through to the generic one.
	for _, r := range []Reason{ReasonEmpty, ReasonLength, ReasonChars, ReasonDate, ReasonSex, ReasonState, ReasonCheckDigit, ReasonHomonym} {
		msg := (&Error{Type: CURP, Reason: r, Pos: 1}).Error()
		if strings.Contains(msg, "is not valid (") {
			t.Errorf("reason %s has no sentence: %q", r, msg)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		accepted []Type
		raw      string
		wantType Type
		wantID   string
		reason   Reason
	}{
		{"CURP typed loosely", []Type{INE, CURP}, " sabc-560626-mdf-lrn01 ", CURP, "SABC560626MDFLRN01", ""},
		{"INE key among both", []Type{CURP, INE}, "prgrjn 850101 09 h100", INE, "PRGRJN85010109H100", ""},
		{"CURP when only INE is accepted", []Type{INE}, "SABC560626MDFLRN01", INE, "SABC560626MDFLRN01", ReasonChars},
		{"bad CURP check digit reported as CURP", []Type{INE, CURP}, "SABC560626MDFLRN09", CURP, "SABC560626MDFLRN09", ReasonCheckDigit},
		{"short CURP reported as CURP", []Type{INE, CURP}, "SABC560626MDFLRN0", CURP, "SABC560626MDFLRN0", ReasonLength},
		{"INE key with bad state reported as INE", []Type{CURP, INE}, "PRGRJN85010199H100", INE, "PRGRJN85010199H100", ReasonState},
		{"short INE key reported as INE", []Type{CURP, INE}, "PRGRJN850101", INE, "PRGRJN850101", ReasonLength},
		{"empty reports the first accepted type", []Type{CURP, INE}, "  ", CURP, "", ReasonEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, id, err := Check(tt.accepted, tt.raw)
			if id != tt.wantID {
				t.Errorf("id = %q, want %q", id, tt.wantID)
			}
			if typ != tt.wantType {
				t.Errorf("type = %q, want %q", typ, tt.wantType)
			}
			if tt.reason == "" {
				if err != nil {
					t.Errorf("want valid, got %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Reason != tt.reason || e.Type != tt.wantType {
				t.Errorf("err = %v, want %s error for %s", err, tt.reason, tt.wantType)
			}
		})
	}
}

func TestCheckRefusesBadConfiguration(t *testing.T) {
	tests := []struct {
		name     string
		accepted []Type
	}{
		{"no accepted types", nil},
		{"unknown type after one that matches", []Type{CURP, "rfc"}},
		{"empty type", []Type{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := Check(tt.accepted, "SABC560626MDFLRN01"); err == nil || errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want a plain error", err)
			}
		})
	}
}

func TestKnown(t *testing.T) {
	for _, tt := range []struct {
		t    Type
		want bool
	}{{CURP, true}, {INE, true}, {"rfc", false}, {"CURP", false}, {"", false}} {
		if got := tt.t.Known(); got != tt.want {
			t.Errorf("Type(%q).Known() = %v, want %v", string(tt.t), got, tt.want)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"CURP", "SABC560626MDFLRN01", "SABC••••••••••••01"},
		{"normalised first", "sabc 560626 mdflrn01", "SABC••••••••••••01"},
		{"Ñ counts as one character", "ÑAÑO750815HOCXXX36", "ÑAÑO••••••••••••36"},
		{"short input fully hidden", "ABC12", "•••••"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Mask(tt.in); got != tt.want {
				t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"", "SABC560626MDFLRN01", "PRGRJN85010109H100", "ÑAÑO750815HOCXXX36", "SABC560626MDFLRN0\xff", "LOOA000229HDFPPL00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range []Type{CURP, INE} {
			err := validateAt(typ, s, now)
			if err == nil {
				if n := utf8.RuneCountInString(s); n != Length {
					t.Errorf("%s %q valid with %d characters", typ, s, n)
				}
				if Normalize(s) != s {
					t.Errorf("%s %q valid but not normalised", typ, s)
				}
				continue
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%s %q: error %v does not match ErrInvalid", typ, s, err)
			}
			_ = err.Error()
		}
	})
}
