#!/usr/bin/env python3
"""In-place AllAtOnce of a no-op revision to N local instances, end to end through a real server.

For each N (default 10 100 300): starts `greenlight server` on a fresh data folder, creates a
group of N local instances (N real agent processes), waits until all are online, pushes a revision
with no files and no hooks, then times `greenlight deploy --wait` from the call to Succeeded.
Prints per N: wall time, wall time per instance, the server's CPU time during the deployment
(user+system, from /proc) and that CPU per instance — the orchestration overhead, since the
lifecycle itself runs in the agents.
Usage: bench/deploy_overhead.py [--greenlight build/programs/greenlight] [N ...]
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def run(greenlight, count):
    with tempfile.TemporaryDirectory(prefix="greenlight-bench-") as work:
        data = os.path.join(work, "data")
        env = dict(os.environ, GREENLIGHT_BENCH_DIR=work)
        with open(os.path.join(work, "server.log"), "w") as log:
            server = subprocess.Popen([greenlight, "server", "--data", data, "--listen", "127.0.0.1:0"],
                                      stdout=log, stderr=log, env=env)
        try:
            addr_file = os.path.join(data, "server.addr")
            deadline = time.time() + 60
            while not (os.path.exists(addr_file) and os.path.getsize(addr_file) > 0):
                if time.time() > deadline or server.poll() is not None:
                    sys.exit("the server did not start; see " + os.path.join(work, "server.log"))
                time.sleep(0.05)
            env["GREENLIGHT_ADDR"] = open(addr_file).read().strip()
            env["GREENLIGHT_TOKEN"] = open(os.path.join(data, "admin.token")).read().strip()

            def cli(*args, parse=False):
                out = subprocess.run([greenlight, *args] + (["--output", "json"] if parse else []),
                                     env=env, check=True, capture_output=True, text=True).stdout
                return json.loads(out) if parse else out

            cli("app", "create", "bench")
            group = os.path.join(work, "group.yaml")
            with open(group, "w") as f:
                f.write(f"name: fleet\nfleet:\n  provider: local\n  instances: {count}\n")
            started = time.time()
            cli("group", "create", "bench", "--file", group)
            while True:
                online = sum(1 for i in cli("instances", "bench", "fleet", parse=True)["instances"]
                             if i["lifecycle"] == "Running")
                if online == count:
                    break
                if time.time() - started > 300:
                    sys.exit(f"only {online} of {count} agents came online")
                time.sleep(0.2)
            fleet_up = time.time() - started
            bundle = os.path.join(work, "noop")
            os.makedirs(bundle)
            with open(os.path.join(bundle, "appspec.yml"), "w") as f:
                f.write("version: 0.0\nos: linux\n")
            cli("revision", "push", "bench", bundle)
            before = cpu_seconds(server.pid)
            t0 = time.time()
            result = cli("deploy", "bench", "fleet", "--revision", "latest", "--config",
                         "CodeDeployDefault.AllAtOnce", "--wait", parse=True)
            wall = time.time() - t0
            cpu = cpu_seconds(server.pid) - before
            if result.get("status") != "Succeeded":
                sys.exit(f"deployment ended {result.get('status')}: {result.get('errorMessage')}")
            print(f"{count:5d} instances: deploy {wall:7.2f} s wall ({1000 * wall / count:6.1f} ms/instance), "
                  f"server CPU {cpu:6.2f} s ({1000 * cpu / count:5.2f} ms/instance), "
                  f"fleet start {fleet_up:6.1f} s", flush=True)
            cli("group", "delete", "bench", "fleet")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--greenlight", default=os.path.join(os.path.dirname(__file__), "..", "build", "programs", "greenlight"))
    parser.add_argument("counts", nargs="*", type=int, default=[10, 100, 300])
    args = parser.parse_args()
    for count in args.counts:
        run(os.path.abspath(args.greenlight), count)


if __name__ == "__main__":
    main()
