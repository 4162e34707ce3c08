#!/usr/bin/env python3
"""Versioned Auto Scaling group deployments through a real server against moto_server.

For each N (default 2 10 30): starts moto_server and `greenlight server --aws-region us-east-1
--aws-endpoint-url <moto>` on fresh folders, makes two target groups and a weighted listener, a
blue/green aws group of N instances behind them, and a bridge (as the tests' one) that starts a
real `greenlight agent` for each instance moto launches. Then deploys a no-op revision three times
(v001 made; v002 made, v001 deleted with its launch template and alarm; v003 likewise) and prints,
per deployment: wall time from `deploy` to Succeeded, the server's CPU (user+system from /proc),
and the server's peak RSS at the end. moto answers instantly, so the figures are greenlight's own
cost plus the agents' lifecycles, not EC2's boot time.
Usage: bench/aws_versions.py [--greenlight build/programs/greenlight] [N ...]
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import boto3

TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def wait_for(predicate, seconds, what):
    deadline = time.time() + seconds
    while not predicate():
        if time.time() > deadline:
            sys.exit("timed out waiting for " + what)
        time.sleep(0.05)


class Bridge(threading.Thread):
    """Starts an agent for each running instance greenlight tagged; stops it when it terminates."""

    def __init__(self, ec2, greenlight, data, address, work, env):
        super().__init__(daemon=True)
        self.ec2, self.greenlight, self.data, self.address, self.work, self.env = ec2, greenlight, data, address, work, env
        self.agents = {}
        self.stopping = False

    def run(self):
        while not self.stopping:
            seen = {}
            for reservation in self.ec2.describe_instances(
                    Filters=[{"Name": "tag:greenlight:managed", "Values": ["true"]}])["Reservations"]:
                for instance in reservation["Instances"]:
                    tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
                    seen[instance["InstanceId"]] = (instance["State"]["Name"], tags.get("greenlight:group", ""))
            for instance_id, (state, group) in seen.items():
                if state == "running" and instance_id not in self.agents and group:
                    root = os.path.join(self.work, instance_id)
                    os.makedirs(root, exist_ok=True)
                    env = dict(self.env, GREENLIGHT_INSTANCE_ID=instance_id)
                    with open(os.path.join(root, "agent.log"), "w") as log:
                        self.agents[instance_id] = subprocess.Popen(
                            [self.greenlight, "agent", "--server", self.address, "--enrolment-token-file",
                             os.path.join(self.data, "fleet", group, "enrolment.token"), "--root",
                             os.path.join(root, "agent-root"), "--install-root", os.path.join(root, "install"),
                             "--instance-id", instance_id, "--host-name", instance_id],
                            stdout=log, stderr=log, env=env, start_new_session=True)
            for instance_id in [i for i in self.agents if seen.get(i, ("terminated",))[0] in ("terminated", "shutting-down")]:
                self.stop_agent(instance_id)
            time.sleep(0.1)

    def stop_agent(self, instance_id):
        agent = self.agents.pop(instance_id)
        try:
            os.killpg(agent.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        agent.wait()

    def stop(self):
        self.stopping = True
        self.join()
        for instance_id in list(self.agents):
            self.stop_agent(instance_id)


def run(greenlight, count):
    with tempfile.TemporaryDirectory(prefix="greenlight-bench-aws-") as work:
        moto_port = free_port()
        with open(os.path.join(work, "moto.log"), "w") as log:
            moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)], stdout=log,
                                    stderr=log, start_new_session=True)
        endpoint = f"http://127.0.0.1:{moto_port}"
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                   AWS_DEFAULT_REGION="us-east-1")
        kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                  aws_secret_access_key="testing")
        server = bridge = None
        try:
            ec2, elb = boto3.client("ec2", **kw), boto3.client("elbv2", **kw)

            def moto_up():
                try:
                    ec2.describe_vpcs()
                    return True
                except Exception:
                    return False
            wait_for(moto_up, 60, "moto_server")
            subnets = ec2.describe_subnets()["Subnets"]
            vpc = subnets[0]["VpcId"]
            arns = [elb.create_target_group(Name=n, Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
                    for n in ("bench-blue", "bench-green")]
            lb = elb.create_load_balancer(Name="bench", Subnets=[s["SubnetId"] for s in subnets[:2]])["LoadBalancers"][0]
            listener = elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                                           DefaultActions=[{"Type": "forward", "TargetGroupArn": arns[0]}])["Listeners"][0]

            data = os.path.join(work, "data")
            with open(os.path.join(work, "server.log"), "w") as log:
                server = subprocess.Popen([greenlight, "server", "--data", data, "--listen", "127.0.0.1:0",
                                           "--aws-region", "us-east-1", "--aws-endpoint-url", endpoint],
                                          stdout=log, stderr=log, env=env)
            addr_file = os.path.join(data, "server.addr")
            wait_for(lambda: os.path.exists(addr_file) and os.path.getsize(addr_file) > 0, 60, "the server")
            address = open(addr_file).read().strip()
            env["GREENLIGHT_ADDR"] = address
            env["GREENLIGHT_TOKEN"] = open(os.path.join(data, "admin.token")).read().strip()
            bridge = Bridge(ec2, greenlight, data, address, os.path.join(work, "ec2"), env)
            bridge.start()

            def cli(*args, parse=False):
                out = subprocess.run([greenlight, *args] + (["--output", "json"] if parse else []),
                                     env=env, check=True, capture_output=True, text=True).stdout
                return json.loads(out) if parse else out

            cli("app", "create", "bench")
            group = os.path.join(work, "group.yaml")
            with open(group, "w") as f:
                f.write(f"""name: web
deploymentStyle: blue-green
deploymentConfig: CodeDeployDefault.AllAtOnce
fleet:
  provider: aws
  aws:
    region: us-east-1
    launchTemplate: {{ami: ami-12c6146b, instanceType: t3.micro}}
    autoScaling: {{subnets: [{subnets[0]["SubnetId"]}], capacity: {{min: 1, max: {count}, desired: {count}}}}}
    scalingPolicies: [{{name: out, adjustmentType: ChangeInCapacity, scalingAdjustment: 1}}]
    scalingAlarms: [{{name: cpu, metric: CPUUtilization, comparison: GreaterThanThreshold, threshold: 60, actions: [out]}}]
loadBalancer: {{provider: aws-elbv2, targetGroups: [bench-blue, bench-green], listenerArn: {listener["ListenerArn"]}}}
blueGreen: {{terminationWaitSeconds: 0}}
""")
            cli("group", "create", "bench", "--file", group)
            bundle = os.path.join(work, "noop")
            os.makedirs(bundle)
            with open(os.path.join(bundle, "appspec.yml"), "w") as f:
                f.write("version: 0.0\nos: linux\n")
            cli("revision", "push", "bench", bundle)
            for number in (1, 2, 3):
                before = cpu_seconds(server.pid)
                t0 = time.time()
                result = cli("deploy", "bench", "web", "--revision", "latest", "--wait", parse=True)
                wall = time.time() - t0
                cpu = cpu_seconds(server.pid) - before
                if result.get("status") != "Succeeded":
                    sys.exit(f"deployment {number} ended {result.get('status')}: {result.get('errorMessage')}")
                version = result["blueGreen"]["fleetVersion"]
                groups = boto3.client("autoscaling", **kw).describe_auto_scaling_groups()["AutoScalingGroups"]
                print(f"{count:4d} instances, {version}: {wall:6.2f} s wall, server CPU {1000 * cpu:7.1f} ms "
                      f"({1000 * cpu / count:5.1f} ms/instance); Auto Scaling groups left: "
                      f"{', '.join(sorted(g['AutoScalingGroupName'] for g in groups))}")
            print(f"{count:4d} instances: server peak RSS {peak_rss_mib(server.pid):.1f} MiB")
        finally:
            if bridge:
                bridge.stop()
            if server:
                subprocess.run([greenlight, "group", "delete", "bench", "web"], env=env, capture_output=True)
                server.send_signal(signal.SIGTERM)
                server.wait()
            os.killpg(moto.pid, signal.SIGTERM)
            moto.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--greenlight", default=os.path.join(os.path.dirname(__file__), "..", "build", "programs", "greenlight"))
    parser.add_argument("counts", nargs="*", type=int, default=[2, 10, 30])
    args = parser.parse_args()
    for count in args.counts:
        run(os.path.abspath(args.greenlight), count)


if __name__ == "__main__":
    main()
