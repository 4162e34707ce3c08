#!/usr/bin/env python3
"""The sample app's web server: HTTP/1.1 keep-alive, standard library only, quiet per request.

GET /            the page (www/index.html); any other file of www/ by its name (e.g. /VERSION)
GET /health      200 "ok", or 500 while --unhealthy-marker exists (checked on every request) or
                 when www/HEALTH (the revision's own app/HEALTH) says "fail"
www/ERRORS       a whole number N from 0 to 100: exactly N of every 100 page requests answer 500 (a
                 broken revision whose /health still passes), the body naming the version
SIGTERM/SIGINT   stop accepting, let in-flight requests finish, close idle connections, exit 0
"""

import argparse
import http.server
import os
import select
import signal
import socketserver
import sys
import threading

CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript"}
IDLE_POLL_SECONDS = 0.25   # how soon an idle keep-alive connection notices the server is stopping
DRAIN_SECONDS = 8          # stop_server.sh sends SIGKILL after 10 s


def load_files(www):
    """Every file of www/, read once: a revision's files do not change while its server runs."""
    files = {}
    for folder, _, names in os.walk(www):
        for name in names:
            path = os.path.join(folder, name)
            relative = "/" + os.path.relpath(path, www).replace(os.sep, "/")
            with open(path, "rb") as f:
                body = f.read()
            files[relative] = (CONTENT_TYPES.get(os.path.splitext(name)[1], "text/plain; charset=utf-8"), body)
    if "/index.html" in files:
        files["/"] = files["/index.html"]
    return files


def read_error_percent(path):
    try:
        with open(path) as f:
            text = f.read().strip()
    except FileNotFoundError:
        return 0
    if not text.isdigit() or int(text) > 100:
        sys.exit(f"{path}: must hold a whole number from 0 to 100, not {text!r}")
    return int(text)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "greenlight-sample"
    sys_version = ""
    disable_nagle_algorithm = True

    def handle(self):
        # BaseHTTPRequestHandler.handle, except that between requests the connection waits in a
        # poll that notices a stopping server, so an idle keep-alive connection is closed while a
        # request already on the wire is still answered.
        self.server.connection_opened()
        try:
            self.close_connection = True
            self.handle_one_request()
            while not self.close_connection and self.next_request_arrived():
                self.handle_one_request()
        finally:
            self.server.connection_closed()

    def next_request_arrived(self):
        while True:
            if self.buffered_input():
                return True
            readable, _, _ = select.select([self.connection], [], [], IDLE_POLL_SECONDS)
            if readable:
                return True  # a request, or the peer closing: handle_one_request tells which
            if self.server.stopping.is_set():
                return False

    def buffered_input(self):
        # Bytes of a pipelined request may already sit in rfile's buffer, where select cannot see
        # them; a non-blocking peek returns them (or b"" when there is nothing yet).
        self.connection.setblocking(False)
        try:
            return bool(self.rfile.peek(1))
        except OSError:
            return False
        finally:
            self.connection.setblocking(True)

    def do_GET(self):
        self.answer(send_body=True)

    def do_HEAD(self):
        self.answer(send_body=False)

    def answer(self, send_body):
        path = self.path.split("?", 1)[0]
        if path == "/health":
            healthy = self.server.healthy()
            self.reply(200 if healthy else 500, "text/plain", b"ok\n" if healthy else b"unhealthy\n", send_body)
            return
        found = self.server.files.get(path)
        if found is not None and self.server.next_request_fails():
            version = self.server.files.get("/VERSION", ("", b""))[1].strip()
            self.reply(500, "text/html; charset=utf-8",
                       b'<span id="version">' + version + b"</span> failed on purpose (www/ERRORS)\n", send_body)
        elif found is None:
            self.reply(404, "text/plain", b"not found\n", send_body)
        else:
            self.reply(200, found[0], found[1], send_body)

    def reply(self, status, content_type, body, send_body):
        if self.server.stopping.is_set():
            self.close_connection = True
        connection = "Connection: close\r\n" if self.close_connection else ""
        head = (
            f"{self.protocol_version} {status} {self.responses[status][0]}\r\n"
            f"Server: {self.server_version}\r\n"
            f"Content-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"{connection}\r\n"
        ).encode("latin-1")
        self.wfile.write(head + body if send_body else head)  # one write: one packet for small pages

    def log_request(self, code="-", size="-"):
        pass  # one line per request would cost more than the request itself

    def log_message(self, format, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), format % args))


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 1024  # the default of 5 drops connection bursts (1 s SYN retries)
    daemon_threads = True

    def __init__(self, address, files, www, marker):
        self.files = files
        self.health_file = os.path.join(www, "HEALTH")
        self.marker = marker
        self.stopping = threading.Event()
        self.error_percent = read_error_percent(os.path.join(www, "ERRORS"))
        self.error_budget = 0
        self.error_lock = threading.Lock()
        self.open_connections = 0
        self.connections_changed = threading.Condition()
        super().__init__(address, Handler)

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)  # skips HTTPServer's reverse DNS lookup of the host
        self.server_name, self.server_port = self.server_address[:2]

    def healthy(self):
        if self.marker and os.path.exists(self.marker):
            return False
        try:
            with open(self.health_file) as f:
                return f.read().strip().lower() != "fail"
        except FileNotFoundError:
            return True

    def next_request_fails(self):
        # Spread evenly: every request adds error_percent; each 100 collected is one failure.
        if self.error_percent <= 0:
            return False
        with self.error_lock:
            self.error_budget += self.error_percent
            if self.error_budget >= 100:
                self.error_budget -= 100
                return True
            return False

    def connection_opened(self):
        with self.connections_changed:
            self.open_connections += 1

    def connection_closed(self):
        with self.connections_changed:
            self.open_connections -= 1
            self.connections_changed.notify_all()

    def drain(self, seconds):
        with self.connections_changed:
            return self.connections_changed.wait_for(lambda: self.open_connections == 0, timeout=seconds)

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a client that went away mid-request is not the server's problem
        super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--www", required=True, help="folder of the page and the files served")
    parser.add_argument("--unhealthy-marker", default="", help="/health answers 500 while this file exists")
    args = parser.parse_args()

    server = Server((args.bind, args.port), load_files(args.www), args.www, args.unhealthy_marker)
    stop_requested = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop_requested.set())
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="accept")
    serving.start()
    print(f"serving {args.www} on {args.bind}:{args.port}", flush=True)

    stop_requested.wait()
    server.shutdown()       # no more accepts
    server.server_close()   # new connections are refused from here
    server.stopping.set()   # in-flight requests finish with Connection: close, idle ones close
    drained = server.drain(DRAIN_SECONDS)
    serving.join()
    print("stopped" if drained else "stopped with connections still open", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
