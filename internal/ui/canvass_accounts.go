package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/pinguard"
	"github.com/voces-cdmx/voces/internal/record"
)

// CanvasserPINParams is the cost of hashing a canvasser PIN. Tests lower it.
var CanvasserPINParams = pinguard.DefaultParams

// Canvasser is one canvasser account on the device.
type Canvasser struct {
	Name string `json:"name"`
	Hash string `json:"hash"` // pinguard.Hash of the PIN
}

// Errors of the canvasser accounts.
var (
	ErrNoCanvasser  = errors.New("no such canvasser")
	ErrCanvasserPIN = errors.New("wrong canvasser PIN")
	// ErrCanvasserName is a name that is empty or longer than a
	// record's signer name may be.
	ErrCanvasserName = errors.New("canvasser name must be 1 to 120 characters")
)

// Canvassers lists the device's canvasser accounts, by name.
func Canvassers(ctx context.Context, s Store) ([]Canvasser, error) {
	v, err := s.Setting(ctx, handoff.SettingCanvassers, "")
	if err != nil || v == "" {
		return nil, err
	}
	var list []Canvasser
	if err := json.Unmarshal([]byte(v), &list); err != nil {
		return nil, fmt.Errorf("read canvasser accounts: %w", err)
	}
	return list, nil
}

func saveCanvassers(ctx context.Context, s Store, list []Canvasser) error {
	slices.SortFunc(list, func(a, b Canvasser) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	js, err := json.Marshal(list)
	if err != nil {
		return fmt.Errorf("save canvasser accounts: %w", err)
	}
	return s.SetSetting(ctx, handoff.SettingCanvassers, string(js))
}

// SetCanvasser adds a canvasser account, or gives an existing one (same
// name, any case) a new PIN. PINs follow the technician PIN's format.
func SetCanvasser(ctx context.Context, s Store, name, pin string) error {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > record.MaxNameLen {
		return ErrCanvasserName
	}
	if err := pinguard.CheckFormat(pin); err != nil {
		return err
	}
	h, err := pinguard.Hash(pin, CanvasserPINParams)
	if err != nil {
		return err
	}
	list, err := Canvassers(ctx, s)
	if err != nil {
		return err
	}
	list = slices.DeleteFunc(list, func(c Canvasser) bool { return strings.EqualFold(c.Name, name) })
	return saveCanvassers(ctx, s, append(list, Canvasser{Name: name, Hash: h}))
}

// RemoveCanvasser deletes a canvasser account.
func RemoveCanvasser(ctx context.Context, s Store, name string) error {
	list, err := Canvassers(ctx, s)
	if err != nil {
		return err
	}
	n := len(list)
	list = slices.DeleteFunc(list, func(c Canvasser) bool { return c.Name == name })
	if len(list) == n {
		return ErrNoCanvasser
	}
	return saveCanvassers(ctx, s, list)
}

// checkCanvasser verifies a canvasser's PIN.
func checkCanvasser(ctx context.Context, s Store, name, pin string) error {
	list, err := Canvassers(ctx, s)
	if err != nil {
		return err
	}
	for _, c := range list {
		if c.Name != name {
			continue
		}
		ok, err := pinguard.Verify(c.Hash, pin)
		if err != nil {
			return err
		}
		if !ok {
			return ErrCanvasserPIN
		}
		return nil
	}
	return ErrNoCanvasser
}
