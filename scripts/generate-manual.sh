#!/usr/bin/env bash
# Regenerates docs/man/token-rotator.1 from the command definitions with swift-argument-parser's
# GenerateManual plugin (works offline). Run after changing any command, option or help text;
# ManualPageTests fails until the page matches the commands again.
set -euo pipefail
cd "$(dirname "$0")/.."
swift package --allow-writing-to-package-directory generate-manual --configuration debug
cp .build/plugins/GenerateManual/outputs/token-rotator/token-rotator.1 docs/man/token-rotator.1
echo "docs/man/token-rotator.1 updated"
