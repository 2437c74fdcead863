package handoff

import (
	"context"
	"testing"
	"time"
)

// memSettings is the settings part of an outbox, in memory.
type memSettings map[string]string

func (m memSettings) Setting(_ context.Context, key, def string) (string, error) {
	if v, ok := m[key]; ok {
		return v, nil
	}
	return def, nil
}

func (m memSettings) SetSetting(_ context.Context, key, value string) error {
	m[key] = value
	return nil
}

func TestEnrollHandOff(t *testing.T) {
	ctx := context.Background()

	t.Run("syncd takes the request once, and the kiosk reads the answer to its token", func(t *testing.T) {
		s := memSettings{}
		tok, err := RequestEnroll(ctx, s, "http://c#CODE", "tablet 3", "canvasser")
		if err != nil {
			t.Fatal(err)
		}
		req, err := TakeEnrollRequest(ctx, s)
		if err != nil || req == nil || req.Token != tok || req.Code != "http://c#CODE" || req.Name != "tablet 3" || req.Mode != "canvasser" {
			t.Fatalf("request syncd takes: %+v, %v", req, err)
		}
		if s[SettingEnrollRequest] != "" {
			t.Fatalf("the code stays in the settings after syncd took it: %q", s[SettingEnrollRequest])
		}
		if again, err := TakeEnrollRequest(ctx, s); again != nil || err != nil {
			t.Fatalf("second take = %+v, %v; want nothing", again, err)
		}
		if out, err := EnrollResult(ctx, s, tok); out != nil || err != nil {
			t.Fatalf("result before the answer = %+v, %v", out, err)
		}
		if err := AnswerEnroll(ctx, s, EnrollOutcome{Token: tok, Kind: KindCodeUsed, Message: "used"}); err != nil {
			t.Fatal(err)
		}
		if out, err := EnrollResult(ctx, s, tok); err != nil || out == nil || out.Kind != KindCodeUsed || out.Message != "used" {
			t.Fatalf("result = %+v, %v", out, err)
		}
		if out, err := EnrollResult(ctx, s, tok+"-other"); out != nil || err != nil {
			t.Fatalf("an answer to another request was read as ours: %+v, %v", out, err)
		}
	})

	t.Run("a damaged answer is an error, not a success", func(t *testing.T) {
		s := memSettings{SettingEnrollResult: "{not json"}
		if out, err := EnrollResult(ctx, s, "t"); err == nil || out != nil {
			t.Fatalf("damaged result = %+v, %v; want an error", out, err)
		}
	})
}

func TestSyncHandOff(t *testing.T) {
	ctx := context.Background()
	s := memSettings{}
	if tok, err := SyncRequest(ctx, s); tok != "" || err != nil {
		t.Fatalf("request on a fresh device = %q, %v", tok, err)
	}
	tok, err := RequestSync(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := SyncRequest(ctx, s); got != tok {
		t.Fatalf("syncd reads request %q, want %q", got, tok)
	}
	if done, _ := SyncHandled(ctx, s, tok); done {
		t.Fatal("handled before syncd acknowledged it")
	}
	if err := MarkSyncHandled(ctx, s, tok); err != nil {
		t.Fatal(err)
	}
	if done, _ := SyncHandled(ctx, s, tok); !done {
		t.Fatal("not handled after syncd acknowledged it")
	}
}

// SyncHandled counts a later acknowledgement as an answer to an earlier
// request: that rests on tokens sorting as their times do.
func TestTokensSortByTime(t *testing.T) {
	base := time.Date(2026, 3, 1, 9, 59, 59, 999_999_999, time.UTC)
	for _, d := range []time.Duration{time.Nanosecond, time.Millisecond, time.Second, 10 * time.Hour} {
		a, b := newToken(base), newToken(base.Add(d))
		if !(a < b) || len(a) != len(b) {
			t.Errorf("token %q then %q, %v later: want same width and sorting later", a, b, d)
		}
		s := memSettings{SettingSyncHandled: b}
		if done, _ := SyncHandled(context.Background(), s, a); !done {
			t.Errorf("an acknowledgement of %q does not answer the earlier %q", b, a)
		}
		s[SettingSyncHandled] = a
		if done, _ := SyncHandled(context.Background(), s, b); done {
			t.Errorf("an acknowledgement of %q answers the later %q", a, b)
		}
	}
}
