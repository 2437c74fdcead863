package techtools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/bundle"
	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/ui"
	"github.com/voces-cdmx/voces/internal/ui/widgets"
)

// lastBundle is what handoff.SettingLastBundle holds.
type lastBundle struct {
	Path    string `json:"path"`
	Records int    `json:"records"`
	LastSeq uint64 `json:"last_seq"`
}

// mediaRoots are where removable media are mounted.
var mediaRoots = []string{"/media", "/run/media"}

// exportDirs lists mounted media (up to /run/media/USER/LABEL) and the
// configured directories.
func exportDirs(extra []string) []string {
	var out []string
	for _, root := range mediaRoots {
		for _, pattern := range []string{"*", "*/*"} {
			m, _ := filepath.Glob(filepath.Join(root, pattern))
			for _, d := range m {
				if fi, err := os.Stat(d); err == nil && fi.IsDir() && !hasSubdirs(d, root) {
					out = append(out, d)
				}
			}
		}
	}
	slices.Sort(out)
	return append(slices.Compact(out), extra...)
}

// hasSubdirs tells a user directory (/media/USER) from a mounted stick
// under it: only /media/USER with directories inside is skipped.
func hasSubdirs(d, root string) bool {
	if filepath.Dir(d) != root {
		return false
	}
	entries, err := os.ReadDir(d)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.IsDir() {
			return true
		}
	}
	return false
}

// export writes a bundle of every pending record to a chosen directory.
type export struct {
	h     ui.TechHost
	opt   Options
	root  *fyne.Container
	dirs  []string
	tiles []*widgets.Tile
	dir   string // chosen
	start *widget.Button
	bar   *widget.ProgressBar
	state *widget.Label
}

func newExport(h ui.TechHost, opt Options) *export {
	l := h.Lang()
	s := &export{h: h, opt: opt, bar: widget.NewProgressBar(), state: para("")}
	s.bar.Hide()
	s.dirs = exportDirs(opt.ExportDirs)
	list := container.NewVBox()
	for _, d := range s.dirs {
		dir := d
		var t *widgets.Tile
		t = widgets.NewTile(filepath.Base(dir), dir, widgets.Radio, func() {
			h.Touch()
			s.dir = dir
			for _, o := range s.tiles {
				o.SetSelected(o == t)
			}
			s.start.Enable()
		})
		s.tiles = append(s.tiles, t)
		list.Add(t)
	}
	if len(s.dirs) == 0 {
		list.Add(para(l.T("tool.export.nomedia")))
	}
	s.start = button(h, l.T("tool.export.start"), theme.DocumentSaveIcon(), func() { go s.run(s.dir) })
	s.start.Importance = widget.HighImportance
	s.start.Disable()
	again := button(h, l.T("tool.export.again"), theme.ViewRefreshIcon(), func() {
		s.root.Objects = newExport(h, opt).root.Objects
		s.root.Refresh()
	})
	s.root = container.NewBorder(para(l.T("tool.export.help")),
		container.NewVBox(s.bar, s.state, container.NewHBox(big(s.start), big(again))), nil, nil, scroll(list))
	return s
}

// run exports from a goroutine, reporting on the UI thread.
func (s *export) run(dir string) {
	fyne.Do(func() {
		s.start.Disable()
		s.bar.SetValue(0)
		s.bar.Show()
	})
	path, hdr, err := writeBundle(s.h, dir, s.opt, func(done, total int) {
		fyne.Do(func() { s.bar.SetValue(float64(done) / float64(max(total, 1))) })
	})
	fyne.Do(func() { s.finish(path, hdr, err) })
}

func (s *export) finish(path string, hdr *bundle.Header, err error) {
	l := s.h.Lang()
	s.start.Enable()
	if err != nil {
		s.state.Importance = widget.DangerImportance
		s.state.SetText(l.F("tool.export.failed", err))
		return
	}
	s.bar.SetValue(1)
	s.state.Importance = widget.SuccessImportance
	s.state.SetText(l.N("tool.export.done", hdr.Records, filepath.Base(path)))
}

// writeBundle exports every pending record to a new file in dir and
// remembers it for the wipe tool.
func writeBundle(h ui.TechHost, dir string, opt Options, progress func(done, total int)) (string, *bundle.Header, error) {
	store := h.Store()
	if dir == "" {
		return "", nil, errors.New("no directory chosen")
	}
	ctx := context.Background()
	id, err := store.Identity(ctx)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("voces-%s-%s.bundle", strings.ReplaceAll(id.DeviceID, string(filepath.Separator), "_"), opt.Now().UTC().Format("20060102-150405"))
	path := filepath.Join(dir, name)
	hdr, err := bundle.Export(ctx, store, path, progress)
	if err != nil {
		return "", nil, err
	}
	// Verify what landed on the stick before relying on it for a wipe.
	if _, err := bundle.Open(path, nil); err != nil {
		return "", nil, fmt.Errorf("check the written bundle: %w", err)
	}
	js, _ := json.Marshal(lastBundle{Path: path, Records: hdr.Records, LastSeq: hdr.LastSeq})
	if err := store.SetSetting(ctx, handoff.SettingLastBundle, string(js)); err != nil {
		return "", nil, err
	}
	return path, hdr, nil
}

// wipeState is whether the device may be wiped.
type wipeState struct {
	pending   int
	covered   bool   // every pending record is in the last bundle
	bundle    string // that bundle's path
	allowed   bool
	reasonKey string // message id saying why (not)
}

// checkWipe decides whether wiping loses nothing: nothing pending, or
// every pending record in a bundle written from this menu.
func checkWipe(ctx context.Context, store ui.Store) (wipeState, error) {
	var st wipeState
	var maxSeq uint64
	err := store.EachPending(ctx, func(p outbox.Pending) error {
		st.pending++
		maxSeq = max(maxSeq, p.Seq)
		return nil
	})
	if err != nil {
		return st, err
	}
	raw, err := store.Setting(ctx, handoff.SettingLastBundle, "")
	if err != nil {
		return st, err
	}
	var lb lastBundle
	if raw != "" && json.Unmarshal([]byte(raw), &lb) == nil {
		st.bundle = lb.Path
		st.covered = st.pending > 0 && maxSeq <= lb.LastSeq
	}
	switch {
	case st.pending == 0:
		st.allowed, st.reasonKey = true, "tool.wipe.nothing"
	case st.covered:
		st.allowed, st.reasonKey = true, "tool.wipe.covered"
	default:
		st.reasonKey = "tool.wipe.pending"
	}
	return st, nil
}

// wipeOutbox erases the device (outbox.Wipe), allowing pending records only
// when they are all in the last bundle, up to allowedUpTo.
func wipeOutbox(ctx context.Context, store ui.Store, allowedUpTo uint64, anyPending bool) error {
	if !anyPending {
		allowedUpTo = 0
	}
	return store.Wipe(ctx, allowedUpTo)
}

// wipe erases the device after two confirmations.
type wipe struct {
	h       ui.TechHost
	root    *fyne.Container
	state   wipeState
	info    *widget.Label
	msg     *widget.Label
	first   *widget.Button // "wipe device"
	confirm *widget.Button // "yes, erase everything"
	cancel  *widget.Button
	step    int // confirmations given
}

func newWipe(h ui.TechHost, opt Options) *wipe {
	l := h.Lang()
	s := &wipe{h: h, info: para(""), msg: para("")}
	s.first = button(h, l.T("tool.wipe.start"), theme.DeleteIcon(), s.ask)
	s.first.Importance = widget.DangerImportance
	s.confirm = button(h, "", theme.DeleteIcon(), s.ask)
	s.confirm.Importance = widget.DangerImportance
	s.confirm.Hide()
	s.cancel = button(h, l.T("tool.wipe.cancel"), theme.CancelIcon(), s.reset)
	s.cancel.Hide()
	s.root = container.NewVBox(para(l.T("tool.wipe.help")), s.info, s.msg,
		container.NewHBox(big(s.first), big(s.confirm), big(s.cancel)))
	s.reset()
	return s
}

func (s *wipe) reset() {
	l := s.h.Lang()
	s.step = 0
	s.confirm.Hide()
	s.cancel.Hide()
	s.first.Show()
	s.msg.SetText("")
	var err error
	s.state, err = checkWipe(context.Background(), s.h.Store())
	if err != nil {
		s.info.SetText(l.F("tool.error", err))
		s.first.Disable()
		return
	}
	switch s.state.reasonKey {
	case "tool.wipe.covered":
		s.info.SetText(l.F(s.state.reasonKey, s.state.pending, filepath.Base(s.state.bundle)))
	case "tool.wipe.pending":
		s.info.SetText(l.F(s.state.reasonKey, s.state.pending))
	default:
		s.info.SetText(l.T(s.state.reasonKey))
	}
	if s.state.allowed {
		s.first.Enable()
	} else {
		s.first.Disable()
	}
}

// ask takes one confirmation; the second wipes.
func (s *wipe) ask() {
	l := s.h.Lang()
	s.step++
	switch s.step {
	case 1:
		s.first.Hide()
		s.confirm.SetText(l.T("tool.wipe.confirm1"))
		s.confirm.Show()
		s.cancel.Show()
		s.msg.SetText(l.T("tool.wipe.sure1"))
	case 2:
		s.confirm.SetText(l.T("tool.wipe.confirm2"))
		s.msg.SetText(l.T("tool.wipe.sure2"))
	default:
		s.run()
	}
}

func (s *wipe) run() {
	l := s.h.Lang()
	store := s.h.Store()
	var lb lastBundle
	raw, _ := store.Setting(context.Background(), handoff.SettingLastBundle, "")
	json.Unmarshal([]byte(raw), &lb)
	if err := wipeOutbox(context.Background(), store, lb.LastSeq, s.state.covered); err != nil {
		s.reset()
		s.msg.Importance = widget.DangerImportance
		s.msg.SetText(l.F("tool.error", err))
		return
	}
	// The device has no identity now: the kiosk opens the setup wizard.
	s.h.Reload()
}
