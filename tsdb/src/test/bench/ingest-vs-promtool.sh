#!/bin/bash
# run from the repository root after mvn -B -q -pl tsdb test-compile
# usage: ingest-vs-promtool.sh SERIES SCRAPES RUNS SERIES_FILE   (JVM flags from CAIRN_JAVA_OPTS, class path from CAIRN_CP)
# Interleaved, RUNS times: promtool tsdb bench write (Prometheus's head, with WAL) vs Cairn's HeadBench
# (WAL, sync NONE, as Prometheus fsyncs only at segment rollover), same series file and scrapes.
# Per run: ingest samples/s (wall of the ingest phase, as promtool prints it), and samples per CPU-second
# of the whole process (user+sys from /usr/bin/time: start-up, reading the series file, GC, closing),
# the same yardstick for both (and Cairn's CPU over its ingest phase alone). Then medians and ratios.
SERIES=$1; SCRAPES=$2; RUNS=$3; FILE=$4
# the compile commands every Cairn launcher passes (tsdb/src/main/jvm/hotspot_compiler says why)
OPTS=${CAIRN_JAVA_OPTS:--Xmx4g -XX:CompileCommandFile=tsdb/src/main/jvm/hotspot_compiler}
mkdir -p /tmp/rb
CP=${CAIRN_CP:-tsdb/target/test-classes:tsdb/target/classes}:$HOME/.m2/repository/com/google/re2j/re2j/1.8/re2j-1.8.jar
OUT=$(mktemp /tmp/rb/ingest.XXXXXX)
for i in $(seq 1 $RUNS); do
  rm -rf /tmp/rb/pb_i
  /usr/bin/time -f "%U %S %e" -o /tmp/rb/pt.time promtool tsdb bench write --out /tmp/rb/pb_i --metrics $SERIES \
    --scrapes $SCRAPES $FILE 2>/dev/null > /tmp/rb/pt.out
  total=$(grep "total samples" /tmp/rb/pt.out | awk '{print $NF}')
  rate=$(grep "samples/sec" /tmp/rb/pt.out | awk '{printf "%.0f", $NF}')
  read u s e < /tmp/rb/pt.time
  echo "promtool $i $rate $(python3 -c "print(round($total/($u+$s)))") $e" | tee -a $OUT
  rm -rf /tmp/rb/hb_i; mkdir -p /tmp/rb/hb_i
  /usr/bin/time -f "%U %S %e" -o /tmp/rb/hb.time java $OPTS -cp $CP dev.cairn.tsdb.head.HeadBench --series-file $FILE \
    --series $SERIES --scrapes $SCRAPES --wal /tmp/rb/hb_i/wal 2>/dev/null > /tmp/rb/hb.out
  total=$(grep "ingest:" /tmp/rb/hb.out | awk '{print $2}')
  rate=$(grep "ingest:" /tmp/rb/hb.out | sed -E 's/.*= ([0-9]+) samples\/s.*/\1/')
  read u s e < /tmp/rb/hb.time
  phase=$(grep "ingest:" /tmp/rb/hb.out | sed -E 's/.* = ([0-9]+) samples per CPU-second.*/\1/')
  echo "cairn $i $rate $(python3 -c "print(round($total/($u+$s)))") $e $phase # $(grep 'after GC' /tmp/rb/hb.out)" | tee -a $OUT
done
cat /proc/loadavg
python3 - "$OUT" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
med = {}
for tool in ("promtool", "cairn"):
    r = [x for x in rows if x[0] == tool]
    med[tool] = (st.median(float(x[2]) for x in r), st.median(float(x[3]) for x in r))
    print(f"{tool:8s} median ingest {med[tool][0]/1e6:.2f}M samples/s, {med[tool][1]/1e6:.2f}M samples per process CPU-s")
print(f"cairn/promtool: {med['cairn'][0]/med['promtool'][0]:.2f}x wall, {med['cairn'][1]/med['promtool'][1]:.2f}x per CPU-s")
# Cairn's whole process also pays JVM start-up and JIT, the bench's four full GCs for its memory
# figure and the head snapshot written at close, none of which promtool does; its ingest phase alone:
ph = st.median(float(x[5]) for x in rows if x[0] == "cairn")
print(f"cairn ingest phase only: {ph/1e6:.2f}M samples per CPU-s = {ph/med['promtool'][1]:.2f}x promtool's whole process")
PY
