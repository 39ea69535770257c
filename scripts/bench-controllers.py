#!/usr/bin/env python3
"""Many-controller benchmark (issue 13): one `rotate` over N controllers (default 500) x T due tokens (default 4),
all served by one jenkins-sim process (a `controllers:` users file, each controller under its own context path)
at 20 ms latency, concurrency 4 per controller, the run-wide `limits.max_requests_in_flight` (default 64), admin
mode with an API token, one raw file sink per token.

Reports wall time against the ideal bound the caps allow: every request costs at least the latency, at most
`max_requests_in_flight` are in flight at once, and one controller's requests cannot go faster than its own
`concurrency` lets them, so ideal = max(total requests x latency / max_requests_in_flight, the slowest controller's
requests x latency / concurrency, its longest chain of dependent requests x latency). Also the rotator's peak RSS
(/usr/bin/time -v), and its peak open file descriptors and threads (sampled from /proc every 2 ms). Build release
binaries first:

    swift build -c release --product token-rotator && swift build -c release --product jenkins-sim
    scripts/bench-controllers.py --bin .build/release [--controllers 500 --tokens 4 --runs 3]
"""

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import urllib.request
import uuid

import benchsupport


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release", help="folder holding token-rotator and jenkins-sim")
    parser.add_argument("--controllers", type=int, default=500)
    parser.add_argument("--tokens", type=int, default=4, help="due tokens per controller")
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=4, help="each controller's concurrency")
    parser.add_argument("--in-flight", type=int, default=64, help="limits.max_requests_in_flight")
    parser.add_argument("--runs", type=int, default=1, help="repeat the whole benchmark; prints medians at the end")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    runs = [run_once(args) for _ in range(args.runs)]
    if args.runs > 1:
        walls, ideals = zip(*runs)
        print(f"median of {args.runs}: wall {statistics.median(walls):.2f} s "
              f"({statistics.median(walls) / statistics.median(ideals):.2f}x the ideal)")


def run_once(args):
    """Sets up the simulator and an inventory, times one `rotate`, prints what it measured, cleans up.
    Returns (wall seconds, ideal seconds)."""
    work = tempfile.mkdtemp(prefix="bench-controllers-")
    rotator = os.path.join(args.bin, "token-rotator")
    sim = os.path.join(args.bin, "jenkins-sim")
    created = benchsupport.days_ago(120)
    admin_token = "11" + secrets.token_hex(16)
    names = [f"c{c:03d}" for c in range(args.controllers)]
    controllers, csv_rows = [], []
    simulator = None
    try:
        for name in names:
            tokens = []
            for t in range(args.tokens):
                value, token_uuid, token_name = "11" + secrets.token_hex(16), str(uuid.uuid4()), f"token{t}"
                tokens.append({"name": token_name, "uuid": token_uuid, "value": value, "created": created})
                csv_rows.append(f"{name},ci-bot,{token_name},{token_uuid},{created}")
                folder = os.path.join(work, "sinks", name)
                os.makedirs(folder, mode=0o700, exist_ok=True)
                with open(os.path.join(folder, token_name + ".token"), "w") as handle:
                    handle.write(value + "\n")
            controllers.append({"name": name, "users": [
                {"id": "rotation-admin", "password": "p", "admin": True,
                 "tokens": [{"name": "rotator", "uuid": str(uuid.uuid4()), "value": admin_token, "created": created}]},
                {"id": "ci-bot", "password": "p", "tokens": tokens}]})
        users_file = os.path.join(work, "controllers.json")
        with open(users_file, "w") as handle:
            json.dump({"controllers": controllers}, handle)  # JSON is YAML
        simulator = subprocess.Popen(
            [sim, "--port", "0", "--users", users_file, "--latency", f"{args.latency_ms}ms", "--admin-can-generate"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        base = simulator.stdout.readline().strip()
        if not base:
            sys.exit("jenkins-sim did not start")
        root = re.match(r"https?://[^/]+", base).group(0)

        admin_file = os.path.join(work, "admin.token")
        with open(admin_file, "w") as handle:
            handle.write(admin_token + "\n")
        os.chmod(admin_file, 0o600)
        with open(os.path.join(work, "policy.yml"), "w") as handle:
            handle.write("version: 1\ncontrollers:\n" + "".join(
                f"  {name}:\n    url: {base}{name}/\n"
                f"    auth: {{ user: rotation-admin, token_file: {admin_file} }}\n"
                f"    concurrency: {args.concurrency}\n    timeout: 60s\n" for name in names))
            handle.write(f"defaults:\n  max_age: 90d\n  rotate_before: 14d\n  jenkins_expiry: off\n  deliver:\n"
                         f"    - file: {{ path: \"{work}/sinks/{{controller}}/{{name}}.token\" }}\n"
                         f"limits:\n  max_rotations: {len(csv_rows)}\n  max_consecutive_failures: 3\n"
                         f"  max_requests_in_flight: {args.in_flight}\n")
        common = benchsupport.import_inventory(work, rotator, csv_rows)
        for name in names:
            urllib.request.urlopen(urllib.request.Request(f"{root}/_sim/{name}/requests/reset", method="POST")).read()

        result, _, peaks = benchsupport.timed_rotate(rotator, common)
        wall, cpu, rss_mb = peaks["wall"], peaks["user"] + peaks["system"], peaks["rss_mb"]

        requests, chain = [], 0
        for name in names:
            log = json.load(urllib.request.urlopen(f"{root}/_sim/{name}/requests"))
            requests.append(sum(log["counts"].values()))
            # The longest chain: the crumb, then each rotation's requests one after the other.
            per_token = (requests[-1] - log["counts"].get("crumb", 0)) / max(args.tokens, 1)
            chain = max(chain, log["counts"].get("crumb", 0) + per_token)
        latency = args.latency_ms / 1000
        ideal = max(sum(requests) * latency / args.in_flight,
                    max(requests) * latency / args.concurrency, chain * latency)
        rotated = result["rotated"]
        print(f"rotated {rotated} of {len(csv_rows)} tokens ({result['failed']} failed) on {args.controllers} "
              f"controllers; {sum(requests)} requests ({sum(requests) / max(rotated, 1):.2f} per rotation)")
        print(f"wall {wall:.2f} s; ideal {ideal:.2f} s (max of {sum(requests)} x {args.latency_ms} ms / "
              f"{args.in_flight} in flight, one controller's {max(requests)} / {args.concurrency}, "
              f"its chain of {chain:.1f}); ratio {wall / ideal:.2f}x")
        print(f"CPU {cpu:.2f} s = {cpu / max(rotated, 1) * 1000:.2f} ms per rotation; peak RSS {rss_mb:.1f} MB; "
              f"peak open descriptors {peaks['fds']}; peak threads {peaks['threads']}")
        return wall, ideal
    finally:
        benchsupport.clean_up([simulator] if simulator else [], work, args.keep)


if __name__ == "__main__":
    main()
