#!/usr/bin/env bash
# Offline benchmark (issue 2): `audit --format json` and `report --format json` over inventories of 10,000 and
# 100,000 tokens (50 controllers, 5,000 users, ages spread over two years), wall time and peak RSS from
# /usr/bin/time -v, beside the sqlite3 shell running the equivalent query with JSON output (the floor); then
# `inventory import` of each CSV into a fresh inventory (wall, rows/s, peak RSS) beside the sqlite3 shell doing the
# same work (the CSV staged in a temporary table, inserted in uuid order, the secondary indexes built once).
# With PG_DSN (an empty, throwaway database: its public schema is dropped), each inventory is also copied into
# PostgreSQL and audit and report run there, beside psql streaming the same query as JSON lines.
#
#   swift build -c release --product token-rotator && scripts/bench-offline.sh .build/release/token-rotator
#   COUNTS="1000000" scripts/bench-offline.sh …     # other sizes (default 10,000 and 100,000)
#   PG_DSN="postgresql://postgres@127.0.0.1:55432/inv?sslmode=disable" scripts/bench-offline.sh …
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

# The same rows as JSON lines from psql, streamed 10,000 at a time (PostgreSQL's floor for audit and report).
pg_floor_sql() {
    cat <<SQL
SELECT row_to_json(t) FROM (SELECT controller, "user", name, uuid, created,
  extract(epoch FROM timestamptz '$as_of' - created)::bigint AS age_seconds, state,
  7776000 AS max_age_seconds,
  to_char((created + interval '76 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS due,
  extract(epoch FROM timestamptz '$as_of' - created) > 7776000 AS overdue,
  last_rotated, fingerprint
FROM tokens WHERE state <> 'revoked' ORDER BY controller, "user", name, created) t;
SQL
}

# What the import does, done by the sqlite3 shell: the CSV staged, inserted in uuid order, indexes built once.
shell_import_sql() {
    cat <<SQL
BEGIN;
CREATE TEMP TABLE staging (controller, user, name, uuid, created);
.import --csv --skip 1 $1 staging
DROP INDEX tokens_by_identity; DROP INDEX tokens_by_state; DROP INDEX tokens_active_by_created;
INSERT INTO tokens (controller, user, name, uuid, created, state, added_at)
  SELECT controller, user, name, uuid, created, 'active', '$as_of' FROM staging ORDER BY uuid;
CREATE INDEX tokens_by_identity ON tokens (controller, user, name, created);
CREATE INDEX tokens_by_state ON tokens (state, revoke_after);
CREATE INDEX tokens_active_by_created ON tokens (created, id) WHERE state = 'active';
COMMIT;
SQL
}

printf '| tokens | command | wall (s) | floor (s) | ratio | peak RSS (MB) |\n|---|---|---|---|---|---|\n'
counts=${COUNTS:-10000 100000}
imports=""
"$bin" migrate --db "$work/empty.sqlite" >/dev/null 2>&1
for count in $counts; do
    db="$work/inv-$count.sqlite"
    python3 "$here/gen-inventory.py" --count "$count" --as-of "$as_of" --output "$work/inv-$count.csv"
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin" inventory import "$work/inv-$count.csv" --db "$db" 2>/dev/null
    read -r s kb < <(tail -n 1 "$work/time")
    cp "$work/empty.sqlite" "$work/shell.sqlite"
    /usr/bin/time -f "%e %M" -o "$work/time" sqlite3 "$work/shell.sqlite" \
        < <(shell_import_sql "$work/inv-$count.csv") >/dev/null
    read -r shell_s _ < <(tail -n 1 "$work/time")
    rm -f "$work/shell.sqlite"*
    imports+=$(printf '| %s | %s | %s | %.0f | %s | %.2f | %.1f |' "$count" "$(du -m "$work/inv-$count.csv" | cut -f1)" \
        "$s" "$(awk "BEGIN{print $count / $s}")" "$shell_s" "$(awk "BEGIN{print $s / $shell_s}")" \
        "$(awk "BEGIN{print $kb / 1024}")")$'\n'

    read -r floor_s _ < <(measure sqlite3 -json "$db" "$(floor_sql)")
    for command in audit report; do
        read -r s kb < <(measure "$bin" "$command" --format json --as-of "$as_of" --db "$db" --policy "$work/policy.yml")
        ratio=$(awk "BEGIN{printf \"%.2f\", $s / ($floor_s > 0 ? $floor_s : 0.01)}")
        printf '| %s | %s --format json | %s | %s | %s | %.1f |\n' "$count" "$command" "$s" "$floor_s" "$ratio" \
            "$(awk "BEGIN{print $kb / 1024}")"
    done
    [ -n "${PG_DSN:-}" ] || continue
    psql -q "$PG_DSN" -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public" 2>/dev/null
    "$bin" inventory copy --db "$db" --to "$PG_DSN" >/dev/null 2>&1
    read -r floor_s _ < <(measure psql -At --set=FETCH_COUNT=10000 "$PG_DSN" -c "$(pg_floor_sql)")
    for command in audit report; do
        read -r s kb < <(measure "$bin" "$command" --format json --as-of "$as_of" --db "$PG_DSN" --policy "$work/policy.yml")
        ratio=$(awk "BEGIN{printf \"%.2f\", $s / ($floor_s > 0 ? $floor_s : 0.01)}")
        printf '| %s | %s --format json (PostgreSQL) | %s | %s | %s | %.1f |\n' "$count" "$command" "$s" "$floor_s" \
            "$ratio" "$(awk "BEGIN{print $kb / 1024}")"
    done
done
printf '\n| tokens | CSV (MB) | import wall (s) | rows/s | sqlite3 shell (s) | ratio | peak RSS (MB) |\n'
printf '|---|---|---|---|---|---|---|\n%s' "$imports"
