"""Shared helpers for the `weft serve` tests: start a server on a free loopback port, talk to it
with raw sockets, and stop it by its PID.

The test scripts run from any directory, so each one puts its own directory on sys.path before
`import weft_server`. Standard library only.
"""
import http.client
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time

# How long a test waits for anything the server should do at once (a listening line, a
# response, a close). Generous so a loaded CI machine does not make the tests flaky.
IO_TIMEOUT = 5.0


def take_binary_argument(default="weft"):
    """Removes the path of the `weft` binary (CTest passes it as argv[1]) so unittest does not
    mistake it for a test name."""
    return sys.argv.pop(1) if len(sys.argv) > 1 else default


class server:
    """Starts `weft serve --listen 127.0.0.1:0 ARGS...`; stops it by its PID.

    stderr is drained by a thread for the whole life of the process: a server that logs more
    than a pipe's worth would otherwise block on write and look hung.
    """

    def __init__(self, weft, *args, stdout=subprocess.DEVNULL):
        """`stdout` is passed to Popen: subprocess.PIPE to read what the server prints there
        (`--access-log -`); it is then self.proc.stdout, in binary mode."""
        self.proc = subprocess.Popen([weft, "serve", "--listen", "127.0.0.1:0", *args],
                                     stdin=subprocess.DEVNULL, stdout=stdout,
                                     stderr=subprocess.PIPE)
        self.pid = self.proc.pid
        self._lines = queue.Queue()
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()
        self._stopped = None
        try:
            line = self._lines.get(timeout=10)
        except queue.Empty:
            line = ""
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line or "")
        if not m:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise AssertionError(f"no listening line: {line!r}")
        self.port = int(m.group(1))
        self.listening_line = line

    def _read_stderr(self):
        for line in self.proc.stderr:
            self._lines.put(line.decode("utf-8", "replace"))
        self._lines.put(None)  # end of stream

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def connect(self, timeout=IO_TIMEOUT):
        """A fresh raw connection to the server."""
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def get(self, path, method="GET", headers=None, body=None):
        """One request on a fresh http.client connection. @returns (response, body bytes)"""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=IO_TIMEOUT)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
        finally:
            c.close()
        return r, data

    def alive(self):
        return self.proc.poll() is None

    def rss_kib(self):
        """Resident set size of the server process, from /proc/PID/status (VmRSS, in KiB)."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS line")

    def stop(self):
        """SIGTERM by PID, wait for the exit. Idempotent. @returns (exit code, rest of stderr)"""
        if self._stopped is not None:
            return self._stopped
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise
        self._drain.join(timeout=5)
        self.proc.stderr.close()
        rest = []
        while True:
            try:
                line = self._lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                rest.append(line)
        self._stopped = (rc, "".join(rest))
        return self._stopped


class parsed_response:
    def __init__(self, version, status, reason, headers, body, raw_head):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (name, value), in order, as received
        self.body = body
        self.raw_head = raw_head

    def header(self, name):
        """The value of the first field named `name` (case-insensitive), or None."""
        for n, v in self.headers:
            if n.lower() == name.lower():
                return v
        return None

    def header_count(self, name):
        return sum(1 for n, _ in self.headers if n.lower() == name.lower())


class reader:
    """Reads HTTP/1.1 responses one after the other from a raw socket, keeping what was read
    past the current one, so pipelined responses can be taken in order."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError(f"connection closed with {len(self.buf)} bytes of a response read")
        self.buf += chunk

    def response(self, head_request=False):
        """The next response. Bodies are framed by Content-Length only (what weft sends); HEAD,
        1xx, 204 and 304 responses have none."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        end = self.buf.index(b"\r\n\r\n") + 4
        raw_head, self.buf = self.buf[:end], self.buf[end:]
        lines = raw_head[:-4].decode("latin-1").split("\r\n")
        version, status, reason = (lines[0].split(" ", 2) + [""])[:3]
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name, value.strip(" \t")))
        r = parsed_response(version, int(status), reason, headers, b"", raw_head)
        if head_request or r.status < 200 or r.status in (204, 304):
            return r
        length = int(r.header("Content-Length") or 0)
        while len(self.buf) < length:
            self._fill()
        r.body, self.buf = self.buf[:length], self.buf[length:]
        return r

    def closed_within(self, seconds=3.0):
        """Whether the peer closes cleanly (recv returns b'') within `seconds` with no further
        bytes. A reset counts as not closed cleanly: weft promises a graceful close."""
        if self.buf:
            return False
        old = self.sock.gettimeout()
        self.sock.settimeout(seconds)
        try:
            return self.sock.recv(65536) == b""
        except (socket.timeout, ConnectionResetError):
            return False
        finally:
            self.sock.settimeout(old)


def exchange(port, data, timeout=IO_TIMEOUT):
    """Sends `data` on a fresh connection and reads until the server closes. @returns the bytes"""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as c:
        c.sendall(data)
        out = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            chunk = c.recv(65536)
            if not chunk:
                break
            out += chunk
        return out
