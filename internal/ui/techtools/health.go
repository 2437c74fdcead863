package techtools

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/voces-cdmx/voces/internal/handoff"
	"github.com/voces-cdmx/voces/internal/i18n"
	"github.com/voces-cdmx/voces/internal/ui"
)

// health shows the device's state as syncd last recorded it.
type health struct {
	h    ui.TechHost
	opt  Options
	root *fyne.Container
	rows *fyne.Container // the facts, rebuilt on refresh
}

func newHealth(h ui.TechHost, opt Options) *health {
	s := &health{h: h, opt: opt, rows: container.NewVBox()}
	refresh := button(h, h.Lang().T("tool.refresh"), theme.ViewRefreshIcon(), s.refresh)
	s.root = container.NewBorder(nil, container.NewHBox(big(refresh)), nil, nil, scroll(s.rows))
	s.refresh()
	return s
}

func (s *health) refresh() {
	l := s.h.Lang()
	st, err := handoff.ReadStatus(context.Background(), s.h.Store())
	if err != nil {
		s.rows.Objects = []fyne.CanvasObject{para(l.F("tool.error", err))}
		s.rows.Refresh()
		return
	}
	now := s.opt.Now()
	oldest := l.T("tool.none")
	if st.OldestPending != nil {
		oldest = l.Ago(*st.OldestPending, now)
	}
	lastErr := l.T("tool.none")
	if st.LastError != "" {
		lastErr = st.LastError + " — " + when(l, st.LastErrorAt, now)
	}
	device := st.DeviceID
	if st.Name != "" {
		device += " (" + st.Name + ")"
	}
	rows := [][2]string{
		{l.T("tool.health.device"), device},
		{l.T("tool.health.mode"), st.Mode},
		{l.T("tool.health.server"), st.Server},
		{l.T("tool.health.campaign"), strconv.Itoa(st.CampaignVersion)},
		{l.T("tool.health.pending"), strconv.Itoa(st.Pending)},
		{l.T("tool.health.synced"), strconv.Itoa(st.Synced)},
		{l.T("tool.health.dead"), strconv.Itoa(st.Dead)},
		{l.T("tool.health.oldest"), oldest},
		{l.T("tool.health.success"), when(l, st.LastSuccess, now)},
		{l.T("tool.health.lasterror"), lastErr},
		{l.T("tool.health.next"), nextAttempt(l, st, now)},
		{l.T("tool.health.disk"), bytesText(st.FreeDisk)},
		{l.T("tool.health.versions"), s.opt.Versions},
	}
	if !st.Enrolled {
		rows = rows[:0]
		rows = append(rows, [2]string{l.T("tool.health.device"), l.T("tool.health.notenrolled")})
	}
	objs := []fyne.CanvasObject{form(rows...)}
	if st.Stopped != "" {
		m := para(l.F("tool.health.stopped", st.Stopped))
		m.Importance = widget.DangerImportance
		objs = append([]fyne.CanvasObject{m}, objs...)
	}
	s.rows.Objects = objs
	s.rows.Refresh()
}

// syncPollEvery is how often "sync now" looks at syncd's progress;
// syncWaitAtMost is when it stops looking.
const (
	syncPollEvery  = 500 * time.Millisecond
	syncWaitAtMost = 5 * time.Minute
)

// syncNow nudges syncd and shows the queue draining.
type syncNow struct {
	h     ui.TechHost
	opt   Options
	root  *fyne.Container
	start *widget.Button
	bar   *widget.ProgressBar
	state *widget.Label

	token    string    // the request being followed
	asked    time.Time // when
	pending0 int       // pending when asked
}

func newSyncNow(h ui.TechHost, opt Options) *syncNow {
	l := h.Lang()
	s := &syncNow{h: h, opt: opt, bar: widget.NewProgressBar(), state: para("")}
	s.bar.Hide()
	s.start = button(h, l.T("tool.sync.start"), theme.ViewRefreshIcon(), s.run)
	s.start.Importance = widget.HighImportance
	s.root = container.NewVBox(para(l.T("tool.sync.help")), big(s.start), s.bar, s.state)
	return s
}

// run asks and follows syncd's progress until it answers.
func (s *syncNow) run() {
	if !s.request() {
		return
	}
	go func() {
		t := time.NewTicker(syncPollEvery)
		defer t.Stop()
		for range t.C {
			finished := false
			fyne.DoAndWait(func() { finished = s.check() })
			if finished {
				return
			}
		}
	}()
}

// request writes the "sync now" request for syncd.
func (s *syncNow) request() bool {
	l := s.h.Lang()
	err := s.ask()
	if err != nil {
		s.state.SetText(l.F("tool.error", err))
		return false
	}
	s.asked = s.opt.Now()
	s.start.Disable()
	s.bar.SetValue(0)
	s.bar.Show()
	s.state.SetText(l.T("tool.sync.asked"))
	return true
}

func (s *syncNow) ask() error {
	store := s.h.Store()
	c, err := store.Counts(context.Background())
	if err != nil {
		return err
	}
	s.pending0 = c.Pending
	s.token, err = handoff.RequestSync(context.Background(), store)
	return err
}

// check updates the progress; true once syncd has answered or the wait
// is over.
func (s *syncNow) check() bool {
	l := s.h.Lang()
	store := s.h.Store()
	ctx := context.Background()
	st, err := handoff.ReadStatus(ctx, store)
	if err != nil {
		s.state.SetText(l.F("tool.error", err))
		s.start.Enable()
		return true
	}
	if s.pending0 > 0 {
		s.bar.SetValue(float64(max(s.pending0-st.Pending, 0)) / float64(s.pending0))
	}
	handled, err := handoff.SyncHandled(ctx, store, s.token)
	switch {
	case err == nil && handled:
		if st.Pending > 0 {
			s.state.SetText(l.F("tool.sync.partial", st.Pending, st.LastError))
		} else {
			s.bar.SetValue(1)
			s.state.SetText(l.F("tool.sync.done", st.Synced))
		}
		s.start.Enable()
		return true
	case s.opt.Now().Sub(s.asked) > syncWaitAtMost:
		s.state.SetText(l.T("tool.sync.quiet"))
		s.start.Enable()
		return true
	}
	s.state.SetText(l.N("tool.sync.pending", st.Pending))
	return false
}

// dead lists the records central refused: kind, time and reason only.
type dead struct {
	root *fyne.Container
	rows []string // one line per record, for tests
}

func newDead(h ui.TechHost, opt Options) *dead {
	l := h.Lang()
	s := &dead{}
	list, err := deadRows(h.Store())
	if err != nil {
		s.root = container.NewVBox(para(l.F("tool.error", err)))
		return s
	}
	box := container.NewVBox(para(l.N("tool.dead.count", len(list))))
	for _, d := range list {
		line := fmt.Sprintf("%s · %s %s · %s", l.T("kind."+d.kind), l.Date(d.at), l.Clock(d.at), d.reason)
		s.rows = append(s.rows, line)
		box.Add(para(line))
	}
	s.root = container.NewStack(scroll(box))
	return s
}

// deadRow is what the technician sees of a refused record.
type deadRow struct {
	kind   string
	at     time.Time
	reason string
}

// maxDead bounds the list; the count above it is exact.
const maxDead = 500

func deadRows(store ui.Store) ([]deadRow, error) {
	recs, err := store.DeadRecords(context.Background(), maxDead)
	if err != nil {
		return nil, err
	}
	out := make([]deadRow, 0, len(recs))
	for _, r := range recs {
		out = append(out, deadRow{kind: string(r.Kind), at: r.DeviceTime, reason: r.Reason})
	}
	return out, nil
}

// nextAttempt says when syncd tries next; with nothing scheduled it says
// why calmly: nothing is waiting, or syncd has not reported one yet.
func nextAttempt(l i18n.Lang, st *handoff.Status, now time.Time) string {
	switch {
	case st.NextAttempt != nil && !st.NextAttempt.IsZero():
		return when(l, st.NextAttempt, now)
	case st.Pending == 0:
		return l.T("tool.health.next.idle")
	}
	return l.T("tool.health.next.soon")
}
