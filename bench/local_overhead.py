#!/usr/bin/env python3
"""greenlight local overhead: a revision whose 9 hooks each `exit 0`, deployed end to end.

Every hookable event runs (the traffic events too, with --with-load-balancer; the revision is
deployed once beforehand so ApplicationStop and the Block hooks have a previous revision to run).
Prints the median, min and max wall time of N runs (default 20).
Usage: bench/local_overhead.py [--greenlight build/programs/greenlight] [--runs 20]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HOOKS = ["BeforeBlockTraffic", "AfterBlockTraffic", "ApplicationStop", "BeforeInstall", "AfterInstall",
         "ApplicationStart", "ValidateService", "BeforeAllowTraffic", "AfterAllowTraffic"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--greenlight", default=os.path.join(os.path.dirname(__file__), "..", "build", "programs", "greenlight"))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="greenlight-bench-") as work:
        bundle = os.path.join(work, "bundle")
        os.makedirs(os.path.join(bundle, "scripts"))
        with open(os.path.join(bundle, "appspec.yml"), "w") as appspec:
            appspec.write("version: 0.0\nos: linux\nhooks:\n")
            for hook in HOOKS:
                appspec.write(f"  {hook}:\n    - location: scripts/ok.sh\n")
        script = os.path.join(bundle, "scripts", "ok.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(script, 0o755)
        command = [args.greenlight, "local", "--bundle", bundle, "--type", "directory", "--with-load-balancer",
                   "--root", os.path.join(work, "root"), "--install-root", os.path.join(work, "host"),
                   "--output", "json"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            timings.append((time.perf_counter() - start) * 1000)
    print(f"greenlight local, 9 hooks of `exit 0`, {args.runs} runs:")
    print(f"  median {statistics.median(timings):.1f} ms   min {min(timings):.1f} ms   max {max(timings):.1f} ms")
    print(f"  per hook (median / 9): {statistics.median(timings) / 9:.2f} ms")


if __name__ == "__main__":
    sys.exit(main())
