#!/usr/bin/env python3
"""Zero downtime of blue/green deployments under load, through the embedded HAProxy.

Starts its own greenlight server (build/programs/greenlight) in a temporary folder on free
127.0.0.1 ports, a blue/green group of 4 local instances behind HAProxy, deploys version 1, then
runs four scenarios, each under wrk load through the group's frontend for its whole length:
  (a) all at once, (b) canary 10%, a 3 s pause, 100%, (c) linear 25/50/75/100% with 2 s pauses,
  (d) a rollback during the termination wait (an instant switch back to the old fleet).
The group's terminationWaitSeconds is large; (a)-(c) end it with `greenlight continue`, (d) rolls
back in it. wrk counts non-2xx responses and socket errors through a Lua done() hook; a sampler
reads /VERSION through the frontend all along to see the split and time the switches. Prints for
each scenario requests served, failed and the duration, the switch times, and a total against the
target of 0 failed requests of at least 200,000. Everything it starts carries the environment
marker GREENLIGHT_BENCH_DIR=<its folder> and is stopped at the end, also on a failure or Ctrl-C: `greenlight group delete` stops the
agents and app servers and removes the group's pool, the server gets SIGTERM, and HAProxy — which
outlives the server by design, for the next server to adopt — gets SIGTERM through its pid file in
the bench's folder; a process with the marker still alive after that is reported and killed.
Usage: bench/blue_green_zero_downtime.py [--threads 2] [--connections 32] [--min-seconds 14]
Exit code 0 when the target is met.
"""
import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GREENLIGHT = os.path.join(ROOT, "build", "programs", "greenlight")
TARGET = 200_000

WRK_SCRIPT = """\
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("GL_RESULT requests=%d non2xx=%d connect=%d read=%d write=%d timeout=%d duration_us=%d\\n",
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout, summary.duration))
end
"""

GROUP_YAML = """\
name: web
fleet:
  provider: local
  instances: 4
deploymentConfig: CodeDeployDefault.AllAtOnce
deploymentStyle: blue-green
loadBalancer:
  provider: haproxy
  listen: 127.0.0.1:{port}
  healthCheck: {{path: /health, intervalMs: 200, healthyThreshold: 2, unhealthyThreshold: 2}}
  drainTimeoutSeconds: 10
  startGracePeriodSeconds: 60
blueGreen: {{terminationWaitSeconds: 600}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


class Sampler(threading.Thread):
    """Reads /VERSION through the frontend in a loop, one keep-alive connection, recording
    (time, version) — the version is "error ..." for a failure."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.samples = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def run(self):
        connection = None
        while not self.stopping.is_set():
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/VERSION")
                response = connection.getresponse()
                body = response.read().decode().strip()
                version = body if response.status == 200 else "error %d" % response.status
            except (OSError, http.client.HTTPException) as error:
                connection = None
                version = "error %s" % type(error).__name__
            with self.lock:
                self.samples.append((time.time(), version))
            time.sleep(0.002)

    def since(self, start):
        with self.lock:
            return [s for s in self.samples if s[0] >= start]


class Bench:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="gl-bg-bench-")
        self.marker = ("GREENLIGHT_BENCH_DIR", self.dir)
        self.env = dict(os.environ)
        self.env[self.marker[0]] = self.marker[1]
        # A private copy of the binary: a rebuild of build/ during the run cannot break it.
        self.greenlight = os.path.join(self.dir, "greenlight")
        shutil.copy2(GREENLIGHT, self.greenlight)
        self.server = None
        self.group_created = False
        self.sampler = None
        self.wrk = None
        self.results = []
        self.switches = []

    # --- processes -------------------------------------------------------------------------
    def cli(self, *words, check=True):
        done = subprocess.run([self.greenlight, *words], env=self.env, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError("greenlight %s failed (%d): %s%s" % (" ".join(words), done.returncode,
                                                                   done.stdout, done.stderr))
        return done

    def cli_json(self, *words):
        return json.loads(self.cli(*words, "--output", "json").stdout)

    def start_server(self):
        api = free_port()
        data = os.path.join(self.dir, "data")
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.server = subprocess.Popen([self.greenlight, "server", "--data", data, "--listen", "127.0.0.1:%d" % api],
                                       env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        addr = os.path.join(data, "server.addr")
        for _ in range(300):
            if os.path.exists(addr) and os.path.getsize(addr) > 0:
                break
            if self.server.poll() is not None:
                raise RuntimeError("the server exited with %d" % self.server.returncode)
            time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        self.env["GREENLIGHT_ADDR"] = "127.0.0.1:%d" % api
        with open(os.path.join(data, "admin.token")) as f:
            self.env["GREENLIGHT_TOKEN"] = f.read().strip()

    def processes_with_marker(self):
        wanted = ("%s=%s" % self.marker).encode()
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open("/proc/%s/environ" % entry, "rb") as f:
                    if wanted not in f.read().split(b"\0"):
                        continue
                with open("/proc/%s/stat" % entry) as f:
                    if f.read().split(") ")[-1].startswith("Z"):
                        continue
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    found.append((int(entry), f.read().replace(b"\0", b" ").decode(errors="replace").strip()))
            except OSError:
                pass
        return found

    def cleanup(self):
        if self.sampler:
            self.sampler.stopping.set()
        if self.wrk and self.wrk.poll() is None:
            self.wrk.kill()
            self.wrk.wait()
        if self.server and self.server.poll() is None:
            if self.group_created:
                try:
                    done = self.cli("group", "delete", "sample", "web", check=False)
                    if done.returncode != 0:
                        print("group delete failed: %s%s" % (done.stdout, done.stderr), file=sys.stderr)
                except OSError as error:
                    print("group delete failed: %s" % error, file=sys.stderr)
                # The agents, app servers and HAProxy stop with the group; then the server.
                for _ in range(100):
                    if all(pid == self.server.pid for pid, _ in self.processes_with_marker()):
                        break
                    time.sleep(0.1)
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        # HAProxy outlives the server by design (the next server adopts it); deleting the group
        # only removed its pool. Stop the master of this bench's folder by its pid file.
        pid_file = os.path.join(self.dir, "data", "haproxy", "haproxy.pid")
        try:
            with open(pid_file) as f:
                master = int(f.read().split()[0])
            if any(pid == master for pid, _ in self.processes_with_marker()):
                os.kill(master, signal.SIGTERM)
        except (OSError, ValueError, IndexError):
            pass
        left = []
        for _ in range(100):
            left = self.processes_with_marker()
            if not left:
                break
            time.sleep(0.1)
        if left:
            print("left over after the bench (now killed): %s" % left, file=sys.stderr)
            for pid, _ in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        else:
            print("cleanup: no process of the bench is left (server, agents, app servers, HAProxy)")
        shutil.rmtree(self.dir, ignore_errors=True)
        return not left

    # --- the deployment flow ---------------------------------------------------------------
    def push_version(self, number):
        bundle = os.path.join(self.dir, "sample-app-v%d" % number)
        shutil.copytree(os.path.join(ROOT, "examples", "sample-app"), bundle)
        with open(os.path.join(bundle, "app", "VERSION"), "w") as f:
            f.write("%d\n" % number)
        index = os.path.join(bundle, "app", "index.html")
        with open(index) as f:
            page = f.read()
        with open(index, "w") as f:
            f.write(page.replace('<span id="version">1</span>', '<span id="version">%d</span>' % number))
        pushed = self.cli_json("revision", "push", "sample", bundle, "--description", "version %d" % number)
        sha = pushed.get("sha256") or pushed.get("sha") or pushed.get("revision") or pushed.get("id")
        if not sha:
            raise RuntimeError("no revision id in %s" % pushed)
        return sha

    def status(self, deployment):
        return self.cli_json("status", deployment)

    def wait_for(self, deployment, done, seconds=180, what="", on_poll=None):
        deadline = time.time() + seconds
        while time.time() < deadline:
            d = self.status(deployment)
            if on_poll:
                on_poll(d)
            if done(d):
                return d
            time.sleep(0.15)
        raise RuntimeError("deployment %s did not reach %s: %s" % (deployment, what, json.dumps(d)[:2000]))

    @staticmethod
    def finished(d):
        bg = d.get("blueGreen") or {}
        return d.get("status") in ("Succeeded", "Failed", "Stopped") and bg.get("phase") == "Done"

    def start_wrk(self, script_text=WRK_SCRIPT):
        script = os.path.join(self.dir, "count.lua")
        with open(script, "w") as f:
            f.write(script_text)
        out = open(os.path.join(self.dir, "wrk.txt"), "w+")
        process = subprocess.Popen(["wrk", "-t%d" % self.args.threads, "-c%d" % self.args.connections, "-d600s",
                                    "-s", script, self.frontend], env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.wrk = process
        return process, out

    def wrk_output(self, process, out):
        """Stops wrk and answers what it printed."""
        process.send_signal(signal.SIGINT)
        process.wait(30)
        self.wrk = None
        out.seek(0)
        text = out.read()
        out.close()
        return text

    def stop_wrk(self, process, out):
        text = self.wrk_output(process, out)
        match = re.search(r"GL_RESULT requests=(\d+) non2xx=(\d+) connect=(\d+) read=(\d+) write=(\d+) "
                          r"timeout=(\d+) duration_us=(\d+)", text)
        if not match:
            raise RuntimeError("no result from wrk:\n" + text)
        n = [int(x) for x in match.groups()]
        return {"requests": n[0], "failed": n[1] + n[2] + n[3] + n[4] + n[5],
                "non2xx": n[1], "socket": n[2] + n[3] + n[4] + n[5], "seconds": n[6] / 1e6}

    def scenario(self, name, version, config, rollback=False):
        print("\n## %s" % name, flush=True)
        sha = self.push_version(version)
        wrk, out = self.start_wrk()
        began = time.time()
        time.sleep(1)
        pause_end = [None]

        def note_pause(d):
            bg = d.get("blueGreen") or {}
            if bg.get("phase") == "Shifting" and bg.get("waitUntil"):
                pause_end[0] = parse_time(bg["waitUntil"])

        words = ["deploy", "sample", "web", "--revision", sha]
        if config:
            words += ["--config", config]
        deploy_started = time.time()
        deployment = self.cli_json(*words)["id"]
        baking = self.wait_for(deployment, lambda d: d.get("status") == "Baking" or self.finished(d),
                               what="Baking", on_poll=note_pause)
        if baking.get("status") != "Baking":
            raise RuntimeError("deployment %s ended before its termination wait: %s" % (deployment, baking))
        old, new = str(version - 1), str(version)
        samples = self.sampler.since(deploy_started)
        last_old = max((t for t, v in samples if v == old), default=None)
        first_new = min((t for t, v in samples if v == new), default=None)
        if last_old is not None:
            line = "%s: first response of v%s %.2f s after the deploy command, last of v%s %.2f s after it" % (
                name.split()[0], new, (first_new or last_old) - deploy_started, old, last_old - deploy_started)
            if pause_end[0]:
                line += "; from the end of the last pause to the last v%s response: %d ms" % (
                    old, max(0, round((last_old - pause_end[0]) * 1000)))
            self.switches.append(line)
        if rollback:
            back = time.time()
            rollback_id = self.cli_json("rollback", "sample", "web")["id"]
            switched = self.wait_for(rollback_id, self.finished, what="Done")
            if switched.get("status") != "Succeeded":
                raise RuntimeError("rollback %s: %s" % (rollback_id, json.dumps(switched)[:2000]))
            undone = self.wait_for(deployment, self.finished, what="Done")
            time.sleep(0.5)
            samples = self.sampler.since(back)
            last_new = max((t for t, v in samples if v != old), default=back)
            after = [v for t, v in samples if t > last_new]
            server_ms = (switched.get("blueGreen") or {}).get("switchMs")
            self.switches.append(
                "%s: rollback %s (%s) switchMs %s ms (server side); client side, from the rollback command "
                "until every sampled response is v%s: %d ms (%d samples after it, all v%s); %s is %s"
                % (name.split()[0], rollback_id, switched.get("status"), server_ms, old,
                   round((last_new - back) * 1000), len(after), old, deployment, undone.get("status")))
        else:
            self.cli("continue", deployment)
            done = self.wait_for(deployment, self.finished, what="Done")
            if done.get("status") != "Succeeded":
                raise RuntimeError("deployment %s: %s" % (deployment, json.dumps(done)[:2000]))
        deploy_seconds = time.time() - deploy_started
        while time.time() - began < self.args.min_seconds:
            time.sleep(0.1)
        result = self.stop_wrk(wrk, out)
        bad = [v for t, v in self.sampler.since(began) if v.startswith("error")]
        result.update(name=name, deploy_seconds=deploy_seconds, sampler_failed=len(bad))
        self.results.append(result)
        print("%s: %d requests served, %d failed (non-2xx %d, socket errors %d) in %.1f s of wrk; "
              "the deployment took %.1f s; sampler failures %d"
              % (name, result["requests"], result["failed"], result["non2xx"], result["socket"],
                 result["seconds"], deploy_seconds, len(bad)), flush=True)

    def run(self):
        self.start_server()
        port = free_port()
        self.frontend = "http://127.0.0.1:%d/" % port
        self.cli("app", "create", "sample")
        self.cli("config", "create", "canary-bench", "--steps", "10,pause=3s,100")
        self.cli("config", "create", "linear-bench", "--steps", "25,pause=2s,50,pause=2s,75,pause=2s,100")
        group = os.path.join(self.dir, "group.yaml")
        with open(group, "w") as f:
            f.write(GROUP_YAML.format(port=port))
        self.cli("group", "create", "sample", "--file", group)
        self.group_created = True
        print("server %s, blue/green group of 4 instances behind HAProxy on %s, wrk -t%d -c%d"
              % (self.env["GREENLIGHT_ADDR"], self.frontend, self.args.threads, self.args.connections))
        first = self.cli_json("deploy", "sample", "web", "--revision", self.push_version(1))["id"]
        d = self.wait_for(first, lambda d: d.get("status") in ("Succeeded", "Failed", "Stopped"), what="the end")
        if d.get("status") != "Succeeded":
            raise RuntimeError("version 1: %s" % json.dumps(d)[:2000])
        print("version 1 deployed (%s)" % (d.get("blueGreen") or {}).get("fleetVersion"))
        self.sampler = Sampler(port)
        self.sampler.start()
        self.scenario("(a) all at once", 2, None)
        self.scenario("(b) canary 10%, pause 3 s, 100%", 3, "canary-bench")
        self.scenario("(c) linear 25/50/75/100%, pauses 2 s", 4, "linear-bench")
        self.scenario("(d) rollback during the termination wait", 5, None, rollback=True)

    def report(self):
        print("\n## results (wrk -t%d -c%d through HAProxy)" % (self.args.threads, self.args.connections))
        print("%-46s %10s %7s %9s %9s" % ("scenario", "requests", "failed", "wrk s", "deploy s"))
        for r in self.results:
            print("%-46s %10d %7d %9.1f %9.1f" % (r["name"], r["requests"], r["failed"], r["seconds"], r["deploy_seconds"]))
        served = sum(r["requests"] for r in self.results)
        failed = sum(r["failed"] for r in self.results)
        seconds = sum(r["seconds"] for r in self.results)
        print("%-46s %10d %7d %9.1f   (%.0f req/s)" % ("total", served, failed, seconds, served / max(seconds, 1e-9)))
        print("sampler (sequential GET /VERSION through the frontend): %d requests, %d failed"
              % (len(self.sampler.samples) if self.sampler else 0,
                 sum(r["sampler_failed"] for r in self.results)))
        print("\nswitch times:")
        for line in self.switches:
            print("  " + line)
        met = failed == 0 and served >= TARGET and len(self.results) == 4
        print("\ntarget: 0 failed of >= %s requests: %s (%d failed of %s)"
              % (f"{TARGET:,}", "MET" if met else "NOT MET", failed, f"{served:,}"))
        return met


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--min-seconds", type=float, default=14, help="shortest wrk run per scenario")
    args = parser.parse_args()
    if not os.access(GREENLIGHT, os.X_OK) or not shutil.which("wrk"):
        sys.exit("needs %s (scripts/build.sh) and wrk (scripts/install-deps.sh)" % GREENLIGHT)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    bench = Bench(args)
    met = False
    try:
        bench.run()
        met = bench.report()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    except Exception as error:
        print("bench failed: %s" % error, file=sys.stderr)
        if bench.results:
            bench.report()
    finally:
        clean = bench.cleanup()
    sys.exit(0 if met and clean else 1)


if __name__ == "__main__":
    main()
