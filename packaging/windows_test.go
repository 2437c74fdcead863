package packaging

import (
	"debug/pe"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestWindowsKioskIsAGUIExecutable builds the kiosk for Windows with
// scripts/windows.sh (or takes $VOCES_WINDOWS_EXE) and checks it is what a
// municipal Windows kiosk can run: a 64-bit GUI program (no console window
// behind the kiosk) that needs no DLL from the mingw toolchain.
func TestWindowsKioskIsAGUIExecutable(t *testing.T) {
	// The cold cross-build takes minutes; let the package tests run
	// meanwhile.
	t.Parallel()
	needTools(t, "file")
	exe := os.Getenv(envWindowsExe)
	if exe == "" {
		if testing.Short() {
			t.Skip("-short: a cold Windows build takes minutes")
		}
		needTools(t, "x86_64-w64-mingw32-gcc")
		needCommands(t, "kiosk")
		dir := filepath.Join(shared.tmp, "windows")
		start := time.Now()
		run(t, []string{"DIST=" + dir}, filepath.Join(repoRoot(t), "scripts", "windows.sh"))
		t.Logf("scripts/windows.sh took %s", time.Since(start).Round(time.Second))
		exe = filepath.Join(dir, "voces-kiosk.exe")
	}

	t.Run("file calls it a 64-bit GUI program for Windows", func(t *testing.T) {
		out := run(t, nil, "file", "-b", exe)
		for _, want := range []string{"PE32+ executable (GUI) x86-64", "for MS Windows"} {
			if !strings.Contains(out, want) {
				t.Errorf("file says %q, want it to contain %q", strings.TrimSpace(out), want)
			}
		}
	})

	f, err := pe.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	t.Run("its headers say amd64 and the GUI subsystem", func(t *testing.T) {
		if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
			t.Errorf("machine %#x, want amd64", f.Machine)
		}
		oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
		if !ok {
			t.Fatalf("optional header %T, want PE32+", f.OptionalHeader)
		}
		if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
			t.Errorf("subsystem %d, want %d (GUI)", oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
		}
	})

	// The mingw runtime DLLs (libgcc_s_seh-1.dll, libwinpthread-1.dll,
	// libstdc++-6.dll) are not on a stock Windows; the program must link
	// them statically or not at all.
	t.Run("imports only DLLs Windows has", func(t *testing.T) {
		// debug/pe's ImportedLibraries is a stub; the symbols name their
		// DLL ("CreateWindowExW:USER32.dll").
		syms, err := f.ImportedSymbols()
		if err != nil {
			t.Fatal(err)
		}
		var libs []string
		for _, s := range syms {
			if _, dll, ok := strings.Cut(s, ":"); ok && !slices.Contains(libs, dll) {
				libs = append(libs, dll)
			}
		}
		if len(libs) == 0 {
			t.Error("imports no DLL at all; not a cgo build")
		}
		for _, lib := range libs {
			if strings.HasPrefix(strings.ToLower(lib), "lib") {
				t.Errorf("imports %s from the mingw toolchain", lib)
			}
		}
		t.Logf("imports %v", libs)
	})
}
