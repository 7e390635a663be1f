#!/bin/bash
# run from the repository root after mvn -B -q -pl tsdb test-compile; usage: ingest-vs-promtool.sh SERIES SCRAPES RUNS SERIES_FILE
# interleaved: promtool tsdb bench write vs Cairn HeadBench (WAL, sync NONE), same series file and scrapes
SERIES=$1; SCRAPES=$2; RUNS=$3; FILE=$4
mkdir -p /tmp/rb
CP=tsdb/target/test-classes:tsdb/target/classes:$HOME/.m2/repository/com/google/re2j/re2j/1.8/re2j-1.8.jar
for i in $(seq 1 $RUNS); do
  rm -rf /tmp/rb/pb_i; /usr/bin/time -f "promtool cpu %U+%S s wall %e s" -o /tmp/rb/pt.time promtool tsdb bench write --out /tmp/rb/pb_i --metrics $SERIES --scrapes $SCRAPES $FILE 2>/dev/null | grep "samples/sec" | sed "s/^/run $i promtool /"
  cat /tmp/rb/pt.time | sed "s/^/run $i /"
  rm -rf /tmp/rb/hb_i; mkdir -p /tmp/rb/hb_i
  java -Xmx4g -cp $CP dev.cairn.tsdb.head.HeadBench --series-file $FILE --series $SERIES --scrapes $SCRAPES --wal /tmp/rb/hb_i/wal 2>/dev/null | grep "ingest:" | sed "s/^/run $i cairn /"
done
cat /proc/loadavg
