package sqlitestore_test

import (
	"testing"

	"github.com/voces-cdmx/voces/internal/central"
	"github.com/voces-cdmx/voces/internal/central/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) central.OperationsStore { return mustOpen(t) })
}
