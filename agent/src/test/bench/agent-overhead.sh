#!/bin/bash
# What the Cairn agent's relay costs a VM, next to Prometheus's own remote-write increase; see
# agent/src/test/java/dev/cairn/agent/relay/AgentOverheadBench.java for the phases and the table.
# Run from the repository root; needs /usr/bin/prometheus (Debian 2.42). Takes about
# rounds x 3 x (warm-up + measure + ~10 s); the defaults (3, 60, 60) take ~20 minutes; keep measure_s a multiple of interval_s.
# usage: agent/src/test/bench/agent-overhead.sh [rounds=3] [warmup_s=60] [measure_s=60] [series=40000] [interval_s=10]
# AGENT_JAVA_OPTS overrides the agent's JVM options (default: the packaged cairn-agent.default ones).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
mvn -B -q -o -pl agent -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/agent-overhead-cp.txt \
    -Dmdep.includeScope=test >/dev/null
CP=agent/target/test-classes:agent/target/classes:storeapi/target/classes:tsdb/target/classes:$(cat /tmp/agent-overhead-cp.txt)
exec java -Xmx512m -cp "$CP" dev.cairn.agent.relay.AgentOverheadBench "$@"
