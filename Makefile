# Switchboard developer tasks. `make` (or `make help`) lists them; every
# target that users should call carries a `## description` comment, which is
# what the help target prints.

.DEFAULT_GOAL := help

GO      ?= go
BIN     ?= bin/switchboard
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
# Benchmarks run long enough to be stable but short enough for a laptop.
BENCHTIME ?= 500ms

.PHONY: help build run test test/race test/strict ci lint fmt vet docs/errors bench clean ui ui/dev

help: ## list targets
	@awk 'BEGIN {FS = ":.*## "; printf "Usage: make <target>\n\nTargets:\n"} \
		/^[a-zA-Z0-9_\/.-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build a static binary into bin/switchboard (version from git describe)
	CGO_ENABLED=0 $(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/switchboard

run: ## run the server with SQLite, embedded NATS and demo data (./data)
	$(GO) run ./cmd/switchboard serve --demo

test: ## run all tests (SQLite, embedded NATS; PostgreSQL tests skip if absent)
	$(GO) test ./...

test/race: ## run all tests with the race detector
	$(GO) test -race ./...

test/strict: ## run all tests, failing instead of skipping when PostgreSQL is missing
	SWITCHBOARD_TEST_STRICT=1 $(GO) test ./...

ui: ## rebuild the web app (ui/) into internal/web/dist, which the binary embeds; commit the result
	cd ui && npm install --no-audit --no-fund --loglevel=error && npm run build

ui/dev: ## serve the web app with hot reload on :5173 against a server on :8080 (make run)
	cd ui && npm run dev

ci: ## run the CI script (starts PostgreSQL, gofmt, vet, strict tests)
	./.ci/run

lint: ## run golangci-lint v2.15.0 (pinned, fetched through the module proxy) with .golangci.yml
	go run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0 run ./...

fmt: ## format all Go files with gofmt (skips testdata and node_modules)
	gofmt -l -w $$(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*' -not -path '*/node_modules/*')

vet: ## run go vet
	$(GO) vet ./...

docs/errors: ## regenerate the error-code documentation from the errcode registry
	$(GO) test ./internal/errcode -run TestErrorDocs -update

bench: ## run benchmarks (no unit tests), BENCHTIME=500ms per benchmark
	$(GO) test -run XXX -bench . -benchmem -benchtime $(BENCHTIME) ./...

clean: ## remove build output and test caches
	rm -rf bin/
	$(GO) clean -testcache
