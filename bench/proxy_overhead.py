#!/usr/bin/env python3
"""Latency and throughput HAProxy adds in front of the sample app, on loopback.

Starts the sample app's server (examples/sample-app/server/server.py) and a plain HAProxy 2.6 in
front of it (a temporary configuration with the settings of greenlight's traffic layer: balance
roundrobin, http-reuse, health checks, the same timeouts) on free 127.0.0.1 ports, then runs wrk
at a fixed rate and at full speed, directly and through HAProxy, in alternating rounds of a few
seconds (the median of the rounds damps other work on the machine), and prints requests/s, p50 and
p99 for both and the difference. Everything it starts is stopped at the end, also on Ctrl-C or a
failure.
Usage: bench/proxy_overhead.py [--seconds 3] [--rounds 3] [--rate 2000] [--connections 20] [--threads 2]
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNIT_US = {"us": 1, "ms": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6}

HAPROXY_CONFIG = """\
global
    maxconn 8000
    stats socket {dir}/admin.sock mode 600 level admin
defaults
    mode http
    option dontlog-normal
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 10s
    timeout queue 5s
    option idle-close-on-response
frontend web
    bind 127.0.0.1:{proxy_port}
    default_backend app
backend app
    balance roundrobin
    http-reuse safe
    option httpchk GET /health
    http-check expect status 200
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout 502 503 504
    default-server inter 500ms fastinter 200ms downinter 1s fall 2 rise 2
    server app1 127.0.0.1:{app_port} check
"""

# wrk has no fixed-rate mode: each connection waits PACE_MS before each request, so `rate` needs
# rate*PACE_MS/1000 connections. A long wait keeps latency from lowering the rate much.
PACE_MS = 50
PACED_SCRIPT = f"function delay() return {PACE_MS} end\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ok(url, what, processes, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        for name, process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode} while waiting for {what}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not answer 200 at {url} within {seconds} s")


def parse_wrk(output):
    def duration_us(match):
        return float(match.group(1)) * UNIT_US[match.group(2)]

    rate = re.search(r"^Requests/sec:\s+([0-9.]+)", output, re.M)
    p50 = re.search(r"^\s*50%\s+([0-9.]+)(us|ms|s|m|h)\s*$", output, re.M)
    p99 = re.search(r"^\s*99%\s+([0-9.]+)(us|ms|s|m|h)\s*$", output, re.M)
    total = re.search(r"^\s*(\d+) requests in", output, re.M)
    if not (rate and p50 and p99 and total):
        raise RuntimeError("unreadable wrk output:\n" + output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(rate.group(1)),
        "p50": duration_us(p50) / 1000,
        "p99": duration_us(p99) / 1000,
        "requests": int(total.group(1)),
        "failed": (sum(int(g) for g in errors.groups()) if errors else 0) + (int(non2xx.group(1)) if non2xx else 0),
    }


def run_wrk(url, seconds, threads, connections, script=None):
    command = ["wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
               "--timeout", "2s", url]
    if script:
        command[1:1] = ["-s", script]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout)


def median_run(runs):
    """Each figure's median over the runs; failures are summed, never hidden."""
    def median(key):
        values = sorted(r[key] for r in runs)
        return values[len(values) // 2]
    return {"rps": median("rps"), "p50": median("p50"), "p99": median("p99"),
            "failed": sum(r["failed"] for r in runs)}


def stop(name, process, sig=signal.SIGTERM, seconds=10):
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop within {seconds} s: killed", file=sys.stderr)
        process.kill()
        process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each kind; the median is printed")
    parser.add_argument("--rate", type=int, default=2000, help="requests/s of the paced runs (about)")
    parser.add_argument("--connections", type=int, default=20, help="connections of the full-speed runs")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    for program in ("wrk", "haproxy", "python3"):
        if shutil.which(program) is None:
            sys.exit(f"{program} is not installed: run scripts/install-deps.sh")

    # Ctrl-C and SIGTERM unwind through the finally below, which stops everything started.
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    processes = []
    work = tempfile.mkdtemp(prefix="greenlight-bench-proxy-")
    try:
        www = os.path.join(work, "www")
        shutil.copytree(os.path.join(ROOT, "examples/sample-app/app"), www)
        app_port, proxy_port = free_port(), free_port()
        with open(os.path.join(work, "app.log"), "w") as log:
            app = subprocess.Popen([sys.executable, os.path.join(ROOT, "examples/sample-app/server/server.py"),
                                    "--port", str(app_port), "--www", www], stdout=log, stderr=log)
        processes.append(("the sample app", app))
        config = os.path.join(work, "haproxy.cfg")
        with open(config, "w") as f:
            f.write(HAPROXY_CONFIG.format(dir=work, app_port=app_port, proxy_port=proxy_port))
        subprocess.run(["haproxy", "-c", "-q", "-f", config], check=True)
        with open(os.path.join(work, "haproxy.log"), "w") as log:
            haproxy = subprocess.Popen(["haproxy", "-db", "-f", config], stdout=log, stderr=log)
        processes.append(("haproxy", haproxy))

        direct = f"http://127.0.0.1:{app_port}/"
        proxied = f"http://127.0.0.1:{proxy_port}/"
        wait_until_ok(direct + "health", "the sample app", processes)
        wait_until_ok(proxied + "health", "haproxy", processes)

        paced = os.path.join(work, "paced.lua")
        with open(paced, "w") as f:
            f.write(PACED_SCRIPT)
        paced_connections = max(args.threads, round(args.rate * PACE_MS / 1000))

        version = subprocess.run(["haproxy", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
        print(f"{version}; python {sys.version.split()[0]}; {os.cpu_count()} cores; load average "
              f"{os.getloadavg()[0]:.1f}; wrk -t{args.threads}, median of {args.rounds} runs of {args.seconds} s")
        print(f"{'':44s} {'requests/s':>11s} {'p50 ms':>8s} {'p99 ms':>8s} {'failed':>7s}")
        for title, script, connections in (
                (f"paced ({args.rate}/s asked, -c{paced_connections})", paced, paced_connections),
                (f"full speed (-c{args.connections})", None, args.connections)):
            runs = {"direct": [], "through haproxy": []}
            for _ in range(args.rounds):
                for name, url in (("direct", direct), ("through haproxy", proxied)):
                    runs[name].append(run_wrk(url, args.seconds, args.threads, connections, script))
            results = {name: median_run(rs) for name, rs in runs.items()}
            for name, r in results.items():
                print(f"{title + ', ' + name:44s} {r['rps']:11.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['failed']:7d}")
            d, p = results["direct"], results["through haproxy"]
            print(f"{title + ', haproxy adds':44s} {p['rps'] - d['rps']:+11.0f} {p['p50'] - d['p50']:+8.2f} "
                  f"{p['p99'] - d['p99']:+8.2f}")
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"proxy_overhead: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        for name, process in reversed(processes):
            stop(name, process, signal.SIGUSR1 if name == "haproxy" else signal.SIGTERM)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
