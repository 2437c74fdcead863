package sqlitestore

import (
	"database/sql"
	"sync"
	"time"
)

// Checkpoints run on their own connection, after commits, at most every
// checkpointInterval. Left to SQLite, the commit that fills the WAL past
// the limit copies it into the database itself: under a hundred devices
// that is a 30 ms stall every second or so for whichever batches shared
// that commit, and the other core idles meanwhile. A background PASSIVE
// checkpoint never blocks the writer or readers; it copies what it can
// and the writer starts the WAL over once everything was copied.
const checkpointInterval = 200 * time.Millisecond

// fallbackCheckpointPages is the writer's own automatic checkpoint, kept
// as a backstop for a checkpointer that cannot keep up (80 MB of WAL).
const fallbackCheckpointPages = 20000

// CheckpointStats says what the background checkpointer has done.
type CheckpointStats struct {
	Runs    int       // checkpoints run
	Frames  int       // WAL frames they copied into the database
	LastRun time.Time // when the last one started
	LastErr error     // the last error, nil once a checkpoint succeeds again
}

type checkpointer struct {
	db       *sql.DB // one connection, used only here
	kick     chan struct{}
	quit     chan struct{} // closed by stop
	stopOnce sync.Once
	done     chan struct{}

	mu    sync.Mutex
	stats CheckpointStats
	ran   chan struct{} // closed and replaced after every run, for waiters
}

func newCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}), ran: make(chan struct{})}
	go c.run()
	return c
}

// committed tells the checkpointer the WAL has grown. It never blocks.
func (c *checkpointer) committed() {
	if c == nil { // still opening: migrations
		return
	}
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	var last time.Time
	for {
		select {
		case <-c.kick:
		case <-c.quit:
			return
		}
		if wait := checkpointInterval - time.Since(last); wait > 0 {
			// Let commits accumulate: one checkpoint copies a page
			// once however many commits changed it meanwhile.
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-c.quit:
				t.Stop()
				return // closing: SQLite checkpoints as the last connection closes
			}
		}
		last = time.Now()
		var busy, log, copied int
		err := c.db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &copied)
		c.mu.Lock()
		c.stats.Runs++
		c.stats.LastRun = last
		c.stats.LastErr = err
		if err == nil {
			c.stats.Frames += max(copied, 0)
		}
		close(c.ran)
		c.ran = make(chan struct{})
		c.mu.Unlock()
	}
}

// stop ends the goroutine after any checkpoint under way.
func (c *checkpointer) stop() {
	c.stopOnce.Do(func() { close(c.quit) })
	<-c.done
}

func (c *checkpointer) snapshot() (CheckpointStats, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats, c.ran
}
