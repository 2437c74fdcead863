package central

import (
	"cmp"
	"context"

	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/record"
)

// Survey answer keys, as AggregateSurveys takes them: the prefix says which
// map of QuestionTally the rest of the key counts in.
const (
	SurveyOptionPrefix = "option:" // QuestionTally.Options: an option or alcaldía id
	SurveyValuePrefix  = "value:"  // QuestionTally.Values: a scale point or a rounded number
)

// SurveyBucket names of the maps in QuestionTally, as stores file them.
const (
	SurveyBucketOptions = "options"
	SurveyBucketValues  = "values"
)

// SplitSurveyKey returns the QuestionTally map a key counts in
// (SurveyBucketOptions or SurveyBucketValues) and the key within it. A key
// without a known prefix is an option.
func SplitSurveyKey(key string) (bucket, k string) {
	if v, ok := strings.CutPrefix(key, SurveyValuePrefix); ok {
		return SurveyBucketValues, v
	}
	if o, ok := strings.CutPrefix(key, SurveyOptionPrefix); ok {
		return SurveyBucketOptions, o
	}
	return SurveyBucketOptions, key
}

// SurveyKeys turns one response's answers into what AggregateSurveys files:
// an entry per answered question of the survey, holding the keys it counts
// under. Free text is only counted as answered; questions the survey does
// not have, and skipped ones, are left out.
func SurveyKeys(s *campaign.Survey, answers campaign.Answers) map[string][]string {
	out := make(map[string][]string, len(answers))
	for i := range s.Questions {
		q := &s.Questions[i]
		a, ok := answers[q.ID]
		if !ok || a.IsZero() {
			continue
		}
		keys := []string{}
		switch q.Type {
		case campaign.TypeSingle, campaign.TypeAlcaldia:
			keys = append(keys, SurveyOptionPrefix+a.Choice)
		case campaign.TypeMultiple:
			for _, c := range a.Choices {
				keys = append(keys, SurveyOptionPrefix+c)
			}
		case campaign.TypeScale, campaign.TypeNumber:
			if a.Number != nil {
				keys = append(keys, SurveyValuePrefix+strconv.FormatFloat(math.Round(*a.Number), 'f', 0, 64))
			}
		case campaign.TypeText:
			if strings.TrimSpace(a.Text) == "" {
				continue
			}
		}
		out[q.ID] = keys
	}
	return out
}

// SurveyCount is one counter row of aggregated survey answers: Bucket ""
// and Key "" count the responses that answered Question.
type SurveyCount struct {
	Question, Bucket, Key string
	N                     int64
}

// SurveyCounts flattens responses' answers (as SurveyKeys makes them) into
// counter rows, summed, in key order: an "answered" row per question and a
// row per key. Stores write these in the transaction that marks the
// responses aggregated.
func SurveyCounts(responses ...map[string][]string) []SurveyCount {
	m := map[SurveyCount]int64{}
	for _, answers := range responses {
		for q, keys := range answers {
			m[SurveyCount{Question: q}]++
			for _, k := range keys {
				bucket, key := SplitSurveyKey(k)
				m[SurveyCount{Question: q, Bucket: bucket, Key: key}]++
			}
		}
	}
	out := make([]SurveyCount, 0, len(m))
	for c, n := range m {
		c.N = n
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b SurveyCount) int {
		return cmp.Or(strings.Compare(a.Question, b.Question), strings.Compare(a.Bucket, b.Bucket), strings.Compare(a.Key, b.Key))
	})
	return out
}

// SurveyBatch is how many records AggregateSurveys opens per store read.
const SurveyBatch = 500

// AggregateSurveys opens the survey responses not yet aggregated with the
// campaign key pair and files their answers, up to SurveyBatch records per
// transaction, until none is left. survey returns the survey of a campaign
// version (nil if unknown). A record whose body does not open or whose
// version is unknown is left unaggregated and counted in skipped; it is
// retried on the next run, since a key or a version may arrive later. n is
// the number of records aggregated.
func AggregateSurveys(ctx context.Context, store SurveyAggregator, pub, priv *[32]byte, survey func(version int) *campaign.Survey) (n, skipped int, err error) {
	opener, err := record.NewOpener(pub, priv)
	if err != nil {
		return 0, 0, fmt.Errorf("aggregate surveys: %w", err)
	}
	seen := map[[16]byte]bool{}
	for {
		recs, err := store.UnaggregatedSurveys(ctx, SurveyBatch+len(seen))
		if err != nil {
			return n, skipped, fmt.Errorf("aggregate surveys: %w", err)
		}
		var batch []SurveyAnswers
		progress := false
		for _, sr := range recs {
			if seen[sr.ID] {
				continue
			}
			progress = true
			keys, ok := openSurvey(sr, opener, survey)
			if !ok {
				seen[sr.ID] = true
				skipped++
				continue
			}
			batch = append(batch, SurveyAnswers{RecordID: sr.ID, Answers: keys})
		}
		if len(batch) > 0 {
			// One transaction for the lot: on SQLite each is an fsync on
			// the connection the uploads' group commits need.
			done, err := store.AggregateSurveys(ctx, batch)
			if err != nil {
				return n, skipped, fmt.Errorf("aggregate surveys: %w", err)
			}
			n += done
		}
		if !progress {
			return n, skipped, nil
		}
	}
}

func openSurvey(sr StoredRecord, opener *record.Opener, survey func(int) *campaign.Survey) (map[string][]string, bool) {
	r, err := record.Unmarshal(sr.Data)
	if err != nil {
		return nil, false
	}
	s := survey(r.CampaignVersion)
	if s == nil {
		return nil, false
	}
	b, err := opener.Open(r.Body)
	if err != nil {
		return nil, false
	}
	return SurveyKeys(s, b.Answers), true
}

// DefaultSurveyInterval is how often RunSurveys looks for new responses.
const DefaultSurveyInterval = 30 * time.Second

// SurveyStore is what the survey worker needs: campaign versions to know
// each response's questions, and the aggregates.
type SurveyStore interface {
	Campaigns(ctx context.Context) ([]PublishedCampaign, error)
	SurveyAggregator
}

// RunSurveys aggregates new survey responses every interval until ctx
// ends, so the dashboard shows survey results without holding the key. It
// logs counts only: answers are personal.
func RunSurveys(ctx context.Context, store SurveyStore, pub, priv *[32]byte, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, skipped, err := AggregateStoredSurveys(ctx, store, pub, priv)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("aggregate surveys", "err", err)
		case n > 0 || skipped > 0:
			log.Info("aggregated surveys", "records", n, "unopened", skipped)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// AggregateStoredSurveys is one AggregateSurveys pass with the surveys of
// every campaign version the store holds.
func AggregateStoredSurveys(ctx context.Context, store SurveyStore, pub, priv *[32]byte) (n, skipped int, err error) {
	versions, err := store.Campaigns(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("aggregate surveys: %w", err)
	}
	surveys := map[int]*campaign.Survey{}
	for _, v := range versions {
		c, err := campaign.Parse(fmt.Sprintf("campaign version %d", v.Version), v.Content)
		if err != nil {
			return 0, 0, fmt.Errorf("aggregate surveys: %w", err)
		}
		surveys[v.Version] = &c.Survey
	}
	return AggregateSurveys(ctx, store, pub, priv, func(v int) *campaign.Survey { return surveys[v] })
}
