#!/usr/bin/env python3
"""Idle long-polling agents: how many one greenlight server holds, and its memory at each count.

Starts `greenlight server` on a fresh data folder with a static group, enrols N simulated agents
through the real enrolment route (each gets its own credential), then parks every agent's
"give me work" long-poll (GET /v1/agent/commands?wait=25) from this one asyncio process and reads
the server's resident memory (VmRSS) and CPU once all are parked. Default N: 1000 5000.
Usage: bench/idle_agents.py [--greenlight build/programs/greenlight] [N ...]
"""
import argparse
import asyncio
import http.client
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

TICKS = os.sysconf("SC_CLK_TCK")


def status_field(pid, name):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def park(host, port, token, parked):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write((f"GET /v1/agent/commands?wait=25 HTTP/1.1\r\nHost: {host}\r\n"
                  f"Authorization: Bearer {token}\r\n\r\n").encode())
    await writer.drain()
    parked.append(writer)
    try:
        await reader.read(1)  # the answer (after the wait) or the close
    except ConnectionError:
        pass


async def hold(host, port, tokens, server_pid):
    parked = []
    tasks = [asyncio.create_task(park(host, port, token, parked)) for token in tokens]
    while len(parked) < len(tokens):
        await asyncio.sleep(0.05)
    await asyncio.sleep(2)  # let the server read and park the last requests
    before = cpu_seconds(server_pid)
    await asyncio.sleep(5)
    idle_cpu = cpu_seconds(server_pid) - before
    rss = status_field(server_pid, "VmRSS")
    threads = status_field(server_pid, "Threads")
    for writer in parked:
        writer.close()
    for task in tasks:
        task.cancel()
    return rss, idle_cpu, threads


def run(greenlight, count):
    with tempfile.TemporaryDirectory(prefix="greenlight-bench-") as work:
        data = os.path.join(work, "data")
        with open(os.path.join(work, "server.log"), "w") as log:
            server = subprocess.Popen([greenlight, "server", "--data", data, "--listen", "127.0.0.1:0",
                                       "--agent-timeout", "120"], stdout=log, stderr=log)
        try:
            addr_file = os.path.join(data, "server.addr")
            deadline = time.time() + 60
            while not (os.path.exists(addr_file) and os.path.getsize(addr_file) > 0):
                if time.time() > deadline or server.poll() is not None:
                    sys.exit("the server did not start; see its log in " + work)
                time.sleep(0.05)
            address = open(addr_file).read().strip()
            host, port = address.rsplit(":", 1)
            env = dict(os.environ, GREENLIGHT_ADDR=address,
                       GREENLIGHT_TOKEN=open(os.path.join(data, "admin.token")).read().strip())

            def cli(*args):
                return json.loads(subprocess.run([greenlight, *args, "--output", "json"], env=env, check=True,
                                                 capture_output=True, text=True).stdout)

            cli("app", "create", "bench")
            group = os.path.join(work, "group.yaml")
            with open(group, "w") as f:
                f.write("name: fleet\nfleet:\n  provider: static\n")
            cli("group", "create", "bench", "--file", group)
            enrolment = cli("group", "enrolment-token", "bench", "fleet")["token"]
            rss_empty = status_field(server.pid, "VmRSS")
            connection = http.client.HTTPConnection(host, int(port))
            tokens = []
            t0 = time.time()
            for i in range(count):
                connection.request("POST", "/v1/agent/enrol", json.dumps({"hostName": f"sim-{i:05d}"}),
                                   {"Authorization": f"Bearer {enrolment}", "Content-Type": "application/json"})
                response = connection.getresponse()
                body = response.read()
                if response.status != 201:
                    sys.exit(f"enrolment {i} answered {response.status}: {body[:200]}")
                tokens.append(json.loads(body)["token"])
            enrol_seconds = time.time() - t0
            rss, idle_cpu, threads = asyncio.run(hold(host, port, tokens, server.pid))
            print(f"{count:5d} agents parked: server RSS {rss / 1024:7.1f} MiB "
                  f"({(rss - rss_empty) / count:5.1f} KiB/agent over {rss_empty / 1024:.1f} MiB empty), "
                  f"{threads} threads, idle CPU {idle_cpu / 5 * 100:4.1f}% of a core, "
                  f"enrolment {1000 * enrol_seconds / count:5.2f} ms/agent", flush=True)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--greenlight", default=os.path.join(os.path.dirname(__file__), "..", "build", "programs", "greenlight"))
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 5000])
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    for count in args.counts:
        run(os.path.abspath(args.greenlight), count)


if __name__ == "__main__":
    main()
