#!/usr/bin/env python3
"""`weft serve` as a server process: the access log (file, stdout, flushed while running and
at SIGTERM), worker threads, several listeners, the connection cap, a SIGTERM that lets an
upload in progress finish, and the flags it refuses.

Run by CTest with the path of the built `weft` binary as the only argument. Everything is on
loopback; every server is stopped by its PID and must exit 0.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import weft_server  # noqa: E402  (needs the sys.path line above)
from weft_server import IO_TIMEOUT, reader  # noqa: E402

WEFT = weft_server.take_binary_argument()

# peer - - [time] "request line" status bytes "Referer" "User-Agent"
COMBINED = re.compile(
    r'^(\S+) - - \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] '
    r'"((?:[^"\\]|\\.)*)" (\d{3}) (\d+) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$')


def server(*args, **kwargs):
    """`weft serve --listen 127.0.0.1:0 ARGS...`, stopped by its PID (see weft_server.py)."""
    return weft_server.server(WEFT, *args, **kwargs)


def run_refused(*args):
    """Runs `weft serve ARGS...`, which must refuse at once. @returns (exit code, stderr)"""
    p = subprocess.run([WEFT, "serve", *args], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       timeout=10)
    return p.returncode, p.stderr


def fields(line):
    m = COMBINED.match(line)
    if not m:
        raise AssertionError(f"not a combined-format line: {line!r}")
    return m.groups()  # peer, request line, status, bytes, referer, user agent


def raw_get(port, path, keep_alive=True, host="127.0.0.1"):
    """A connection that has been served one GET (so the server has accepted it)."""
    c = socket.create_connection((host, port), timeout=IO_TIMEOUT)
    conn = "" if keep_alive else "Connection: close\r\n"
    c.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n{conn}\r\n".encode())
    return c, reader(c).response()


class access_log_file(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="weft-serve-log-")
        self.path = os.path.join(self.dir, "access.log")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def lines(self):
        if not os.path.exists(self.path):
            return []
        with open(self.path, "rb") as f:
            text = f.read().decode("latin-1")
        self.assertTrue(text == "" or text.endswith("\n"), "a partial line")
        return text.splitlines()

    def test_one_line_per_request_while_running_and_after_sigterm(self):
        s = server("--threads", "2", "--access-log", self.path)
        try:
            r, _ = s.get("/", headers={"User-Agent": 'probe "one"', "Referer": "http://r/"})
            self.assertEqual(r.status, 200)
            r, body = s.get("/", method="HEAD", headers={"User-Agent": "probe-two"})
            self.assertEqual((r.status, body), (200, b""))
            r, _ = s.get("/missing", headers={"User-Agent": "probe-three"})
            self.assertEqual(r.status, 404)
            # The flusher writes each worker's lines within a second or so.
            deadline = time.monotonic() + 3
            while len(self.lines()) < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertEqual(len(self.lines()), 3, "the running server did not flush")
            # Two more, straight before the stop: written when the workers end.
            for i in range(2):
                r, _ = s.get(f"/late{i}", headers={"User-Agent": "late"})
                self.assertEqual(r.status, 404)
        finally:
            rc, rest = s.stop()
        self.assertEqual(rc, 0, rest)
        got = [fields(line) for line in self.lines()]
        self.assertEqual(len(got), 5, got)
        by_agent = {g[5]: g for g in got}
        peer, request, status, size, referer, _ = by_agent[r'probe \"one\"']
        self.assertEqual((peer, request, status), ("127.0.0.1", "GET / HTTP/1.1", "200"))
        self.assertGreater(int(size), 0)
        self.assertEqual(referer, "http://r/")
        _, request, status, size, referer, _ = by_agent["probe-two"]
        self.assertEqual((request, status, size, referer), ("HEAD / HTTP/1.1", "200", "0", "-"))
        self.assertEqual(by_agent["probe-three"][1:3], ("GET /missing HTTP/1.1", "404"))
        late = sorted(g[1] for g in got if g[5] == "late")
        self.assertEqual(late, ["GET /late0 HTTP/1.1", "GET /late1 HTTP/1.1"])

    def test_dash_writes_to_stdout(self):
        s = server("--access-log", "-", stdout=subprocess.PIPE)
        try:
            r, _ = s.get("/", headers={"User-Agent": "to-stdout"})
            self.assertEqual(r.status, 200)
        finally:
            rc, rest = s.stop()
        out = s.proc.stdout.read().decode("latin-1")
        s.proc.stdout.close()
        self.assertEqual(rc, 0, rest)
        lines = out.splitlines()
        self.assertEqual(len(lines), 1, out)
        self.assertEqual(fields(lines[0])[1:3], ("GET / HTTP/1.1", "200"))
        self.assertEqual(fields(lines[0])[5], "to-stdout")

    def test_unwritable_path_exits_2_naming_it(self):
        rc, err = run_refused("--listen", "127.0.0.1:0", "--access-log", "/nonexistent/x")
        self.assertEqual(rc, 2, err)
        self.assertIn("--access-log", err)
        self.assertIn("/nonexistent/x", err)
        self.assertIn("No such file or directory", err)


class workers_and_listeners(unittest.TestCase):
    def test_threads_0_is_one_per_core(self):
        s = server("--threads", "0")
        try:
            n = os.cpu_count()
            self.assertRegex(s.listening_line, rf"\b{n} threads?\b")
            r, _ = s.get("/")
            self.assertEqual(r.status, 200)
        finally:
            rc, rest = s.stop()
        self.assertEqual(rc, 0, rest)

    def test_threads_3(self):
        s = server("--threads", "3")
        try:
            self.assertIn(" 3 threads", s.listening_line)
            for _ in range(6):
                r, _ = s.get("/")
                self.assertEqual(r.status, 200)
        finally:
            rc, rest = s.stop()
        self.assertEqual(rc, 0, rest)

    def test_two_listeners(self):
        s = server("--listen", "[::1]:0", "--threads", "2")
        try:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+) http://\[::1\]:(\d+) ",
                          s.listening_line)
            self.assertIsNotNone(m, s.listening_line)
            v4, v6 = int(m.group(1)), int(m.group(2))
            self.assertEqual(v4, s.port)
            for host, port in (("127.0.0.1", v4), ("::1", v6)):
                c, r = raw_get(port, "/", keep_alive=False, host=host)
                with c:
                    self.assertEqual(r.status, 200, host)
        finally:
            rc, rest = s.stop()
        self.assertEqual(rc, 0, rest)


class connection_cap(unittest.TestCase):
    def test_second_connection_gets_503(self):
        s = server("--max-connections", "1", "--threads", "2")
        try:
            held, r = raw_get(s.port, "/")
            with held:
                self.assertEqual(r.status, 200)
                with s.connect() as second:
                    rd = reader(second)
                    second.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                    busy = rd.response()
                    self.assertEqual(busy.status, 503)
                    self.assertEqual(busy.header("Retry-After"), "1")
                    self.assertEqual(busy.header("Connection"), "close")
                    self.assertTrue(rd.closed_within(IO_TIMEOUT))
                # The held connection still works.
                held.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                self.assertEqual(reader(held).response().status, 200)
        finally:
            rc, rest = s.stop()
        self.assertEqual(rc, 0, rest)


class graceful_stop(unittest.TestCase):
    def test_sigterm_during_a_slow_upload_still_answers(self):
        root = tempfile.mkdtemp(prefix="weft-serve-root-")
        try:
            with open(os.path.join(root, "x"), "w") as f:
                f.write("x\n")
            s = server("--root", root)
            try:
                c = s.connect()
                with c:
                    body = b"u" * 100000
                    c.sendall(b"POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
                    c.sendall(body[:10000])
                    time.sleep(0.2)  # the head is read and parsed: the request is in flight
                    os.kill(s.pid, signal.SIGTERM)
                    for at in range(10000, 100000, 10000):
                        time.sleep(0.1)
                        c.sendall(body[at:at + 10000])
                    rd = reader(c)
                    r = rd.response()
                    self.assertEqual(r.status, 405)
                    self.assertEqual(r.header("Connection"), "close")
                    self.assertTrue(rd.closed_within(IO_TIMEOUT))
            finally:
                rc, rest = s.stop()
            self.assertEqual(rc, 0, rest)
            self.assertIn("served 1 requests", rest)
        finally:
            shutil.rmtree(root, ignore_errors=True)


class refused_flags(unittest.TestCase):
    def test_bad_values_name_their_flag(self):
        cases = [
            (["--threads", "-1"], "--threads"),
            (["--threads", "many"], "--threads"),
            (["--listen", "nonsense"], "--listen"),
            (["--listen", "127.0.0.1"], "--listen"),  # no port
            (["--root", "/nonexistent"], "--root"),
            (["--max-connections", "0"], "--max-connections"),
        ]
        for args, flag in cases:
            with self.subTest(args=args):
                extra = [] if args[0] == "--listen" else ["--listen", "127.0.0.1:0"]
                rc, err = run_refused(*extra, *args)
                self.assertNotEqual(rc, 0, err)
                self.assertIn(flag, err)
                self.assertNotIn("listening on", err)

    def test_port_in_use_names_the_address(self):
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            taken = f"127.0.0.1:{holder.getsockname()[1]}"
            rc, err = run_refused("--listen", taken, "--threads", "2")
        self.assertNotEqual(rc, 0, err)
        self.assertIn(taken, err)

    def test_second_server_on_the_same_port_is_refused(self):
        # Regression: with several threads both servers set SO_REUSEPORT, so the kernel let
        # the second one bind and it silently took a share of the first one's connections.
        s = server("--threads", "2")
        try:
            taken = f"127.0.0.1:{s.port}"
            rc, err = run_refused("--listen", taken, "--threads", "2")
            self.assertNotEqual(rc, 0, err)
            self.assertIn(taken, err)
            self.assertIn("Address already in use", err)
            r, _ = s.get("/")
            self.assertEqual(r.status, 200)
        finally:
            rc, rest = s.stop()
        self.assertEqual(rc, 0, rest)


if __name__ == "__main__":
    unittest.main()
