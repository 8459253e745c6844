#!/bin/sh
# `npm start`: install what weir needs, build it, and run `weir serve` (API on 127.0.0.1:9876, data in ./var).
set -e
cd "$(dirname "$0")/.."
sh scripts/ensure-deps.sh
npm run --silent build
# bin/weir runs the build and sets the allocator environment a proxy in this process needs.
exec sh bin/weir serve "$@"
