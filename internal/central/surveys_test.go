package central_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/voces-cdmx/voces/assets"
	"github.com/voces-cdmx/voces/internal/campaign"
	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/sqlitestore"
	"github.com/voces-cdmx/voces/internal/central/storetest"
	"github.com/voces-cdmx/voces/internal/record"
)

// sealedSurvey makes a stored-ready survey response whose body is sealed
// to pub.
func sealedSurvey(t *testing.T, c *campaign.Campaign, device string, seq uint64, answers campaign.Answers, pub *[32]byte) central.Incoming {
	t.Helper()
	in := storetest.Incoming(t, storetest.Rec{Device: device, Seq: seq, Kind: record.KindSurvey, Subject: c.Survey.ID})
	r := in.Record
	r.CampaignID, r.CampaignVersion = c.ID, c.Version
	body, err := record.SealBody(&record.Body{Answers: answers}, pub)
	if err != nil {
		t.Fatal(err)
	}
	r.Body = body
	in.Data = r.Marshal()
	in.Hash = sha256.Sum256(in.Data)
	return in
}

// surveyStore opens a central database with the default campaign
// published and device dev-s enrolled, and makes the campaign key pair
// (pub, priv) and another public key whose sealed bodies it cannot open.
func surveyStore(t *testing.T) (store *sqlitestore.Store, c *campaign.Campaign, pub, priv, otherPub *[32]byte) {
	t.Helper()
	ctx := context.Background()
	c, err := campaign.Parse("default", assets.DefaultCampaign)
	if err != nil {
		t.Fatal(err)
	}
	store, err = sqlitestore.Open(ctx, filepath.Join(t.TempDir(), central.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.PublishCampaign(ctx, central.PublishedCampaign{Version: c.Version, CampaignID: c.ID, Content: assets.DefaultCampaign,
		Signature: []byte{1}, PublishedAt: storetest.Base}); err != nil {
		t.Fatal(err)
	}
	storetest.Enrolled(t, store, "dev-s", record.ModeKiosk)
	if pub, priv, err = record.NewCampaignKey(); err != nil {
		t.Fatal(err)
	}
	if otherPub, _, err = record.NewCampaignKey(); err != nil {
		t.Fatal(err)
	}
	return store, c, pub, priv, otherPub
}

func TestAggregateSurveys(t *testing.T) {
	ctx := context.Background()
	store, c, pub, priv, otherPub := surveyStore(t)

	// One answer per question, the same in both responses, and the
	// expected tally of two such responses.
	answers := campaign.Answers{}
	want := map[string]central.QuestionTally{}
	for _, q := range c.Survey.Questions {
		switch q.Type {
		case campaign.TypeSingle:
			answers[q.ID] = campaign.Answer{Choice: q.Options[0].ID}
			want[q.ID] = central.QuestionTally{Answered: 2, Options: map[string]int64{q.Options[0].ID: 2}}
		case campaign.TypeMultiple:
			answers[q.ID] = campaign.Answer{Choices: []string{q.Options[0].ID, q.Options[1].ID}}
			want[q.ID] = central.QuestionTally{Answered: 2, Options: map[string]int64{q.Options[0].ID: 2, q.Options[1].ID: 2}}
		case campaign.TypeAlcaldia:
			answers[q.ID] = campaign.Answer{Choice: "coyoacan"}
			want[q.ID] = central.QuestionTally{Answered: 2, Options: map[string]int64{"coyoacan": 2}}
		case campaign.TypeScale, campaign.TypeNumber:
			v := float64(q.Min) + 0.6
			answers[q.ID] = campaign.Answer{Number: &v}
			want[q.ID] = central.QuestionTally{Answered: 2, Values: map[string]int64{fmt.Sprint(q.Min + 1): 2}}
		case campaign.TypeText:
			answers[q.ID] = campaign.Answer{Text: "algo personal"}
			want[q.ID] = central.QuestionTally{Answered: 2}
		}
	}
	recs := []central.Incoming{
		sealedSurvey(t, c, "dev-s", 1, answers, pub),
		sealedSurvey(t, c, "dev-s", 2, answers, pub),
		sealedSurvey(t, c, "dev-s", 3, answers, otherPub), // sealed to another key: stays closed
	}
	if _, err := store.Ingest(ctx, storetest.Base, []central.IngestBatch{{DeviceID: "dev-s", Records: recs}}); err != nil {
		t.Fatal(err)
	}

	passes := []struct {
		name        string
		n, skipped  int
		closedAfter int64
	}{
		{"the first pass aggregates what opens", 2, 1, 1},
		{"a second pass adds nothing", 0, 1, 1},
	}
	for _, p := range passes {
		t.Run(p.name, func(t *testing.T) {
			n, skipped, err := central.AggregateStoredSurveys(ctx, store, pub, priv)
			if err != nil {
				t.Fatal(err)
			}
			if n != p.n || skipped != p.skipped {
				t.Errorf("aggregated %d, skipped %d; want %d, %d", n, skipped, p.n, p.skipped)
			}
			tl, err := store.Tallies(ctx, storetest.Base, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if tl.Survey.Responses != 2 || tl.SurveyClosed != p.closedAfter || fmt.Sprint(tl.Survey.Questions) != fmt.Sprint(want) {
				t.Errorf("survey tally %+v closed %d\nwant %v", tl.Survey, tl.SurveyClosed, want)
			}
		})
	}
}

// TestAggregateSurveysBacklog: a backlog larger than several store reads,
// with responses that do not open scattered through it, is aggregated in
// one run, each response counted once.
func TestAggregateSurveysBacklog(t *testing.T) {
	ctx := context.Background()
	store, c, pub, priv, otherPub := surveyStore(t)
	q := c.Survey.Questions[0]
	answers := campaign.Answers{q.ID: answerFor(q)}
	const total, closed = 2*central.SurveyBatch + 101, 37
	var recs []central.Incoming
	sealedElsewhere := 0
	for i := range total {
		key := pub
		if i%((total+closed-1)/closed) == 5 { // about closed of them, spread out
			key = otherPub
			sealedElsewhere++
		}
		recs = append(recs, sealedSurvey(t, c, "dev-s", uint64(i+1), answers, key))
	}
	if _, err := store.Ingest(ctx, storetest.Base, []central.IngestBatch{{DeviceID: "dev-s", Records: recs}}); err != nil {
		t.Fatal(err)
	}
	n, skipped, err := central.AggregateStoredSurveys(ctx, store, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	if n != total-sealedElsewhere || skipped != sealedElsewhere {
		t.Fatalf("aggregated %d, skipped %d; want %d, %d", n, skipped, total-sealedElsewhere, sealedElsewhere)
	}
	tl, err := store.Tallies(ctx, storetest.Base, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if tl.Survey.Responses != int64(n) || tl.Survey.Questions[q.ID].Answered != int64(n) || tl.SurveyClosed != int64(sealedElsewhere) {
		t.Fatalf("tally: %d responses, %d answered, %d closed; want %d, %d, %d",
			tl.Survey.Responses, tl.Survey.Questions[q.ID].Answered, tl.SurveyClosed, n, n, sealedElsewhere)
	}
}

// answerFor is a valid answer to any question.
func answerFor(q campaign.Question) campaign.Answer {
	switch q.Type {
	case campaign.TypeSingle:
		return campaign.Answer{Choice: q.Options[0].ID}
	case campaign.TypeMultiple:
		return campaign.Answer{Choices: []string{q.Options[0].ID}}
	case campaign.TypeAlcaldia:
		return campaign.Answer{Choice: "coyoacan"}
	case campaign.TypeScale, campaign.TypeNumber:
		v := float64(q.Min)
		return campaign.Answer{Number: &v}
	default:
		return campaign.Answer{Text: "algo"}
	}
}
