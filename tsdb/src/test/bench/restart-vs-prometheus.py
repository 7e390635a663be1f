#!/usr/bin/env python3
"""Restart time, Cairn vs Prometheus 2.42, interleaved, each run from a pristine copy of one
`promtool tsdb bench write` storage dir (its WAL and chunks_head). Run from the repository root after
`mvn -B -q -o -pl tsdb -am test-compile`.

usage: restart-vs-prometheus.py SRC_STORAGE RUNS [--mode MODE] [cairn JVM options...]

MODE (what Cairn starts from; Prometheus always replays its chunks_head + whole WAL, which is what
it does after SIGKILL, and after a clean stop too unless --enable-feature=memory-snapshot-on-shutdown):
  crash          SIGKILL, no Cairn snapshot: chunks_head attached, whole WAL replayed (default)
  crash-snap:N   SIGKILL N full WAL segments after Cairn's last periodic snapshot: the snapshot Cairn would
                 have written after segment (last - N) and the chunks_head it would have written up to
                 the kill (prepared once from Prometheus's chunks_head, RestartBench --snapshot-at
                 --then-wal), and the whole WAL; the start replays the N last segments
  clean          clean stop: the snapshot Cairn's close writes, nothing to replay
Work files go to /tmp/restart-bench.<pid> (deleted at the end); ready = Cairn's Head.open returned /
Prometheus's /-/ready answered 200, both from the fork, so JVM start-up counts."""
import os, shutil, socket, statistics, subprocess, sys, time, urllib.request

src, runs = sys.argv[1], int(sys.argv[2])
rest = sys.argv[3:]
mode = "crash"
if len(rest) >= 2 and rest[0] == "--mode":
    mode, rest = rest[1], rest[2:]
jvm = rest or ["-Xmx8g"]
base = "/tmp/restart-bench.%d" % os.getpid()
work = base + "/work"
prepared = base + "/cairn-prepared"
os.makedirs(base)
m2 = os.path.expanduser("~/.m2/repository/com/google/re2j/re2j/1.8/re2j-1.8.jar")
CP = "tsdb/target/test-classes:tsdb/target/classes:" + m2
open(base + "/p.yml", "w").write("global:\n  scrape_interval: 1h\nscrape_configs: []\n")
segments = sorted(f for f in os.listdir(os.path.join(src, "wal")) if f.isdigit())


def bench_java(args, **kw):
    return subprocess.run(["java"] + jvm + ["-cp", CP, "dev.cairn.tsdb.head.RestartBench"] + args,
                          check=True, capture_output=True, text=True, **kw)


def copy_tree(frm, to, only=None):
    os.makedirs(to, exist_ok=True)
    for f in sorted(os.listdir(frm)):
        if only is None or f in only:
            p = os.path.join(frm, f)
            (shutil.copytree if os.path.isdir(p) else shutil.copy2)(p, os.path.join(to, f))


def prepare():
    """Cairn's own files for the modes that start from a snapshot; the WAL is the source's."""
    if mode == "crash":
        return
    os.makedirs(prepared)
    if mode == "clean":
        copy_tree(src, prepared, only=("wal", "chunks_head"))
        bench_java(["--wal", prepared + "/wal", "--drop-snapshot", "true"])  # close writes the snapshot
        shutil.rmtree(prepared + "/wal")
        # the WAL as close left it (close starts a segment at open: the snapshot names the last one)
        copy_tree(src, prepared, only=("wal",))
        return
    n = int(mode.split(":")[1])
    at = int(segments[-1]) - n
    if at < 0:
        raise SystemExit("%s: the WAL has only %d segments" % (mode, len(segments)))
    # Prometheus's full chunks (same file format; Cairn takes series refs from the same WAL): the
    # replay up to the snapshot attaches them instead of encoding every sample again
    copy_tree(src, prepared, only=("chunks_head",))
    os.makedirs(prepared + "/wal")
    for s in segments:
        if int(s) <= at:
            shutil.copy2(os.path.join(src, "wal", s), os.path.join(prepared, "wal", s))
    out = bench_java(["--wal", prepared + "/wal", "--snapshot-at", str(at), "--then-wal", os.path.join(src, "wal")]).stdout
    print("prepared:", out.strip(), flush=True)
    shutil.rmtree(prepared + "/wal")
    copy_tree(src, prepared, only=("wal",))


def fresh(frm):
    shutil.rmtree(work, ignore_errors=True)
    copy_tree(frm, work, only=None if frm == prepared else ("wal", "chunks_head"))
    subprocess.run(["sync"])


def cpu(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def prom():
    fresh(src)
    port = free_port()
    log = open(base + "/prom.log", "w")
    t0 = time.monotonic()
    p = subprocess.Popen(["prometheus", "--config.file=" + base + "/p.yml", "--storage.tsdb.path=" + work,
                          "--web.listen-address=127.0.0.1:%d" % port], stdout=log, stderr=log)
    try:
        while time.monotonic() - t0 < 300:
            try:
                if urllib.request.urlopen("http://127.0.0.1:%d/-/ready" % port, timeout=1).status == 200:
                    return time.monotonic() - t0, cpu(p.pid), ""
            except Exception:
                pass
            if p.poll() is not None:
                raise SystemExit("prometheus exited: see " + base + "/prom.log")
            time.sleep(0.02)
        raise SystemExit("prometheus not ready in 300 s")
    finally:
        p.kill()
        p.wait()


def cairn():
    fresh(src if mode == "crash" else prepared)
    t0 = time.monotonic()
    err = open(base + "/cairn.err", "w+")
    p = subprocess.Popen(["java"] + jvm + ["-cp", CP, "dev.cairn.tsdb.head.RestartBench", "--wal", work + "/wal",
                          "--drop-snapshot", "true" if mode == "crash" else "false", "--close", "false"],
                         stdout=subprocess.PIPE, stderr=err, text=True)
    try:
        for line in p.stdout:
            if line.startswith("ready"):
                t, c = time.monotonic() - t0, cpu(p.pid)
                # Head.open's phases, from its log line (written before "ready")
                err.seek(0)
                phases = [l[l.rfind("(chunks_head"):].strip() for l in err if "Opened head" in l]
                return t, c, line.strip() + (" " + phases[0] if phases else "")
        err.seek(0)
        raise SystemExit("cairn ended without ready: " + err.read()[-2000:])
    finally:
        p.kill()
        p.wait()


try:
    prepare()
    print("mode %s, %d WAL segments, JVM %s" % (mode, len(segments), " ".join(jvm)), flush=True)
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
finally:
    shutil.rmtree(base, ignore_errors=True)
