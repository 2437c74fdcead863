package central

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ARCO request kinds central records (access and cancellation are acted on
// at once through the ARCO desk).
const (
	RequestRectification = "rectification"
	RequestOpposition    = "opposition"
)

// AnswerBusinessDays is the legal answer period assumed for ARCO requests:
// 20 business days from receipt (LGPDPPSO, as understood when this was
// written; the operator guide says it must be checked against the current
// text). Public holidays are not known to central and are not skipped.
const AnswerBusinessDays = 20

// Audit actions of ARCO requests.
const (
	AuditARCORequest = "arco-request"
	AuditARCOAnswer  = "arco-answer"
)

// ErrInvalidRequest is RecordARCORequest's and AnswerARCO's answer to what
// an officer typed wrong.
var ErrInvalidRequest = errors.New("invalid ARCO request")

// ARCORequest is a rectification or opposition request and its answer.
type ARCORequest struct {
	ID         int64
	Kind       string    // RequestRectification or RequestOpposition
	Folio      string    // the office's reference, never the person's name
	ReceivedAt time.Time // the day it was received
	DueAt      time.Time // the legal answer deadline (DueDate)
	AnsweredAt time.Time // zero while open
	Answer     string
	AnsweredBy string
}

// ARCORequestStore keeps ARCO requests.
type ARCORequestStore interface {
	// CreateARCORequest stores a request and returns its id.
	CreateARCORequest(ctx context.Context, r ARCORequest) (int64, error)
	// ARCORequests lists requests, open ones first, by deadline.
	ARCORequests(ctx context.Context) ([]ARCORequest, error)
	// AnswerARCORequest records the answer to an open request;
	// ErrNotFound when there is no such open request.
	AnswerARCORequest(ctx context.Context, id int64, answer, by string, at time.Time) error
}

// DueDate is received plus AnswerBusinessDays Monday-to-Friday days, in
// loc's calendar.
func DueDate(received time.Time, loc *time.Location) time.Time {
	d := received.In(loc)
	for n := 0; n < AnswerBusinessDays; {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return d
}

// RecordARCORequest checks and stores a request received at received, with
// its deadline, and audits it.
func RecordARCORequest(ctx context.Context, store ARCORequestStore, audit Auditor, actor, kind, folio string, received time.Time, loc *time.Location) (ARCORequest, error) {
	folio = strings.TrimSpace(folio)
	if kind != RequestRectification && kind != RequestOpposition {
		return ARCORequest{}, fmt.Errorf("%w: unknown kind %q", ErrInvalidRequest, kind)
	}
	if folio == "" || len(folio) > 64 {
		return ARCORequest{}, fmt.Errorf("%w: it needs the office's folio (up to 64 characters)", ErrInvalidRequest)
	}
	r := ARCORequest{Kind: kind, Folio: folio, ReceivedAt: received, DueAt: DueDate(received, loc)}
	id, err := store.CreateARCORequest(ctx, r)
	if err != nil {
		return r, err
	}
	r.ID = id
	return r, audit.Audit(ctx, actor, AuditARCORequest, map[string]string{"kind": kind, "folio": folio, "due": r.DueAt.Format("2006-01-02")})
}

// AnswerARCO records the answer to a request and audits it.
func AnswerARCO(ctx context.Context, store ARCORequestStore, audit Auditor, actor string, id int64, answer string, at time.Time) error {
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return fmt.Errorf("%w: an answer cannot be empty", ErrInvalidRequest)
	}
	if err := store.AnswerARCORequest(ctx, id, answer, actor, at); err != nil {
		return err
	}
	return audit.Audit(ctx, actor, AuditARCOAnswer, map[string]string{"request": fmt.Sprint(id)})
}
