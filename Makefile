# Treffpunkt — the two commands a new user needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/treffpunkt
PKGS    := ./...

.PHONY: all build run test vet bench eval fuzz faults generate clean db-start db-stop

all: build

build:
	$(GO) build -o $(BIN) ./cmd/treffpunkt

## run: local PostgreSQL under .data/, migrate, serve the offline mirror, crawl it, serve on :8080
run: build
	./scripts/run.sh

## test: go vet and the whole test suite with the race detector, against a real PostgreSQL
test:
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

vet:
	$(GO) vet $(PKGS)

## bench: benchmarks, one package at a time so they do not compete for the cores (figures: BENCHMARKS.md)
bench:
	$(GO) test -p 1 -run '^$$' -bench . -benchmem -count=1 -timeout 60m $(PKGS)

## eval: accuracy of the normaliser on the real corpus (../shared/corpus: all records, dev and held-out
## sites; TREFFPUNKT_EVAL_MISSES=dev lists the misses) and of the deduplication on its labelled pairs
eval:
	$(GO) test -count=1 -run 'TestCorpusAccuracy|TestPairsEval|TestHoldoutEval' -v ./internal/normalize/ ./internal/dedup/ | grep -v '^=== RUN'

## fuzz: five minutes per parser
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzExtract$$' -fuzztime 5m ./internal/normalize/dates/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 5m ./internal/normalize/dates/
	$(GO) test -run '^$$' -fuzz '^FuzzPlace$$' -fuzztime 5m ./internal/normalize/...

generate:
	$(GO) generate ./...

db-start:
	./scripts/devdb.sh start

db-stop:
	./scripts/devdb.sh stop

clean:
	rm -rf bin

## faults: fault tests and the 10-minute soak against the built binary (figures in BENCHMARKS.md)
faults:
	TREFFPUNKT_SOAK=10m $(GO) test -count=1 -v -timeout 40m ./internal/faults/
