#!/bin/sh
# The main job: builds Cairn and runs the appliance on its embedded defaults (data and the filesystem
# bucket under ./data, HTTP on 127.0.0.1:10902: remote write at /api/v1/receive and /api/v1/write,
# the Prometheus HTTP API for Grafana, /metrics).
# When a local `prometheus` binary exists, it also starts `cairn agent` (relay on 127.0.0.1:19291 with
# its disk queue under ./data/agent) and a Prometheus (data under ./data/prometheus, UI on
# 127.0.0.1:9090) that scrapes itself, the agent and the appliance and remote-writes to the agent, which
# forwards to the appliance — the production path of a VM, on one machine.
# Stop with Ctrl-C: the appliance flushes its head to the WAL and both processes exit.
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -q -B -DskipTests package
data=${CAIRN_DATA_DIR:-./data}
mkdir -p "$data"

prom_pid=
agent_pid=
if command -v prometheus >/dev/null 2>&1; then
  mkdir -p "$data/prometheus"
  cat > "$data/prometheus/prometheus.yml" <<'YAML'
global:
  scrape_interval: 15s
scrape_configs:
  - job_name: prometheus
    static_configs: [{targets: ['127.0.0.1:9090']}]
  - job_name: cairn-appliance
    static_configs: [{targets: ['127.0.0.1:10902']}]
  - job_name: cairn-agent
    static_configs: [{targets: ['127.0.0.1:19291']}]
remote_write:
  - url: http://127.0.0.1:19291/api/v1/write
YAML
  bin/cairn agent --appliance http://127.0.0.1:10902/api/v1/write --data-dir "$data/agent" \
    --relay-address 127.0.0.1:19291 >"$data/agent.log" 2>&1 &
  agent_pid=$!
  echo "started cairn agent (pid $agent_pid, log $data/agent.log) relaying to the appliance"
  prometheus --config.file="$data/prometheus/prometheus.yml" --web.listen-address=127.0.0.1:9090 \
    --storage.tsdb.path="$data/prometheus/data" >"$data/prometheus/prometheus.log" 2>&1 &
  prom_pid=$!
  echo "started prometheus (pid $prom_pid, log $data/prometheus/prometheus.log) remote-writing to the agent"
else
  echo "no prometheus binary found: the appliance runs alone (point a remote_write at http://127.0.0.1:10902/api/v1/receive)"
fi

cleanup() {
  if [ -n "$prom_pid" ]; then kill "$prom_pid" 2>/dev/null || true; wait "$prom_pid" 2>/dev/null || true; fi
  if [ -n "$agent_pid" ]; then kill "$agent_pid" 2>/dev/null || true; wait "$agent_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT INT TERM
echo "appliance: http://127.0.0.1:10902 (try /api/v1/label/__name__/values, /api/v1/query?query=up, /metrics)"
bin/cairn appliance --data-dir "$data"
