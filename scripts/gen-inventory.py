#!/usr/bin/env python3
"""Generate an inventory CSV for `token-rotator inventory import` (benchmarks, demos, load tests).

Writes the header `controller,user,name,uuid,created` and N tokens spread over 50 controllers and 5,000 users,
with creation instants spread uniformly over the two years before --as-of. The same --seed gives the same file.

    scripts/gen-inventory.py --count 100000 --as-of 2026-06-01T00:00:00Z --seed 1 > inventory.csv
"""

import argparse
import csv
import datetime
import random
import sys
import uuid

CONTROLLERS = 50
USERS = 5_000
SPREAD = datetime.timedelta(days=730)
TOKEN_NAMES = ["ci", "deploy", "nightly", "release", "scanner", "backup", "metrics", "sync"]


def parse_instant(text):
    if len(text) == 10:
        text += "T00:00:00Z"
    instant = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if instant.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text}: add a zone (Z or +HH:MM)")
    return instant.astimezone(datetime.timezone.utc)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", "-n", type=int, default=100_000, help="number of tokens (default 100000)")
    parser.add_argument("--as-of", type=parse_instant, default=parse_instant("2026-06-01T00:00:00Z"),
                        help="ages end at this ISO 8601 instant (default 2026-06-01T00:00:00Z)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--output", "-o", help="write here instead of stdout")
    args = parser.parse_args()
    if args.count < 0:
        parser.error("--count must be >= 0")

    rng = random.Random(args.seed)
    output = open(args.output, "w", newline="") if args.output else sys.stdout
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(["controller", "user", "name", "uuid", "created"])
    spread_ms = int(SPREAD.total_seconds() * 1000)
    for index in range(args.count):
        controller = f"ci-{index % CONTROLLERS:02d}"
        user = f"svc-{rng.randrange(USERS):04d}"
        # The index keeps (controller, user, name) unique even when users repeat.
        name = f"{TOKEN_NAMES[index % len(TOKEN_NAMES)]}-{index}"
        token_uuid = uuid.UUID(int=rng.getrandbits(128), version=4)
        created = args.as_of - datetime.timedelta(milliseconds=rng.randrange(spread_ms))
        writer.writerow([controller, user, name, str(token_uuid),
                         created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond // 1000:03d}Z"])
    if args.output:
        output.close()


if __name__ == "__main__":
    main()
