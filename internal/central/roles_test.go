package central

import "testing"

// TestRoleGrants pins the whole rule: each role's permissions, nothing more.
func TestRoleGrants(t *testing.T) {
	all := []Permission{PermSession, PermViewCounts, PermModerate, PermPersonalData, PermDevices, PermOperators, PermAudit, PermAuthor, PermPublish}
	want := map[Role][]Permission{
		RoleViewer:      {PermSession, PermViewCounts},
		RoleModerator:   {PermSession, PermViewCounts, PermModerate, PermAuthor},
		RoleDataOfficer: {PermSession, PermViewCounts, PermPersonalData},
		RoleAdmin:       {PermSession, PermViewCounts, PermDevices, PermOperators, PermAudit, PermPublish},
		Role("root"):    nil,
		Role(""):        nil,
	}
	for role, perms := range want {
		for _, p := range all {
			wantCan := false
			for _, q := range perms {
				wantCan = wantCan || q == p
			}
			if got := role.Can(p); got != wantCan {
				t.Errorf("%q.Can(%q) = %v, want %v", role, p, got, wantCan)
			}
		}
	}
}

func TestParseRole(t *testing.T) {
	for in, want := range map[string]Role{"viewer": RoleViewer, "Admin": RoleAdmin, "data_officer": RoleDataOfficer, "data-officer": RoleDataOfficer, " moderator ": RoleModerator} {
		if got, err := ParseRole(in); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseRole("root"); err == nil {
		t.Error("ParseRole(root) succeeded")
	}
}
