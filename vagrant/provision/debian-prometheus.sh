#!/bin/sh
# Debian 12: Debian's Prometheus 2.42, remote-writing to the local cairn-agent's relay.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends prometheus
cat > /etc/prometheus/prometheus.yml <<'YML'
global:
  scrape_interval: 15s
scrape_configs:
  - job_name: prometheus
    static_configs: [{targets: ['127.0.0.1:9090']}]
  - job_name: cairn-agent
    static_configs: [{targets: ['127.0.0.1:10902']}]
remote_write:
  - url: http://127.0.0.1:19291/api/v1/write
YML
systemctl restart prometheus
