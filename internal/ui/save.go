package ui

import (
	"context"
	"errors"

	"github.com/voces-cdmx/voces/internal/outbox"
	"github.com/voces-cdmx/voces/internal/record"
)

// save is the one way a flow's draft becomes a record. The steps checked
// each answer as it was given (the signature at the pad); record.Build,
// inside the outbox's Append, is the last guard, and a draft it refuses
// comes back as an error for the person's screen (explain.go makes the
// sentence). Anything else is the device's problem: the record stays in
// memory and the out-of-service screen keeps trying, and the person is
// never told it was saved until the outbox says so. Once stored, or
// refused as a duplicate, the flow ends.
func (k *Kiosk) save(f *flow) error {
	if f.submitEach != nil {
		return k.saveEach(f)
	}
	d, err := f.submit()
	if err != nil {
		return err
	}
	r, err := k.store.Append(context.Background(), d, k.camp)
	switch {
	case err == nil:
		f.stored(r)
	case errors.Is(err, record.ErrRefused):
		return err
	case errors.Is(err, outbox.ErrDuplicate):
		f.refused()
	default:
		// Only the kind: the error of a failed write carries no personal
		// data, but the draft does.
		k.log.Error("save record", "kind", d.Kind, "err", err)
		k.waitOutOfService(d, f.stored, f.refused)
	}
	return nil
}

// saveEach saves the records of a submitEach flow one after another. A
// refusal before any is stored comes back to the person's screen; a
// duplicate is noted and the next one saved; a device failure waits out
// of service with the record it failed on, and goes on with the rest once
// that one is saved.
func (k *Kiosk) saveEach(f *flow) error {
	ds, err := f.submitEach()
	if err != nil {
		return err
	}
	var stored []*record.Record
	var dups []string
	var from func(i int) error
	from = func(i int) error {
		for ; i < len(ds); i++ {
			d := ds[i]
			r, err := k.store.Append(context.Background(), d, k.camp)
			switch {
			case err == nil:
				stored = append(stored, r)
			case errors.Is(err, outbox.ErrDuplicate):
				dups = append(dups, d.SubjectID)
			case errors.Is(err, record.ErrRefused) && len(stored) == 0 && len(dups) == 0:
				return err
			case errors.Is(err, record.ErrRefused):
				// The same signer on a proposal that takes none now (it
				// closed in a campaign update); the others are kept.
				k.log.Error("record refused after others were saved", "kind", d.Kind, "err", err)
			default:
				k.log.Error("save record", "kind", d.Kind, "err", err)
				next := i + 1
				k.waitOutOfService(d,
					func(r *record.Record) { stored = append(stored, r); k.afterWait(from(next)) },
					func() { dups = append(dups, d.SubjectID); k.afterWait(from(next)) })
				return nil
			}
		}
		f.storedEach(stored, dups)
		return nil
	}
	return from(0)
}

// afterWait handles an error of saving the rest of a flow's records after
// a wait out of service: the person's screen is gone, so, as retrySave
// does for a refusal, the kiosk forgets.
func (k *Kiosk) afterWait(err error) {
	if err != nil {
		k.log.Error("record refused after waiting out of service", "err", err)
		k.forget()
	}
}

// waitOutOfService keeps d in memory on the out-of-service screen, which
// tries to save it again every few seconds, and then calls saved or, for
// a person who had already signed, duplicate.
func (k *Kiosk) waitOutOfService(d *record.Draft, saved func(*record.Record), duplicate func()) {
	k.pending, k.pendingSaved, k.pendingDuplicate = d, saved, duplicate
	k.show(&outOfServiceScreen{k: k})
}

// retrySave tries the waiting record again, and ends its flow once the
// outbox takes it or refuses it as a duplicate.
func (k *Kiosk) retrySave() {
	d := k.pending
	r, err := k.store.Append(context.Background(), d, k.camp)
	switch {
	case err == nil:
		saved := k.pendingSaved
		k.pending, k.pendingSaved, k.pendingDuplicate = nil, nil, nil
		saved(r)
	case errors.Is(err, outbox.ErrDuplicate):
		duplicate := k.pendingDuplicate
		k.pending, k.pendingSaved, k.pendingDuplicate = nil, nil, nil
		duplicate()
	case errors.Is(err, record.ErrRefused):
		// The outbox failed before it could check the record, and the
		// check refuses it now: trying again would never end. The steps
		// checked every answer, so only a bug gets here; rather than wait
		// for ever, the kiosk forgets the draft and starts afresh.
		k.log.Error("record refused after waiting out of service", "kind", d.Kind, "err", err)
		k.forget()
	default:
		k.log.Warn("save record again", "kind", d.Kind, "err", err)
	}
}

// dropPending forgets a record still waiting to be saved.
func (k *Kiosk) dropPending() {
	if k.pending != nil {
		k.pending.Body = record.Body{}
		k.pending, k.pendingSaved, k.pendingDuplicate = nil, nil, nil
	}
}

// showReceipt shows the receipt of a stored record, for its full time also
// when it comes after a long wait out of service.
func (k *Kiosk) showReceipt(r *record.Record) {
	k.sess.receipt = record.ReceiptCode(r.ID)
	k.Touch()
	k.show(&savedScreen{k: k, rec: r.Kind})
}
