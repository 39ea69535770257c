"""What the rotation benchmarks share: importing the inventory and timing one `rotate` under /usr/bin/time -v,
with its peak open descriptors and threads sampled from /proc."""

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time


def days_ago(days):
    """The UTC instant `days` ago, as the inventory and the users file write it."""
    return (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def import_inventory(work, rotator, csv_rows):
    """Writes the CSV, imports it into work/inventory.sqlite; returns the --db/--policy arguments."""
    with open(os.path.join(work, "inventory.csv"), "w") as handle:
        handle.write("controller,user,name,uuid,created\n" + "\n".join(csv_rows) + "\n")
    common = ["--db", os.path.join(work, "inventory.sqlite"), "--policy", os.path.join(work, "policy.yml")]
    subprocess.run([rotator, "inventory", "import", os.path.join(work, "inventory.csv")] + common, check=True,
                   stderr=subprocess.DEVNULL)
    return common


def timed_rotate(rotator, common, wrap=()):
    """Runs `rotate --format json` under /usr/bin/time -v; exits when it fails. Returns (its JSON result,
    time's statistics by name, {"wall", "user", "system", "rss_mb", "fds", "threads"})."""
    process = subprocess.Popen(
        ["/usr/bin/time", "-v"] + list(wrap) + [rotator, "rotate", "--format", "json", "--log-level", "error"]
        + common, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = {"fds": 0, "threads": 0}
    sampler = threading.Thread(target=sample, args=(process.pid, peaks), daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    sampler.join()
    if process.returncode != 0:
        print(stdout[-2000:], stderr[-4000:], file=sys.stderr)
        sys.exit(f"rotate exited {process.returncode}")
    stats = dict(re.findall(r"^\s*(.+?): (.+)$", stderr, re.M))
    peaks.update(
        wall=parse_elapsed(stats["Elapsed (wall clock) time (h:mm:ss or m:ss)"]),
        user=float(stats["User time (seconds)"]), system=float(stats["System time (seconds)"]),
        rss_mb=int(stats["Maximum resident set size (kbytes)"]) / 1024)
    return json.loads(stdout), stats, peaks


def sample(time_pid, peaks):
    """Follows /usr/bin/time's child (the measured command) and records its peak descriptors and threads."""
    child = None
    while child is None:
        try:
            with open(f"/proc/{time_pid}/task/{time_pid}/children") as handle:
                found = handle.read().split()
        except OSError:
            return
        child = int(found[0]) if found else None
        if child is None:
            time.sleep(0.001)
    while True:
        try:
            fds = len(os.listdir(f"/proc/{child}/fd"))
            with open(f"/proc/{child}/status") as handle:
                threads = int(re.search(r"^Threads:\s+(\d+)", handle.read(), re.M).group(1))
        except (OSError, AttributeError):
            return
        peaks["fds"] = max(peaks["fds"], fds)
        peaks["threads"] = max(peaks["threads"], threads)
        time.sleep(0.002)


def clean_up(processes, work, keep):
    """Stops the simulators and removes the work folder (or says where it was kept)."""
    for process in processes:
        process.terminate()
        process.wait()
    if keep:
        print("kept", work)
    else:
        shutil.rmtree(work, ignore_errors=True)


def parse_elapsed(text):
    seconds = 0.0
    for part in (float(p) for p in text.split(":")):
        seconds = seconds * 60 + part
    return seconds
