#!/usr/bin/env bash
# Benchmarks in smoke mode: they run once, to prove they still compile and
# work; the figures mean nothing here (docs/PERFORMANCE.md has the real
# runs). CI may call it after the tests. PostgreSQL halves run when
# TICKETD_TEST_POSTGRES is set.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "bench-smoke: Go benchmarks, one iteration each"
go test -count=1 -run '^$' -bench . -benchtime=1x ./internal/store/... ./internal/search/... ./internal/loadgen/...

echo "bench-smoke: every bench scenario against a test server (TestBenchSmoke)"
go test -count=1 -run '^TestBenchSmoke$' ./internal/loadgen/

echo "bench-smoke: ticketd bench --spawn, about two seconds of load"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/ticketd" ./cmd/ticketd
"$tmp/ticketd" bench --spawn --db "$tmp/smoke.db" --seed-tickets 500 --clients 4 \
  --duration 100ms --warmup 0s --out "$tmp/bench.jsonl" >/dev/null
lines=$(grep -c '"scenario"' "$tmp/bench.jsonl")
if grep -q '"errors":[1-9]' "$tmp/bench.jsonl"; then
  echo "bench-smoke: a scenario had errors:"; grep '"errors":[1-9]' "$tmp/bench.jsonl"; exit 1
fi
echo "bench-smoke: ok ($lines scenarios)"
