#!/bin/sh
# The appliance's remote-write bench (issue 6): node-exporter-shaped remote-write load against the
# appliance and against the real Debian `prometheus --web.enable-remote-write-receiver`, one after the
# other in this run, each a fresh child process on 127.0.0.1 with a fresh temporary data directory;
# prints ingest samples/s, RSS per head series, bytes per sample on disk and query latency side by side.
#
#   scripts/bench-receive.sh            # reference: 100k series x 120 scrapes (15 s apart, the first 20 a
#                                       # warm-up), 10 min blocks
#   scripts/bench-receive.sh --quick    # 10k series x 12 scrapes, 1 min blocks (about 20 s)
#   scripts/bench-receive.sh --series 200000 --steps 60 --warmup-steps 10 --block-minutes 5 --senders 8 \
#       --batch 500 --query-runs 5 --appliance-java-opts '-Xmx2g -XX:+UseG1GC'
#
# Ingest samples/s is measured after the warm-up scrapes (a receiver runs for months: the first rounds
# create every series and, for the JVM, compile the hot paths); the row "every round" includes them. The
# generator encodes each round before its clock starts and sends over plain keep-alive sockets, and
# prints its own CPU while sending: it shares the receiver's two cores.
#
# The appliance runs with the packaged unit's JVM options (BenchTarget.PACKAGED_APPLIANCE_JAVA_OPTS: -Xmx4g
# G1 with a capped young generation and a heap that gives memory back) unless told otherwise. Measure RSS
# per series at 1M series (--series 1000000 --steps 40 --warmup-steps 8 --block-minutes 5, ~12 min): at
# 100k the JVM's fixed costs dominate it. Needs Debian's prometheus package (scripts/install-deps.sh). The
# machine is shared: check `uptime` first, the figures move with the load of other processes.
set -e
cd "$(dirname "$0")/.."
cp_file=appliance/target/bench-classpath.txt
mvn -q -B -o -pl appliance -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=test >&2
cp="appliance/target/test-classes:appliance/target/classes:storeapi/target/classes:tsdb/target/classes:$(cat "$cp_file")"
exec java -Xmx1g -cp "$cp" dev.cairn.appliance.bench.ReceiveBench "$@"
