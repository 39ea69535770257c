#!/usr/bin/env bash
# Offline benchmark (issue 2): `audit --format json` and `report --format json` over inventories of 10,000 and
# 100,000 tokens (50 controllers, 5,000 users, ages spread over two years), wall time and peak RSS from
# /usr/bin/time -v, beside the sqlite3 shell running the equivalent query with JSON output (the floor); then
# `inventory import` of each CSV into a fresh inventory (wall, rows/s, peak RSS).
#
#   swift build -c release --product token-rotator && scripts/bench-offline.sh .build/release/token-rotator
#   COUNTS="1000000" scripts/bench-offline.sh …     # other sizes (default 10,000 and 100,000)
set -euo pipefail
bin=${1:-.build/release/token-rotator}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
as_of=2026-06-01T00:00:00Z

{
    echo "version: 1"
    echo "controllers:"
    for i in $(seq -w 0 49); do
        echo "  ci-$i: { url: https://ci-$i.example.com/, auth: { user: rotation-admin, token_env: T$i } }"
    done
    cat <<'YAML'
defaults:
  max_age: 90d
  rotate_before: 14d
  deliver:
    - file: { path: "/var/lib/token-rotator/{controller}/{user}/{name}.token" }
rules:
  - match: { name: "deploy-*" }
    max_age: 30d
    rotate_before: 7d
  - match: { user: "svc-000*" }
    skip: true
limits:
  max_rotations: 500
YAML
} >"$work/policy.yml"

# Best of three runs: prints "seconds peak_rss_kb".
measure() {
    local best_s="" best_kb=""
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || [ $? -eq 4 ]
        read -r s kb < <(tail -n 1 "$work/time")
        if [ -z "$best_s" ] || awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; fi
        if [ -z "$best_kb" ] || [ "$kb" -gt "$best_kb" ]; then best_kb=$kb; fi
    done
    echo "$best_s $best_kb"
}

floor_sql() {
    cat <<SQL
SELECT controller, user, name, uuid, created,
  CAST(strftime('%s', '$as_of') - strftime('%s', created) AS INTEGER) AS age_seconds, state,
  7776000 AS max_age_seconds,
  strftime('%Y-%m-%dT%H:%M:%SZ', created, '+76 days') AS due,
  (strftime('%s', '$as_of') - strftime('%s', created)) > 7776000 AS overdue,
  last_rotated, fingerprint
FROM tokens WHERE state <> 'revoked' ORDER BY controller, user, name, created;
SQL
}

printf '| tokens | command | wall (s) | sqlite3 floor (s) | ratio | peak RSS (MB) |\n|---|---|---|---|---|---|\n'
counts=${COUNTS:-10000 100000}
imports=""
for count in $counts; do
    db="$work/inv-$count.sqlite"
    python3 "$here/gen-inventory.py" --count "$count" --as-of "$as_of" --output "$work/inv-$count.csv"
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin" inventory import "$work/inv-$count.csv" --db "$db" 2>/dev/null
    read -r s kb < <(tail -n 1 "$work/time")
    imports+=$(printf '| %s | %s | %s | %.0f | %.1f |' "$count" "$(du -m "$work/inv-$count.csv" | cut -f1)" "$s" \
        "$(awk "BEGIN{print $count / $s}")" "$(awk "BEGIN{print $kb / 1024}")")$'\n'

    read -r floor_s _ < <(measure sqlite3 -json "$db" "$(floor_sql)")
    for command in audit report; do
        read -r s kb < <(measure "$bin" "$command" --format json --as-of "$as_of" --db "$db" --policy "$work/policy.yml")
        ratio=$(awk "BEGIN{printf \"%.2f\", $s / ($floor_s > 0 ? $floor_s : 0.01)}")
        printf '| %s | %s --format json | %s | %s | %s | %.1f |\n' "$count" "$command" "$s" "$floor_s" "$ratio" \
            "$(awk "BEGIN{print $kb / 1024}")"
    done
done
printf '\n| tokens | CSV (MB) | import wall (s) | rows/s | peak RSS (MB) |\n|---|---|---|---|---|\n%s' "$imports"
