#!/bin/sh
# The whole test suite: unit tests, property tests, and the tests against the real promtool/prometheus.
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh
exec mvn -B verify "$@"
