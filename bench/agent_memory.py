#!/usr/bin/env python3
"""Peak memory of `greenlight local` deploying a 200 MB bundle of 10,000 files.

Builds a tgz (and a zip) of 10,000 files of 20 KB of random bytes, whose AppSpec installs them all,
then runs `greenlight local` on each and prints its peak RSS (from wait4's rusage) and wall time.
Usage: bench/agent_memory.py [--greenlight build/programs/greenlight] [--files 10000] [--file-kb 20]
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time


def peak_rss_of(command):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"greenlight failed: {process.stderr.read().decode()[-2000:]}")
    return usage.ru_maxrss / 1024.0, elapsed  # ru_maxrss is in KiB on Linux


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--greenlight", default=os.path.join(os.path.dirname(__file__), "..", "build", "programs", "greenlight"))
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--file-kb", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="greenlight-bench-") as work:
        bundle = os.path.join(work, "bundle")
        data = os.path.join(bundle, "data")
        for i in range(args.files):
            folder = os.path.join(data, f"d{i // 100:03d}")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, f"f{i:05d}.bin"), "wb") as f:
                f.write(os.urandom(args.file_kb * 1024))
        with open(os.path.join(bundle, "appspec.yml"), "w") as f:
            f.write("version: 0.0\nos: linux\nfiles:\n  - source: data\n    destination: /srv/data\n")
        total_mb = args.files * args.file_kb / 1024
        subprocess.run(["tar", "-C", work, "-czf", os.path.join(work, "bundle.tgz"), "bundle"], check=True)
        subprocess.run(["zip", "-qr0", os.path.join(work, "bundle.zip"), "bundle"], cwd=work, check=True)
        print(f"bundle: {args.files} files, {total_mb:.0f} MB of content")
        for kind in ["tgz", "zip", "directory"]:
            source = bundle if kind == "directory" else os.path.join(work, f"bundle.{kind}")
            root = os.path.join(work, f"root-{kind}")
            host = os.path.join(work, f"host-{kind}")
            rss, seconds = peak_rss_of([args.greenlight, "local", "--bundle", source, "--type", kind,
                                        "--root", root, "--install-root", host, "--output", "json"])
            print(f"  {kind:9s} peak RSS {rss:6.1f} MiB   wall {seconds:5.2f} s")
            subprocess.run(["rm", "-rf", root, host], check=True)


if __name__ == "__main__":
    sys.exit(main())
