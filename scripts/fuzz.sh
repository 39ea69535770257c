#!/usr/bin/env bash
# scripts/fuzz.sh TARGET SECONDS — build one libFuzzer target (swiftc -sanitize=fuzzer,address) and fuzz it.
#
#   TARGET   policy | import | scraper | wire | duration | credxml | cookie
#            (Fuzz/<Name>Fuzz/main.swift plus the sources below)
#   SECONDS  how long to fuzz; 0 replays the committed seed corpus only (what CI runs)
#
# Seeds live in Fuzz/<Name>Fuzz/corpus (committed, small); new inputs found go to .build-fuzz/<target>/corpus
# (not committed; merge interesting ones by hand). A crash leaves crash-<hash> in .build-fuzz/<target>/ and the
# script exits non-zero: turn the input into a regression test before fixing it.
#
# Each target is compiled straight from the source files it exercises, without SwiftPM, so a build takes seconds
# and nothing else gets fuzzer instrumentation; the policy target compiles Yams (and its C library) from the
# checkout SwiftPM made in .build, so run `swift build` once first; the cookie target likewise compiles
# async-http-client's Set-Cookie parser (one file and its C shim) from there, without the rest of the library.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: scripts/fuzz.sh policy|import|scraper|wire|duration|credxml|cookie SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}

core=Sources/RotatorCore
api=Sources/JenkinsAPI
# Every file of the folder but `except` (a file that pulls in a module the fuzz build does not compile).
files_except() {
    local file
    for file in "$1"/*.swift; do
        [ "$(basename "$file")" = "$2" ] || printf '%s ' "$file"
    done
}
model=$(files_except $core/Model Secret.swift)
extra=()
case "$target" in
    policy)
        name=PolicyFuzz
        sources="$(files_except $core/Policy SecretResolver.swift) $core/Files/BoundedFile.swift $core/Notify/NotifyConfig.swift"
        sources+=" $model"
        yams=.build/checkouts/Yams/Sources
        [ -d "$yams" ] || { echo "no Yams checkout in .build: run swift build once" >&2; exit 2; }
        lib=.build-fuzz/policy/yams
        mkdir -p "$lib"
        for file in "$yams"/CYaml/src/*.c; do
            clang -c -g -DYAML_DECLARE_STATIC -fsanitize=fuzzer-no-link,address -I "$yams/CYaml/include" \
                -I "$yams/CYaml/src" "$file" -o "$lib/$(basename "$file" .c).o"
        done
        swiftc -c -parse-as-library -module-name Yams -sanitize=fuzzer,address -Onone -g -D SWIFT_PACKAGE \
            -Xcc -DYAML_DECLARE_STATIC -I "$yams/CYaml/include" -wmo "$yams"/Yams/*.swift \
            -emit-module -emit-module-path "$lib/Yams.swiftmodule" -o "$lib/YamsSwift.o"
        extra=(-I "$lib" -I "$yams/CYaml/include" -Xcc -DYAML_DECLARE_STATIC "$lib"/*.o)
        ;;
    import) name=ImportFuzz; sources="$core/Import/*.swift $model" ;;
    scraper) name=ScraperFuzz; sources="$api/TokenPageScraper.swift $core/Ports/ListedToken.swift" ;;
    wire) name=WireFuzz; sources="$api/WireFormats.swift" ;;
    duration) name=DurationFuzz; sources="$api/RetryAfter.swift $model" ;;
    credxml) name=CredentialXMLFuzz; sources="Sources/TokenSinks/CredentialXMLEdit.swift $core/Policy/CredentialKind.swift" ;;
    cookie)
        name=CookieFuzz
        sources="$api/CookieJar.swift Tests/JenkinsAPITests/CookieJarInvariants.swift"
        ahc=.build/checkouts/async-http-client/Sources
        [ -d "$ahc" ] || { echo "no async-http-client checkout in .build: run swift build once" >&2; exit 2; }
        lib=.build-fuzz/cookie/ahc
        mkdir -p "$lib/CAsyncHTTPClient"
        clang -c -g -D_GNU_SOURCE -fsanitize=fuzzer-no-link,address -I "$ahc/CAsyncHTTPClient/include" \
            "$ahc/CAsyncHTTPClient/CAsyncHTTPClient.c" -o "$lib/CAsyncHTTPClient.o"
        printf 'module CAsyncHTTPClient {\n    header "%s"\n    export *\n}\n' \
            "$PWD/$ahc/CAsyncHTTPClient/include/CAsyncHTTPClient.h" >"$lib/CAsyncHTTPClient/module.modulemap"
        # The parser alone: no NIO imports, and without the extension on HTTPClient.Response that needs them.
        sed -e '/^import NIOCore$/d' -e '/^import NIOHTTP1$/d' -e '/^extension HTTPClient.Response {$/,/^}$/d' \
            "$ahc/AsyncHTTPClient/HTTPClient+HTTPCookie.swift" >"$lib/HTTPClient+HTTPCookie.swift"
        # and the cookie's `expires` (Foundation extensions) and `hasSuffix` (utilities) it uses.
        sed -n -e '/^extension BidirectionalCollection where Element: Equatable {$/,/^}$/p' \
            "$ahc/AsyncHTTPClient/Utils.swift" >"$lib/BidirectionalCollection+HasSuffix.swift"
        sed -n -e '/^#if canImport(FoundationEssentials)$/,/^#endif$/p' -e '/^extension HTTPClient.Cookie {$/,/^}$/p' \
            "$ahc/AsyncHTTPClient/FoundationExtensions.swift" >"$lib/HTTPClient+CookieExpires.swift"
        extra=(-I "$lib/CAsyncHTTPClient" "$lib/CAsyncHTTPClient.o" "$lib"/*.swift)
        ;;
    *) echo "unknown target $target (policy, import, scraper, wire, duration, credxml, cookie)" >&2; exit 2 ;;
esac

out=.build-fuzz/$target
rm -rf "$out/src"
mkdir -p "$out/corpus" "$out/src"
# One module holds everything: imports of our own modules go.
# shellcheck disable=SC2086 # the source lists are globs
for file in $sources; do
    sed -e '/^import RotatorCore$/d' -e '/^import AsyncHTTPClient$/d' -e '/^@testable import/d' "$file" \
        > "$out/src/$(basename "$file")"
done
swiftc -sanitize=fuzzer,address -parse-as-library -enable-bare-slash-regex -module-name "$name" -Onone -g \
    "Fuzz/$name/main.swift" "$out"/src/*.swift "${extra[@]}" -o "$out/$name"

seeds=Fuzz/$name/corpus
if [ "$seconds" = 0 ]; then
    exec "$out/$name" -runs=0 "$seeds"
fi
exec "$out/$name" -max_total_time="$seconds" -max_len=65536 -timeout=10 -artifact_prefix="$out/" \
    "$out/corpus" "$seeds"
