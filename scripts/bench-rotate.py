#!/usr/bin/env python3
"""Rotation benchmark (issue 4): rotate 2,000 due tokens across 20 users on 2 controllers, each a separate
jenkins-sim process with 5 ms latency, concurrency 8, admin mode with an API token, one raw file sink per token.

Reports wall time against the ideal bound (per controller: requests x latency / concurrency; the controllers run
in parallel, so the bound is the larger of the two), CPU time per rotation and peak RSS of the token-rotator
process (from /usr/bin/time -v), its context switches, and the simulators' CPU per request. Build release
binaries first:

    swift build -c release --product token-rotator && swift build -c release --product jenkins-sim
    scripts/bench-rotate.py --bin .build/release [--runs 3 --pause 150]

TMPDIR=/dev/shm puts the work folder (inventory and token files) on tmpfs. After the runs it measures the
durable-write floor on the same file system (scripts/durable-write-floor.c: temp file, write, fsync, rename,
folder fsync, 8 threads, one file per token), the kernel CPU a token file costs whoever writes it.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import tempfile
import time
import urllib.request
import uuid

import benchsupport

CONTROLLERS = 2
USERS_PER_CONTROLLER = 10


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release", help="folder holding token-rotator and jenkins-sim")
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--latency-ms", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--defaults", default="", help="extra policy defaults, e.g. 'verify: false' (experiments)")
    parser.add_argument("--wrap", default="", help="prefix for the measured command, e.g. 'perf record -g -o /tmp/p'")
    parser.add_argument("--runs", type=int, default=1, help="repeat the whole benchmark; prints medians at the end")
    parser.add_argument("--pause", type=float, default=0,
                        help="seconds to wait before each repeat (ext4 without a journal makes a run pay for the "
                             "files the previous one deleted in the last minutes; 150 s clears it)")
    args = parser.parse_args()

    runs = []
    for index in range(args.runs):
        if index > 0 and args.pause > 0:
            time.sleep(args.pause)
        runs.append(run_once(args))
    floor = durable_write_floor(args.tokens, args.concurrency)
    if floor is not None:
        cpus = [run[2] for run in runs]
        print(f"durable-write floor here: {floor:.3f} ms CPU per file; the rotator's CPU per rotation above it: "
              f"{statistics.median(cpus) - floor:.2f} ms")
    if args.runs > 1:
        walls, ideals, cpus = zip(*runs)
        print(f"median of {args.runs}: wall {statistics.median(walls):.2f} s "
              f"({statistics.median(walls) / statistics.median(ideals):.2f}x the ideal), "
              f"CPU {statistics.median(cpus):.2f} ms per rotation")


def run_once(args):
    """Sets up two simulators and an inventory, times one `rotate`, prints what it measured, cleans up.
    Returns (wall seconds, ideal seconds, CPU milliseconds per rotation)."""
    work = tempfile.mkdtemp(prefix="bench-rotate-")
    rotator = os.path.join(args.bin, "token-rotator")
    sim = os.path.join(args.bin, "jenkins-sim")
    created = benchsupport.days_ago(120)
    admin_token = "11" + secrets.token_hex(16)
    per_controller = args.tokens // CONTROLLERS
    processes, urls, csv_rows = [], [], []
    try:
        for c in range(CONTROLLERS):
            users = [{"id": "rotation-admin", "password": "p", "admin": True,
                      "tokens": [{"name": "rotator", "uuid": str(uuid.uuid4()), "value": admin_token,
                                  "created": created}]}]
            for u in range(USERS_PER_CONTROLLER):
                user = f"user{u:02d}"
                tokens = []
                for t in range(per_controller // USERS_PER_CONTROLLER):
                    value = "11" + secrets.token_hex(16)
                    token_uuid = str(uuid.uuid4())
                    name = f"token{t:03d}"
                    tokens.append({"name": name, "uuid": token_uuid, "value": value, "created": created})
                    csv_rows.append(f"c{c},{user},{name},{token_uuid},{created}")
                    path = os.path.join(work, "sinks", f"c{c}", user)
                    os.makedirs(path, mode=0o700, exist_ok=True)
                    with open(os.path.join(path, name + ".token"), "w") as handle:
                        handle.write(value + "\n")
                users.append({"id": user, "password": "p", "admin": False, "tokens": tokens})
            users_file = os.path.join(work, f"users-c{c}.json")
            with open(users_file, "w") as handle:
                json.dump({"users": users}, handle)  # JSON is YAML
            process = subprocess.Popen(
                [sim, "--port", "0", "--users", users_file, "--latency", f"{args.latency_ms}ms",
                 "--admin-can-generate"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            processes.append(process)
            urls.append(process.stdout.readline().strip())

        with open(os.path.join(work, "admin.token"), "w") as handle:
            handle.write(admin_token + "\n")
        os.chmod(os.path.join(work, "admin.token"), 0o600)
        controllers = "".join(
            f"  c{c}:\n    url: {url}\n    auth: {{ user: rotation-admin, token_file: {work}/admin.token }}\n"
            f"    concurrency: {args.concurrency}\n    timeout: 30s\n" for c, url in enumerate(urls))
        with open(os.path.join(work, "policy.yml"), "w") as handle:
            handle.write(f"version: 1\ncontrollers:\n{controllers}defaults:\n  max_age: 90d\n  rotate_before: 14d\n"
                         f"  jenkins_expiry: off\n{''.join('  ' + line + chr(10) for line in args.defaults.split(';') if line)}"
                         f"  deliver:\n"
                         f"    - file: {{ path: \"{work}/sinks/{{controller}}/{{user}}/{{name}}.token\" }}\n"
                         f"limits:\n  max_rotations: {args.tokens}\n  max_consecutive_failures: 3\n")
        common = benchsupport.import_inventory(work, rotator, csv_rows)
        for url in urls:
            urllib.request.urlopen(urllib.request.Request(url + "_sim/requests/reset", method="POST")).read()

        sim_cpu_before = [process_cpu(process.pid) for process in processes]
        result, stats, peaks = benchsupport.timed_rotate(rotator, common, wrap=args.wrap.split())
        sim_cpu = sum(process_cpu(process.pid) for process in processes) - sum(sim_cpu_before)
        wall, user, system = peaks["wall"], peaks["user"], peaks["system"]
        cpu = user + system
        rss_mb = peaks["rss_mb"]
        requests = []
        for url in urls:
            counts = json.load(urllib.request.urlopen(url + "_sim/requests"))["counts"]
            requests.append(sum(counts.values()))
        ideal = max(r * args.latency_ms / 1000 / args.concurrency for r in requests)
        rotated = result["rotated"]
        print(f"rotated {rotated} of {args.tokens} tokens ({result['failed']} failed) on {CONTROLLERS} controllers")
        print(f"requests per controller: {requests} ({sum(requests) / max(rotated, 1):.2f} per rotation)")
        print(f"wall {wall:.2f} s; ideal {ideal:.2f} s (requests x {args.latency_ms} ms / {args.concurrency}); "
              f"ratio {wall / ideal:.2f}x")
        print(f"CPU {cpu:.2f} s ({user:.2f} user, {system:.2f} system) = {cpu / max(rotated, 1) * 1000:.2f} ms per "
              f"rotation; peak RSS {rss_mb:.1f} MB")
        switches = int(stats["Voluntary context switches"]) + int(stats["Involuntary context switches"])
        print(f"context switches {switches} = {switches / max(rotated, 1):.1f} per rotation")
        print(f"simulators' CPU {sim_cpu:.2f} s = {sim_cpu / max(sum(requests), 1) * 1e6:.0f} us per request")
        return wall, ideal, cpu / max(rotated, 1) * 1000
    finally:
        benchsupport.clean_up(processes, work, args.keep)


def durable_write_floor(files, threads):
    """CPU milliseconds per durable file creation in a fresh folder under TMPDIR, or None without a C compiler."""
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "durable-write-floor.c")
    folder = tempfile.mkdtemp(prefix="bench-floor-")
    try:
        binary = os.path.join(folder, "durable-write-floor")
        try:
            subprocess.run(["cc", "-O2", "-pthread", "-o", binary, source], check=True)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"durable-write floor not measured: {error}")
            return None
        target = os.path.join(folder, "files")
        os.mkdir(target)
        output = subprocess.run([binary, target, str(files), str(threads)], check=True, capture_output=True,
                                text=True).stdout
        return json.loads(output)["cpu_ms_per_file"]
    finally:
        subprocess.run(["rm", "-rf", folder], check=False)


def process_cpu(pid):
    """User + system CPU seconds of a running process, from /proc."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
