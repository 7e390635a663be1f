#!/usr/bin/env python3
"""Run from the repository root after `mvn -B -q -pl tsdb test-compile`.
Restart after SIGKILL, Cairn vs Prometheus 2.42, interleaved, on pristine copies of one promtool bench dir.
usage: restart.py SRC_STORAGE RUNS [cairn-jvm-opts...]"""
import os, shutil, socket, statistics, subprocess, sys, time, urllib.request, re
src, runs = sys.argv[1], int(sys.argv[2])
jvm = sys.argv[3:] or ["-Xmx8g"]
os.makedirs("/tmp/rb", exist_ok=True)
work = "/tmp/rb/work"
CP = "tsdb/target/test-classes:tsdb/target/classes:" + os.path.expanduser("~/.m2/repository/com/google/re2j/re2j/1.8/re2j-1.8.jar")
open("/tmp/rb/p.yml", "w").write("global:\n  scrape_interval: 1h\nscrape_configs: []\n")

def fresh():
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    for d in ("wal", "chunks_head"):
        if os.path.isdir(os.path.join(src, d)):
            shutil.copytree(os.path.join(src, d), os.path.join(work, d))
    subprocess.run(["sync"])

def cpu(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def prom():
    fresh()
    port = free_port()
    log = open("/tmp/rb/prom.log", "w")
    t0 = time.monotonic()
    p = subprocess.Popen(["prometheus", "--config.file=/tmp/rb/p.yml", "--storage.tsdb.path=" + work,
                          "--web.listen-address=127.0.0.1:%d" % port], stdout=log, stderr=log)
    try:
        while time.monotonic() - t0 < 300:
            try:
                if urllib.request.urlopen("http://127.0.0.1:%d/-/ready" % port, timeout=1).status == 200:
                    return time.monotonic() - t0, cpu(p.pid), ""
            except Exception:
                pass
            if p.poll() is not None:
                raise SystemExit("prometheus exited: see /tmp/rb/prom.log")
            time.sleep(0.02)
        raise SystemExit("prometheus not ready in 300 s")
    finally:
        p.kill(); p.wait()
        m = re.findall(r'total_replay_duration=(\S+)', open("/tmp/rb/prom.log").read())

def cairn():
    fresh()
    t0 = time.monotonic()
    p = subprocess.Popen(["java"] + jvm + ["-cp", CP, "dev.cairn.tsdb.head.RestartBench", "--wal", work + "/wal",
                          "--drop-snapshot", "true", "--close", "false"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         cwd=os.getcwd())
    try:
        for line in p.stdout:
            if line.startswith("ready"):
                return time.monotonic() - t0, cpu(p.pid), line.strip()
        raise SystemExit("cairn ended without ready: " + p.stderr.read()[-2000:])
    finally:
        p.kill(); p.wait()

res = {"prometheus": [], "cairn": []}
cp = {"prometheus": [], "cairn": []}
for i in range(runs):
    for name, f in (("cairn", cairn), ("prometheus", prom)) if i % 2 == 0 else (("prometheus", prom), ("cairn", cairn)):
        t, c, info = f()
        res[name].append(t)
        cp[name].append(c)
        print("%d %-10s %.2f s wall %.2f s cpu %s" % (i, name, t, c, info), flush=True)
mp, mc = statistics.median(res["prometheus"]), statistics.median(res["cairn"])
print("median wall: prometheus %.2f s, cairn %.2f s, cairn/prometheus = %.2f" % (mp, mc, mc / mp))
cpp, cpc = statistics.median(cp["prometheus"]), statistics.median(cp["cairn"])
print("median cpu:  prometheus %.2f s, cairn %.2f s, cairn/prometheus = %.2f" % (cpp, cpc, cpc / cpp))
print("load average:", open("/proc/loadavg").read().strip())
