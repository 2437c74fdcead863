package central

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// OperatorAdmin changes operator accounts and records each change in the
// audit log. The command line and, later, an admin page use it.
type OperatorAdmin struct {
	Store Operators
	Audit Auditor
	Actor string // who makes the changes
}

// CheckOperatorName refuses names that are not one word.
func CheckOperatorName(name string) error {
	if name == "" || strings.ContainsAny(name, " \t\r\n") {
		return errors.New("an operator name is one word without spaces")
	}
	return nil
}

// explain turns the store's sentinel errors into sentences about name.
func explain(name, what string, err error) error {
	switch {
	case errors.Is(err, ErrExists):
		return fmt.Errorf("operator %q already exists; use passwd to change the password", name)
	case errors.Is(err, ErrNotFound):
		return fmt.Errorf("no operator %q", name)
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Add creates an operator with a role.
func (a OperatorAdmin) Add(ctx context.Context, name, hash string, role Role, now time.Time) error {
	if !role.Valid() {
		return fmt.Errorf("unknown role %q", role)
	}
	if err := explain(name, "add operator", a.Store.CreateOperator(ctx, Operator{Name: name, PasswordHash: hash, Role: role, CreatedAt: now.UTC()})); err != nil {
		return err
	}
	return a.Audit.Audit(ctx, a.Actor, AuditOperatorAdded, map[string]string{"operator": name, "role": string(role)})
}

// SetPassword replaces a password, which ends the operator's sessions.
func (a OperatorAdmin) SetPassword(ctx context.Context, name, hash string) error {
	if err := explain(name, "set password", a.Store.SetOperatorPassword(ctx, name, hash)); err != nil {
		return err
	}
	return a.Audit.Audit(ctx, a.Actor, AuditPassword, map[string]string{"operator": name})
}

// SetRole changes what an operator may do, from their next request on.
func (a OperatorAdmin) SetRole(ctx context.Context, name string, role Role) error {
	if !role.Valid() {
		return fmt.Errorf("unknown role %q", role)
	}
	before, err := a.Store.GetOperator(ctx, name)
	if err := explain(name, "set role", err); err != nil {
		return err
	}
	if err := explain(name, "set role", a.Store.SetOperatorRole(ctx, name, role)); err != nil {
		return err
	}
	return a.Audit.Audit(ctx, a.Actor, AuditOperatorRole, map[string]string{"operator": name, "from": string(before.Role), "to": string(role)})
}

// Disable keeps the account (and its name in the audit log) but ends its
// sessions and refuses its sign-ins.
func (a OperatorAdmin) Disable(ctx context.Context, name string, now time.Time) error {
	if err := explain(name, "disable operator", a.Store.DisableOperator(ctx, name, now.UTC())); err != nil {
		return err
	}
	return a.Audit.Audit(ctx, a.Actor, AuditOperatorDisabled, map[string]string{"operator": name})
}

// Remove deletes the account and its sessions; the audit log keeps the name.
func (a OperatorAdmin) Remove(ctx context.Context, name string) error {
	if err := explain(name, "remove operator", a.Store.RemoveOperator(ctx, name)); err != nil {
		return err
	}
	return a.Audit.Audit(ctx, a.Actor, AuditOperatorRemoved, map[string]string{"operator": name})
}

// RevokeDevice stops a device's uploads and records who did it. Device ids
// are random identifiers of machines, not of people: they belong in the
// audit log. An unknown id is ErrNotFound, said in words.
func RevokeDevice(ctx context.Context, store Store, audit Auditor, actor, id string, at time.Time) error {
	if err := store.RevokeDevice(ctx, id, at); errors.Is(err, ErrNotFound) {
		return fmt.Errorf("no device %q: %w", id, err)
	} else if err != nil {
		return err
	}
	return audit.Audit(ctx, actor, AuditRevoke, map[string]string{"device": id})
}

// Apply makes one change an operator asked for on the command line
// (add, passwd, disable, remove or role; hash is the new password's for add
// and passwd) and says what it did.
func (a OperatorAdmin) Apply(ctx context.Context, action, name, hash string, role Role, now time.Time) (string, error) {
	var done string
	var err error
	switch action {
	case "add":
		done, err = "added operator %s as "+string(role), a.Add(ctx, name, hash, role, now)
	case "passwd":
		done, err = "changed the password of %s and ended its sessions", a.SetPassword(ctx, name, hash)
	case "disable":
		done, err = "disabled %s and ended its sessions", a.Disable(ctx, name, now)
	case "remove":
		done, err = "removed %s and ended its sessions", a.Remove(ctx, name)
	case "role":
		done, err = "%s is now "+string(role), a.SetRole(ctx, name, role)
	default:
		err = fmt.Errorf("unknown operator action %q", action)
	}
	return fmt.Sprintf(done, name), err
}
