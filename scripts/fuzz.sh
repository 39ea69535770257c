#!/usr/bin/env bash
# scripts/fuzz.sh TARGET SECONDS — build one libFuzzer target (swiftc -sanitize=fuzzer,address) and fuzz it.
#
#   TARGET   import | scraper | wire | duration   (Fuzz/<Name>Fuzz/main.swift plus the sources listed below)
#   SECONDS  how long to fuzz; 0 replays the committed seed corpus only (what CI runs)
#
# Seeds live in Fuzz/<Name>Fuzz/corpus (committed, small); new inputs found go to .build-fuzz/<target>/corpus
# (not committed; merge interesting ones by hand). A crash leaves crash-<hash> in .build-fuzz/<target>/ and the
# script exits non-zero: turn the input into a regression test before fixing it.
#
# Each target is compiled straight from the source files it exercises, without SwiftPM, so a build takes seconds
# and nothing else gets fuzzer instrumentation. The policy loader (it needs Yams) and the cookie jar (its parser
# is async-http-client's) are not covered here.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: scripts/fuzz.sh import|scraper|wire|duration SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}

core=Sources/RotatorCore
api=Sources/JenkinsAPI
model=$(ls $core/Model/*.swift | grep -v '/Secret.swift$')
case "$target" in
    import) name=ImportFuzz; sources="$core/Import/*.swift $model" ;;
    scraper) name=ScraperFuzz; sources="$api/TokenPageScraper.swift $core/Ports/ListedToken.swift" ;;
    wire) name=WireFuzz; sources="$api/WireFormats.swift" ;;
    duration) name=DurationFuzz; sources="$api/RetryAfter.swift $model" ;;
    *) echo "unknown target $target (import, scraper, wire, duration)" >&2; exit 2 ;;
esac

out=.build-fuzz/$target
rm -rf "$out/src"
mkdir -p "$out/corpus" "$out/src"
# One module holds everything: imports of our own modules go.
# shellcheck disable=SC2086 # the source lists are globs
for file in $sources; do
    sed -e '/^import RotatorCore$/d' -e '/^@testable import/d' "$file" > "$out/src/$(basename "$file")"
done
swiftc -sanitize=fuzzer,address -parse-as-library -module-name "$name" -Onone -g \
    "Fuzz/$name/main.swift" "$out"/src/*.swift -o "$out/$name"

seeds=Fuzz/$name/corpus
if [ "$seconds" = 0 ]; then
    exec "$out/$name" -runs=0 "$seeds"
fi
exec "$out/$name" -max_total_time="$seconds" -max_len=65536 -timeout=10 -artifact_prefix="$out/" \
    "$out/corpus" "$seeds"
