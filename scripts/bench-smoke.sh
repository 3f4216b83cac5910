#!/usr/bin/env bash
# Benchmarks in smoke mode: they run once, to prove they still compile and
# work; the figures mean nothing here (docs/PERFORMANCE.md has the real
# runs). .ci/run calls it after the tests; PostgreSQL halves run when
# TICKETD_TEST_POSTGRES is set. (TestBenchSmoke, every load-tool scenario
# against a test server, runs with the tests.)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "bench-smoke: every Go benchmark, one iteration each"
# TICKETD_BENCH_OPEN shrinks the routing floor (100,000 open tickets in the
# real runs) to what proves the benchmark works.
TICKETD_BENCH_OPEN="${TICKETD_BENCH_OPEN:-2000}" go test -count=1 -run '^$' -bench . -benchtime=1x ./...

echo "bench-smoke: ticketd bench --spawn, about two seconds of load"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/ticketd" ./cmd/ticketd
"$tmp/ticketd" bench --spawn --db "$tmp/smoke.db" --seed-tickets 500 --clients 4 \
  --duration 150ms --warmup 0s --rebaseline 0 --out "$tmp/bench.jsonl" >/dev/null
lines=$(grep -c '"scenario"' "$tmp/bench.jsonl")
if grep -q '"errors":[1-9]' "$tmp/bench.jsonl"; then
  echo "bench-smoke: a scenario had errors:"; grep '"errors":[1-9]' "$tmp/bench.jsonl"; exit 1
fi
if [ "$lines" -lt 18 ]; then
  echo "bench-smoke: only $lines scenario lines (baseline + 17 expected):"; cat "$tmp/bench.jsonl"; exit 1
fi
if grep -E '"scenario":"(desk_inbox|api_ticket_messages|desk_ticket)"' "$tmp/bench.jsonl" | grep -q '"skipped"'; then
  echo "bench-smoke: a desk scenario was skipped:"; grep '"skipped"' "$tmp/bench.jsonl"; exit 1
fi
echo "bench-smoke: ok ($lines scenarios)"
