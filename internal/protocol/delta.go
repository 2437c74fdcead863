package protocol

import (
	"errors"
	"fmt"

	"github.com/centrifugal/fdelta"
)

// ErrBadDelta means a campaign delta does not apply to the content it was
// meant for: it is damaged, or the content it was applied to is.
var ErrBadDelta = errors.New("campaign delta does not apply")

// MakeDelta encodes how to turn from into to. Campaign content is
// deterministic indented JSON (campaign.Marshal), so a version that adds
// one proposal differs from the one before by that proposal's lines and
// the version number, and the delta is about that size.
func MakeDelta(from, to []byte) []byte { return fdelta.Create(from, to) }

// ApplyDelta assembles the content a delta describes. The delta's own
// checksum catches most damage; the caller must still verify central's
// signature over the result, which is what makes it trustworthy.
func ApplyDelta(from, delta []byte) ([]byte, error) {
	n, err := fdelta.OutputSize(delta)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadDelta, err)
	}
	if n > MaxCampaignDocument {
		return nil, fmt.Errorf("%w: it would make %d bytes; the limit is %d", ErrBadDelta, n, MaxCampaignDocument)
	}
	out, err := fdelta.Apply(from, delta)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadDelta, err)
	}
	return out, nil
}
