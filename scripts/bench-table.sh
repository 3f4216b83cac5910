#!/usr/bin/env bash
# Turns the JSON lines of `ticketd bench --out FILE` into the markdown table
# docs/PERFORMANCE.md uses: one row per scenario, the throughput and the
# p99 also as ratios to the baseline measured just before it.
#   scripts/bench-table.sh bench.jsonl
set -euo pipefail
echo '| scenario | req/s | p50 ms | p99 ms | req/s ÷ baseline | p99 × baseline | server RSS MB | load |'
echo '|---|---|---|---|---|---|---|---|'
jq -r '[.scenario, (.req_per_s|round), .p50_ms, .p99_ms,
        (.vs_baseline.throughput*1000|round/1000), (.vs_baseline.p99*10|round/10),
        (if .rss_mb then (.rss_mb|round) else "" end), .load1] | "| " + (map(tostring) | join(" | ")) + " |"' "$@"
