# Voces: make run starts the whole system on embedded defaults; make test
# runs every test. Both install missing system packages first
# (scripts/deps.sh, see DEVELOPERS.md).

GO      ?= go
BIN     := bin
PKGS    := ./...
export CGO_ENABLED := 1

.PHONY: all deps build test test-short vet bench soak run screenshots kiosk package check-package windows clean

all: build

deps:
	@scripts/deps.sh

build: deps
	$(GO) build -o $(BIN)/ ./cmd/...

# staticcheck at the version scripts/deps.sh installs (not on PATH in CI).
STATICCHECK = $(or $(shell $(GO) env GOBIN),$(shell $(GO) env GOPATH)/bin)/staticcheck

vet: deps
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet $(PKGS)
	$(STATICCHECK) $(PKGS)

# The whole suite, with an X server and a PostgreSQL started for the tests
# that need them (scripts/test-env.sh; in CI the X server is the run's own
# and is stopped at the end). The crash test kills a writer 200
# times; `make soak` raises it to 1,000.
test: deps vet
	@eval "$$(scripts/test-env.sh)" && \
	  trap 'test -z "$${VOCES_TEST_XVFB_PID:-}" || kill $$VOCES_TEST_XVFB_PID' EXIT && \
	  $(GO) test -count=1 -timeout 40m $(PKGS)

test-short: vet
	$(GO) test -short -count=1 $(PKGS)

soak:
	VOCES_CRASH_KILLS=1000 $(GO) test -count=1 -timeout 60m -run 'TestCrash' ./internal/outbox/

# Benchmarks; figures and how to read them are in the README. The store
# benchmarks need PostgreSQL (scripts/test-env.sh starts it); the shaped
# link drain takes about two minutes.
bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 2000x ./internal/outbox/
	$(GO) test -run '^$$' -bench . ./internal/record/ ./internal/stroke/
	$(GO) test -run '^$$' -bench 'Ingest|Ed25519' -benchtime 10x ./internal/central/
	$(GO) test -run '^$$' -bench 'CampaignDelta' -benchtime 20x ./internal/central/
	@eval "$$(scripts/test-env.sh)" && $(GO) test -run '^$$' -bench 'IngestStores|Tallies|Progress' -benchtime 3x ./internal/central/storetest/
	@eval "$$(scripts/test-env.sh)" && $(GO) test -run '^$$' -bench 'Roll(Import|Check)' -benchtime 1x -timeout 60m ./internal/central/
	$(GO) test -run '^$$' -bench DrainShapedLink -benchtime 1x ./internal/e2e/
	$(GO) run ./cmd/kiosk --db $$(mktemp -d)/kiosk.db --demo --measure-startup

run: build
	@scripts/run.sh

# Every kiosk screen (es/en × default/high contrast/large text) rendered
# to PNG with Fyne's software renderer, into screenshots-out/.
screenshots: deps
	$(GO) run ./cmd/screenshots --out screenshots-out --large
	@echo "screenshots in screenshots-out/"

# The kiosk alone on a stand-alone demo outbox (no central, no syncd).
kiosk: build
	$(BIN)/kiosk --db var/kiosk-demo.db --demo

# .deb packages for a device (kiosk + syncd + units + cage session) and a
# server (central + unit), into dist/. See packaging/README.md.
package: deps
	@scripts/package.sh

# What make test checks on the packages (lintian, hardening, manual pages,
# copyright, changelog, secrets, unit exposure), on the ones make package
# just built in dist/ rather than on a build of its own.
check-package: package
	VOCES_DEBS=dist $(GO) test -count=1 ./packaging/

# The kiosk for Windows, cross-compiled with mingw-w64, into dist/.
windows: deps
	@scripts/windows.sh

clean:
	rm -rf $(BIN) dist
