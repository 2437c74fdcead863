package packaging

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// hostUnits is where this machine's systemd keeps its units; the scratch
// root gets a copy so that systemd-analyze finds multi-user.target and
// the rest of what the Voces units refer to.
const hostUnits = "/usr/lib/systemd"

// scratchRoot makes a folder dpkg can install into with --root: an empty
// package database, the accounts of a fresh Debian (root and the device
// groups), this machine's systemd units, and a stand-in for cage, which
// the kiosk unit starts and which the test does not install.
func scratchRoot(t *testing.T) string {
	t.Helper()
	needRoot(t)
	needTools(t, "dpkg", "useradd", "groupadd", "systemctl", "systemd-analyze", "cp")
	_, err := os.Stat(filepath.Join(hostUnits, "system", "multi-user.target"))
	need(t, err == nil, "systemd's unit files are not installed (%v)", err)

	root := t.TempDir()
	for _, d := range []string{"var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "var/log", "etc", "usr/bin", "usr/sbin", "usr/lib"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := []struct {
		path, content string
		mode          os.FileMode
	}{
		{"var/lib/dpkg/status", "", 0o644},
		{"var/lib/dpkg/available", "", 0o644},
		{"etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0o644},
		{"etc/group", "root:x:0:\nvideo:x:44:\ninput:x:101:\nrender:x:102:\n", 0o644},
		{"etc/shadow", "root:*:20000:0:99999:7:::\n", 0o640},
		{"etc/gshadow", "root:*::\nvideo:*::\ninput:!::\nrender:!::\n", 0o640},
		{"usr/bin/cage", "#!/bin/sh\nexit 0\n", 0o755},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(root, f.path), []byte(f.content), f.mode); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"system", "user"} {
		dst := filepath.Join(root, "usr/lib/systemd", d)
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		run(t, nil, "cp", "-a", filepath.Join(hostUnits, d)+"/.", dst)
	}
	return root
}

// dpkgIn runs dpkg on the scratch root. The maintainer scripts run on this
// machine (--force-script-chrootless) with DPKG_ROOT set, which they
// honour; --force-depends because the scratch root has none of the
// dependencies.
func dpkgIn(t *testing.T, root string, args ...string) string {
	t.Helper()
	base := []string{"--root=" + root, "--force-script-chrootless", "--force-depends", "--force-unsafe-io"}
	return run(t, nil, "dpkg", append(base, args...)...)
}

// account is one line of a passwd or group file.
func account(t *testing.T, file, name string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Split(line, ":"); f[0] == name {
			if found != nil {
				t.Errorf("%s lists %s twice", file, name)
			}
			found = f
		}
	}
	return found
}

// enableLinks are what `systemctl enable` makes for each unit, from the
// units' [Install] sections.
var enableLinks = map[string]string{
	"voces-syncd.service":   "etc/systemd/system/multi-user.target.wants/voces-syncd.service",
	"voces-kiosk.service":   "etc/systemd/system/graphical.target.wants/voces-kiosk.service",
	"voces-central.service": "etc/systemd/system/multi-user.target.wants/voces-central.service",
}

func checkEnabled(t *testing.T, root string, want map[string]bool) {
	t.Helper()
	for unit, on := range want {
		target, err := os.Readlink(filepath.Join(root, enableLinks[unit]))
		switch {
		case on && err != nil:
			t.Errorf("%s is not enabled: %v", unit, err)
		case on && target != "/usr/lib/systemd/system/"+unit:
			t.Errorf("%s enabled through %s", unit, target)
		case !on && err == nil:
			t.Errorf("%s is enabled", unit)
		}
	}
}

func installBoth(t *testing.T, root string) {
	t.Helper()
	dpkgIn(t, root, "-i", debPath(t, "voces-device"), debPath(t, "voces-server"))
}

func TestInstallIntoScratchRoot(t *testing.T) {
	root := scratchRoot(t)
	hostPasswd, _ := os.ReadFile("/etc/passwd")
	hostGroup, _ := os.ReadFile("/etc/group")
	installBoth(t, root)

	t.Run("creates the voces system user and group", func(t *testing.T) {
		u := account(t, filepath.Join(root, "etc/passwd"), "voces")
		g := account(t, filepath.Join(root, "etc/group"), "voces")
		if u == nil || g == nil {
			t.Fatalf("no voces user (%v) or group (%v)", u, g)
		}
		if uid, _ := strconv.Atoi(u[2]); uid == 0 || uid >= 1000 {
			t.Errorf("uid %d is not a system uid", uid)
		}
		if u[3] != g[2] {
			t.Errorf("user's gid %s, group's %s", u[3], g[2])
		}
		if u[5] != "/var/lib/voces" || u[6] != "/usr/sbin/nologin" {
			t.Errorf("home %s, shell %s; want /var/lib/voces, /usr/sbin/nologin", u[5], u[6])
		}
	})

	t.Run("creates /var/lib/voces, 0700, owned by voces", func(t *testing.T) {
		checkStateDir(t, root)
	})

	t.Run("leaves this machine's accounts alone", func(t *testing.T) {
		p, _ := os.ReadFile("/etc/passwd")
		g, _ := os.ReadFile("/etc/group")
		if !bytes.Equal(p, hostPasswd) || !bytes.Equal(g, hostGroup) {
			t.Error("/etc/passwd or /etc/group of this machine changed")
		}
	})

	t.Run("enables the services but not the per-user syncd", func(t *testing.T) {
		checkEnabled(t, root, map[string]bool{"voces-syncd.service": true, "voces-kiosk.service": true, "voces-central.service": true})
		if links, _ := filepath.Glob(filepath.Join(root, "etc/systemd/user/*/voces-*")); len(links) > 0 {
			t.Errorf("user units enabled for everyone: %v", links)
		}
	})

	// MANPATH: verify looks up each unit's Documentation= manual pages,
	// which are those the packages installed.
	manPath := "MANPATH=" + filepath.Join(root, "usr/share/man")
	t.Run("units pass systemd-analyze verify", func(t *testing.T) {
		for unit := range enableLinks {
			out, err := runErr(t, []string{manPath}, "systemd-analyze", "verify", "--root="+root, unit)
			if err != nil || aboutVoces(out) {
				t.Errorf("%s: %v\n%s", unit, err, out)
			}
		}
	})

	// systemd 252 cannot verify user units under --root, so this copy
	// points ExecStart at the installed binary; nothing else changes.
	t.Run("the per-user syncd unit passes systemd-analyze verify", func(t *testing.T) {
		installed := filepath.Join(root, "usr/lib/systemd/user/voces-syncd.service")
		data, err := os.ReadFile(installed)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		unit := filepath.Join(dir, "voces-syncd.service")
		text := strings.ReplaceAll(string(data), "/usr/bin/voces-syncd", filepath.Join(root, "usr/bin/voces-syncd"))
		if err := os.WriteFile(unit, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		// Short: the user manager puts socket paths under it, and those
		// have a length limit.
		runtimeDir, err := os.MkdirTemp("", "xrd")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(runtimeDir)
		out, err := runErr(t, []string{"XDG_RUNTIME_DIR=" + runtimeDir, manPath}, "systemd-analyze", "verify", "--user", unit)
		if err != nil || aboutVoces(out) {
			t.Errorf("%v\n%s", err, out)
		}
	})

	// systemd's own score of what a compromised service could do, 0 (none)
	// to 10; each unit says next to its settings what still costs points.
	t.Run("units are hardened", func(t *testing.T) {
		for unit := range enableLinks {
			out, _ := runErr(t, nil, "systemd-analyze", "security", "--offline=yes", "--root="+root, unit)
			checkExposure(t, unit, out)
		}
	})

	t.Run("the per-user syncd unit is hardened", func(t *testing.T) {
		runtimeDir, err := os.MkdirTemp("", "xrd")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(runtimeDir)
		unit := filepath.Join(root, "usr/lib/systemd/user/voces-syncd.service")
		out, _ := runErr(t, []string{"XDG_RUNTIME_DIR=" + runtimeDir}, "systemd-analyze", "security", "--offline=yes", "--user", unit)
		checkExposure(t, "user "+filepath.Base(unit), out)
	})
}

// maxExposure is the most systemd-analyze security may score any unit.
const maxExposure = 2.0

func checkExposure(t *testing.T, unit, out string) {
	t.Helper()
	score, ok := exposure(out)
	if !ok {
		t.Errorf("%s: no exposure level in\n%s", unit, out)
		return
	}
	t.Logf("%s exposure %.1f", unit, score)
	if score > maxExposure {
		t.Errorf("%s exposure %.1f, want at most %.1f:\n%s", unit, score, maxExposure, out)
	}
}

// aboutVoces reports whether systemd-analyze said anything about the
// Voces units. It may also complain about this machine's other units,
// which are not for these tests to judge.
func aboutVoces(out string) bool {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "voces") {
			return true
		}
	}
	return false
}

var exposureLine = regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`)

func exposure(out string) (float64, bool) {
	m := exposureLine.FindStringSubmatch(out)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, err == nil
}

func checkStateDir(t *testing.T, root string) {
	t.Helper()
	u := account(t, filepath.Join(root, "etc/passwd"), "voces")
	if u == nil {
		t.Fatal("no voces user")
	}
	info, err := os.Stat(filepath.Join(root, "var/lib/voces"))
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsDir() || info.Mode().Perm() != 0o700 {
		t.Errorf("/var/lib/voces mode %v, want a 0700 directory", info.Mode())
	}
	st := info.Sys().(*syscall.Stat_t)
	if strconv.Itoa(int(st.Uid)) != u[2] || strconv.Itoa(int(st.Gid)) != u[3] {
		t.Errorf("/var/lib/voces owned by %d:%d, want voces %s:%s", st.Uid, st.Gid, u[2], u[3])
	}
}

// records are files standing for what must survive any removal: a
// device's unsynced outbox and a server's keys and database.
var records = map[string]string{
	"var/lib/voces/outbox.db":           "sealed records not yet synced",
	"var/lib/voces/outbox.db-wal":       "the last commits",
	"var/lib/voces/central/sealing.key": "central's campaign key",
}

func writeRecords(t *testing.T, root string) {
	t.Helper()
	u := account(t, filepath.Join(root, "etc/passwd"), "voces")
	uid, _ := strconv.Atoi(u[2])
	gid, _ := strconv.Atoi(u[3])
	for path, content := range records {
		full := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(full, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
}

func checkRecords(t *testing.T, root string) {
	t.Helper()
	for path, content := range records {
		data, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Errorf("/%s is gone: %v", path, err)
			continue
		}
		if string(data) != content {
			t.Errorf("/%s changed: %q", path, data)
		}
	}
	checkStateDir(t, root)
}

func TestRemoveAndPurgeKeepRecords(t *testing.T) {
	root := scratchRoot(t)
	installBoth(t, root)
	writeRecords(t, root)
	all := map[string]bool{"voces-syncd.service": true, "voces-kiosk.service": true, "voces-central.service": true}

	dpkgIn(t, root, "--remove", "voces-device", "voces-server")
	t.Run("remove keeps the records and the enable links", func(t *testing.T) {
		checkRecords(t, root)
		for _, b := range []string{"usr/bin/voces-kiosk", "usr/bin/voces-syncd", "usr/bin/voces-central"} {
			if _, err := os.Stat(filepath.Join(root, b)); err == nil {
				t.Errorf("/%s is still there", b)
			}
		}
		checkEnabled(t, root, all)
	})

	dpkgIn(t, root, "--purge", "voces-device", "voces-server")
	t.Run("purge keeps the records and the voces user", func(t *testing.T) {
		checkRecords(t, root)
		for _, f := range []string{"etc/default/voces-kiosk", "etc/default/voces-central"} {
			if _, err := os.Stat(filepath.Join(root, f)); err == nil {
				t.Errorf("/%s survived purge", f)
			}
		}
		checkEnabled(t, root, map[string]bool{"voces-syncd.service": false, "voces-kiosk.service": false, "voces-central.service": false})
	})

	installBoth(t, root)
	t.Run("installing again finds the records and enables the services", func(t *testing.T) {
		checkRecords(t, root)
		checkEnabled(t, root, all)
	})
}

// An administrator who turns the kiosk session off (a canvasser's laptop
// that keeps its desktop) must not find it back on after an upgrade.
func TestUpgradeKeepsTheAdministratorsChoice(t *testing.T) {
	root := scratchRoot(t)
	installBoth(t, root)
	writeRecords(t, root)
	uid := account(t, filepath.Join(root, "etc/passwd"), "voces")[2]
	run(t, nil, "systemctl", "--root="+root, "disable", "voces-kiosk.service")

	// Installing the same version again runs postinst as an upgrade does:
	// configure with the previously configured version.
	installBoth(t, root)
	checkEnabled(t, root, map[string]bool{"voces-syncd.service": true, "voces-kiosk.service": false, "voces-central.service": true})
	checkRecords(t, root)
	if got := account(t, filepath.Join(root, "etc/passwd"), "voces")[2]; got != uid {
		t.Errorf("voces uid changed from %s to %s", uid, got)
	}
}
