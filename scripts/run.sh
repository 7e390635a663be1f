#!/bin/sh
# Builds Cairn and runs its main job on the embedded defaults.
# Today the storage layer and the `cairn tsdb` tools exist; the appliance (issue 6) will take over this
# script. Until then it backfills a small OpenMetrics sample into 2h blocks under ./data and shows them.
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -q -B -DskipTests package
data=${CAIRN_DATA_DIR:-./data}
mkdir -p "$data"
now=$(date +%s)
{
  echo '# TYPE demo_requests counter'
  i=0
  while [ $i -lt 720 ]; do
    echo "demo_requests_total{path=\"/\"} $((i * 3)) $((now - 7200 + i * 10))"
    echo "demo_requests_total{path=\"/api\"} $((i * 5)) $((now - 7200 + i * 10))"
    i=$((i + 1))
  done
  echo '# EOF'
} > "$data/demo.om"
bin/cairn tsdb create-blocks-from openmetrics "$data/demo.om" "$data/blocks"
bin/cairn tsdb list "$data/blocks"
