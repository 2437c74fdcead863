package central_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/internal/central/centraltest"
	"github.com/voces-cdmx/voces/internal/protocol"
	"github.com/voces-cdmx/voces/internal/record"
)

func newKey(t *testing.T) ed25519.PublicKey {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func token(t *testing.T, code string) string {
	t.Helper()
	pc, err := protocol.ParseCode(code)
	if err != nil {
		t.Fatal(err)
	}
	return pc.Token
}

func TestEnrollGivesTheDeviceWhatItNeeds(t *testing.T) {
	c := centraltest.Start(t)
	code := c.Code(t, record.ModeCanvasser)
	pc, err := protocol.ParseCode(code)
	if err != nil {
		t.Fatal(err)
	}
	if pc.URL != c.URL || pc.Fingerprint != c.Keys.Fingerprint() {
		t.Fatalf("code %q does not carry the server URL and key fingerprint", code)
	}
	key := newKey(t)
	resp := centraltest.PostEnroll(t, c.Client, c.URL, protocol.EnrollRequest{Token: strings.ToLower(pc.Token), DeviceKey: key, Name: "tableta 1", Mode: record.ModeKiosk})
	if resp.Status != http.StatusOK {
		t.Fatalf("status %d: %s", resp.Status, resp.Body)
	}
	var er protocol.EnrollResponse
	if err := json.Unmarshal(resp.Body, &er); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(er.DeviceID, "dev-") || len(er.DeviceID) != 14 {
		t.Errorf("device id %q is not dev- and 10 characters", er.DeviceID)
	}
	if string(er.SealKey) != string(c.Keys.SealPublic[:]) || string(er.DedupeKey) != string(c.Keys.Dedupe) ||
		string(er.ServerKey) != string(c.Keys.ServerKey()) {
		t.Error("enrollment does not carry central's public keys")
	}
	if er.CampaignID != "cdmx-2016" {
		t.Errorf("campaign id %q", er.CampaignID)
	}
	d, err := c.Store.Device(context.Background(), er.DeviceID)
	if err != nil {
		t.Fatal(err)
	}
	// The technician chose canvasser when issuing the code; that wins over
	// what the device asked for.
	if d.Mode != record.ModeCanvasser || d.Name != "tableta 1" || string(d.PublicKey) != string(key) {
		t.Errorf("stored device %+v", d)
	}
}

func TestEnrollRefusesCodesThatCannotBeUsed(t *testing.T) {
	c := centraltest.Start(t)
	used := c.Code(t, "")
	centraltest.Enroll(t, c.Client, used, record.ModeKiosk)
	expired := c.CodeAt(t, "", time.Now().Add(-2*time.Hour), time.Hour)
	tests := []struct {
		name  string
		token string
		code  protocol.ErrorCode
		words string
	}{
		{"a used code", token(t, used), protocol.CodeCodeUsed, "already used"},
		{"an expired code", token(t, expired), protocol.CodeCodeExpired, "expired"},
		{"an unknown code", "0123456789AB", protocol.CodeBadCode, "not known"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := c.Stats(t)
			resp := centraltest.PostEnroll(t, c.Client, c.URL, protocol.EnrollRequest{Token: tt.token, DeviceKey: newKey(t), Mode: record.ModeKiosk})
			if resp.Status != http.StatusForbidden {
				t.Fatalf("status %d, want 403: %s", resp.Status, resp.Body)
			}
			e := resp.Error(t)
			if e.Code != tt.code || !strings.Contains(e.Message, tt.words) {
				t.Errorf("error %+v, want code %s and a message saying %q", e, tt.code, tt.words)
			}
			if after := c.Stats(t); !reflect.DeepEqual(after, before) {
				t.Errorf("stats changed:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

func TestEnrollAgainWithTheSameKeyReturnsTheSameDevice(t *testing.T) {
	// A device whose enrollment answer was lost on the way asks again with
	// the same code and key; it must get its identity, not a refusal.
	c := centraltest.Start(t)
	tok := token(t, c.Code(t, ""))
	key := newKey(t)
	var ids []string
	for range 2 {
		resp := centraltest.PostEnroll(t, c.Client, c.URL, protocol.EnrollRequest{Token: tok, DeviceKey: key, Mode: record.ModeKiosk})
		if resp.Status != http.StatusOK {
			t.Fatalf("status %d: %s", resp.Status, resp.Body)
		}
		var er protocol.EnrollResponse
		if err := json.Unmarshal(resp.Body, &er); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, er.DeviceID)
	}
	if ids[0] != ids[1] {
		t.Errorf("second enrollment made device %s, first %s", ids[1], ids[0])
	}
	resp := centraltest.PostEnroll(t, c.Client, c.URL, protocol.EnrollRequest{Token: tok, DeviceKey: newKey(t), Mode: record.ModeKiosk})
	if resp.Status != http.StatusForbidden || resp.Error(t).Code != protocol.CodeCodeUsed {
		t.Errorf("another key with the used code: status %d %s", resp.Status, resp.Body)
	}
}

func TestEnrollOneCodeRacedByManyDevicesEnrollsOne(t *testing.T) {
	c := centraltest.Start(t)
	tok := token(t, c.Code(t, ""))
	const racers = 16
	statuses := make([]int, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		req, err := centraltest.EnrollRequest(c.URL, protocol.EnrollRequest{Token: tok, DeviceKey: newKey(t), Mode: record.ModeKiosk})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := centraltest.Send(c.Client, req)
			if err != nil {
				t.Error(err)
				return
			}
			statuses[i] = resp.Status
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusForbidden:
		default:
			t.Errorf("status %d", s)
		}
	}
	devices, err := c.Store.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if ok != 1 || len(devices) != 1 {
		t.Errorf("%d enrollments succeeded and %d devices exist; want 1 and 1", ok, len(devices))
	}
}

func TestEnrollRefusesMalformedRequests(t *testing.T) {
	c := centraltest.Start(t)
	code := c.Code(t, "")
	tok := token(t, code)
	tests := []struct {
		name string
		req  protocol.EnrollRequest
	}{
		{"no token", protocol.EnrollRequest{DeviceKey: newKey(t)}},
		{"a short device key", protocol.EnrollRequest{Token: tok, DeviceKey: []byte("short")}},
		{"an unknown mode", protocol.EnrollRequest{Token: tok, DeviceKey: newKey(t), Mode: "drone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := centraltest.PostEnroll(t, c.Client, c.URL, tt.req)
			if resp.Status != http.StatusBadRequest || resp.Error(t).Code != protocol.CodeMalformed {
				t.Errorf("status %d %s, want 400 malformed", resp.Status, resp.Body)
			}
		})
	}
	// None of them used the token up.
	centraltest.Enroll(t, c.Client, code, record.ModeKiosk)
}
