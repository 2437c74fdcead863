package central

import (
	"fmt"
	"slices"
	"strings"
)

// Role is what an operator may do. Each role has its own job, and none
// includes another's: the admin who enrolls devices does not read names,
// and the data officer who answers ARCO requests does not revoke devices.
type Role string

// The roles. Every role sees the counts.
const (
	RoleViewer      Role = "viewer"       // counts and fleet health
	RoleModerator   Role = "moderator"    // content and moderation: writes the campaign draft and responses
	RoleDataOfficer Role = "data-officer" // personal data: exports with names, review, ARCO
	RoleAdmin       Role = "admin"        // devices, tokens, operators, the audit log, publishing
)

// Roles lists every role, from least to most trusted with the system.
var Roles = []Role{RoleViewer, RoleModerator, RoleDataOfficer, RoleAdmin}

// Permission is one thing an operator may do on the dashboard or from the
// command line. Adding a page that needs a new right is: a constant here,
// the roles that get it in grants, and the page's line in the dashboard's
// route table.
type Permission string

// The permissions.
const (
	PermSession      Permission = "session"       // hold a session (sign out)
	PermViewCounts   Permission = "view-counts"   // tallies, participation, fleet health
	PermModerate     Permission = "moderate"      // content and moderation decisions
	PermPersonalData Permission = "personal-data" // open what a person gave: exports with names, ARCO
	PermDevices      Permission = "devices"       // revoke devices, issue tokens
	PermOperators    Permission = "operators"     // manage operator accounts
	PermAudit        Permission = "audit"         // read the audit log
	PermAuthor       Permission = "author"        // edit the campaign draft, record the Drafting Group's responses
	PermPublish      Permission = "publish"       // publish the draft and responses to every device
)

// grants is the one place that says which role may do what.
var grants = map[Role][]Permission{
	RoleViewer:      {PermSession, PermViewCounts},
	RoleModerator:   {PermSession, PermViewCounts, PermModerate, PermAuthor},
	RoleDataOfficer: {PermSession, PermViewCounts, PermPersonalData},
	// The admin publishes what moderators wrote: content reaches every
	// kiosk in the city only when two people have seen it.
	RoleAdmin: {PermSession, PermViewCounts, PermDevices, PermOperators, PermAudit, PermPublish},
}

// Can reports whether the role has permission p. An unknown role can do
// nothing.
func (r Role) Can(p Permission) bool {
	return slices.Contains(grants[r], p)
}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	_, ok := grants[r]
	return ok
}

// ParseRole reads a role name as operators type it ("data_officer" and
// "DataOfficer" are accepted for "data-officer").
func ParseRole(s string) (Role, error) {
	norm := strings.ToLower(strings.NewReplacer("_", "-", " ", "-").Replace(strings.TrimSpace(s)))
	if norm == "dataofficer" {
		norm = string(RoleDataOfficer)
	}
	if r := Role(norm); r.Valid() {
		return r, nil
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", fmt.Errorf("unknown role %q: want one of %s", s, strings.Join(names, ", "))
}
