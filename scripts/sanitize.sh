#!/usr/bin/env bash
# scripts/sanitize.sh thread|address [swift test options…]
#
# Runs the test suite under ThreadSanitizer or AddressSanitizer in a build folder of its own (.build-tsan,
# .build-asan), so the everyday .build stays incremental. The first run rebuilds everything, dependencies
# included (10+ minutes on 2 cores); later runs are incremental. Extra options go to `swift test`, e.g.
# `scripts/sanitize.sh thread --filter RotationTests`.
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:?usage: scripts/sanitize.sh thread|address [swift test options…]}
shift
case "$kind" in
    thread) scratch=.build-tsan ;;
    address) scratch=.build-asan ;;
    *) echo "unknown sanitizer $kind (thread or address)" >&2; exit 2 ;;
esac
# Report every race, then fail the run; keep going after the first report so one run finds them all.
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0 second_deadlock_stack=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
exec swift test --sanitize="$kind" --scratch-path "$scratch" "$@"
