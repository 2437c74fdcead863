package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// measure prints how long the process took to paint its first frame and
// how much memory it holds, and quits. The clock starts when the kernel
// started the process, so Go and cgo start-up, the GL context, font
// loading and opening the outbox all count. painted is closed when the GL
// painter first draws the kiosk (ui.Config.OnFirstFrame).
func (m *Main) measure(painted <-chan struct{}, a fyne.App) {
	<-painted
	took, err := processAge()
	if err != nil {
		fmt.Fprintln(m.Stdout, "measure:", err)
		fyne.Do(a.Quit)
		return
	}
	rss, peak := memory()
	goMB, heapMB := goMemory()
	fmt.Fprintf(m.Stdout, "startup: %d ms from process start to the first painted frame of the attract screen\n", took.Milliseconds())
	fmt.Fprintf(m.Stdout, "memory at first frame: RSS %.1f MB (peak %.1f MB); Go holds %.1f MB, heap in use %.1f MB\n", rss, peak, goMB, heapMB)
	// Then as it idles at attract, once start-up garbage is returned.
	time.Sleep(settle)
	rss, peak = memory()
	goMB, heapMB = goMemory()
	fmt.Fprintf(m.Stdout, "memory %v later, idle at attract: RSS %.1f MB (peak %.1f MB); Go holds %.1f MB, heap in use %.1f MB\n",
		settle, rss, peak, goMB, heapMB)
	// Much of the RSS under Xvfb is shared libraries (Mesa's software GL
	// maps LLVM) that every process using them shares: say how much is
	// the kiosk's own.
	anon, file := residentParts()
	fmt.Fprintf(m.Stdout, "of which anonymous (the kiosk's own) %.1f MB, file-backed (libraries, fonts) %.1f MB\n", anon, file)
	fyne.Do(a.Quit)
}

// processAge is how long ago the kernel started this process: the system
// uptime less the process's start time after boot, both from /proc, both
// in hundredths of a second.
func processAge() (time.Duration, error) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, fmt.Errorf("process age: %w", err)
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces; starttime is field 22, the 20th after ")".
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 20 {
		return 0, fmt.Errorf("process age: short /proc/self/stat")
	}
	ticks, err := strconv.ParseInt(fields[19], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("process age: %w", err)
	}
	up, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0, fmt.Errorf("process age: %w", err)
	}
	f := strings.Fields(string(up))
	if len(f) == 0 {
		return 0, fmt.Errorf("process age: empty /proc/uptime")
	}
	uptime, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0, fmt.Errorf("process age: %w", err)
	}
	// Linux reports start times in USER_HZ, 100 on every mainstream build.
	const userHZ = 100
	return time.Duration((uptime - float64(ticks)/userHZ) * float64(time.Second)), nil
}

// settle is how long after the first frame the idle memory is read.
const settle = 3 * time.Second

// goMemory returns what the Go runtime holds from the system and the live
// heap, in MB.
func goMemory() (held, heap float64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.Sys-ms.HeapReleased) / (1 << 20), float64(ms.HeapInuse) / (1 << 20)
}

// memory returns the resident set size and its peak, in MB.
func memory() (rss, peak float64) {
	return statusMB("VmRSS"), statusMB("VmHWM")
}

// residentParts splits the resident set into anonymous memory and
// file-backed pages, in MB.
func residentParts() (anon, file float64) {
	return statusMB("RssAnon"), statusMB("RssFile") + statusMB("RssShmem")
}

// statusMB reads one "kB" line of /proc/self/status, in MB.
func statusMB(key string) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	kb := func(key string) float64 {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, key+":"); ok {
				n, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
				return n / 1024
			}
		}
		return 0
	}
	return kb(key)
}
