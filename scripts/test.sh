#!/bin/sh
# `npm test`: installs what the tests need, then type checks, lints and runs every test (unit, integration, e2e).
set -e
cd "$(dirname "$0")/.."
sh scripts/ensure-deps.sh
sh scripts/ensure-system-packages.sh
npx tsc --noEmit
npx biome check .
# shellcheck disable=SC2046
exec node --import tsx --test --test-concurrency=2 --test-timeout=600000 $(find src test -name '*.test.ts' | sort)
