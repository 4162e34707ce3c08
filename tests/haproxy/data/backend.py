#!/usr/bin/env python3
# A test backend for the HAProxy provider's tests: answers its own name on every path, /health with
# the status given by --health-status (or the content of --health-file when that file exists),
# /slow?ms=N after N milliseconds, and /requests with how many non-health requests it has served.
# Binds 127.0.0.1 port 0 (or --port) and prints the port it got on its first line of stdout.
import argparse
import http.server
import os
import sys
import threading
import time
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("--name", required=True)
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--health-status", type=int, default=200)
parser.add_argument("--health-file", default="")
args = parser.parse_args()

lock = threading.Lock()
served = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once, not 40 ms apart

    def log_message(self, *unused):
        pass

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        global served
        url = urllib.parse.urlparse(self.path)
        if url.path == "/health":
            status = args.health_status
            if args.health_file and os.path.exists(args.health_file):
                with open(args.health_file) as f:
                    status = int(f.read().strip() or "200")
            self.answer(status, "health %d\n" % status)
            return
        if url.path == "/requests":
            with lock:
                self.answer(200, "%d\n" % served)
            return
        with lock:
            served += 1
        if url.path == "/slow":
            query = urllib.parse.parse_qs(url.query)
            time.sleep(int(query.get("ms", ["1000"])[0]) / 1000.0)
        self.answer(200, args.name)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # health checks close their connection early; that is not news


server = Server(("127.0.0.1", args.port), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
