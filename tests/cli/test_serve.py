#!/usr/bin/env python3
"""`weft serve` from the outside: the built-in site, static files under --root, the refusals
a file server owes its operator, keep-alive, and a clean stop on SIGTERM.

Run by CTest with the path of the built `weft` binary as the only argument.
"""
import os
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import weft_server  # noqa: E402  (needs the sys.path line above)

WEFT = weft_server.take_binary_argument()


def server(*args):
    """`weft serve --listen 127.0.0.1:0 ARGS...`, stopped by its PID (see weft_server.py)."""
    return weft_server.server(WEFT, *args)


class builtin_site(unittest.TestCase):
    def test_welcome_and_status(self):
        s = server()
        try:
            r, body = s.get("/")
            self.assertEqual(r.status, 200)
            self.assertIn("text/html", r.getheader("Content-Type"))
            self.assertIn(b"weft is running", body)
            self.assertEqual(r.getheader("Server"), "weft")
            self.assertIsNotNone(r.getheader("Date"))
            r, body = s.get("/status.json")
            self.assertEqual(r.status, 200)
            self.assertIn(b'"requests":', body)
            r, _ = s.get("/nope")
            self.assertEqual(r.status, 404)
            r, body = s.get("/", method="HEAD")
            self.assertEqual((r.status, body), (200, b""))
        finally:
            rc, rest = s.stop()
        self.assertEqual(rc, 0)
        self.assertIn("served", rest)


    def test_status_counts_api_requests_too(self):
        with tempfile.TemporaryDirectory() as tmp:
            s = server("--demo-db", os.path.join(tmp, "notes.db"))
            try:
                r, _ = s.get("/api/notes")
                self.assertEqual(r.status, 200)
                r, _ = s.get("/api/notes/999")
                self.assertEqual(r.status, 404)
                r, body = s.get("/status.json")
                # The two API requests are counted; /status.json itself is counted once answered.
                self.assertIn(b'"requests":2,', body)
            finally:
                rc, _ = s.stop()
            self.assertEqual(rc, 0)


class static_root(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        root = self.dir.name
        with open(os.path.join(root, "hello.txt"), "w") as f:
            f.write("Hello, world\n")
        os.mkdir(os.path.join(root, "docs"))
        with open(os.path.join(root, "docs", "index.html"), "w") as f:
            f.write("<h1>docs</h1>\n")
        os.symlink("/etc/hostname", os.path.join(root, "outside"))
        self.s = server("--root", root)

    def tearDown(self):
        rc, _ = self.s.stop()
        self.dir.cleanup()
        self.assertEqual(rc, 0)

    def test_files_types_and_index(self):
        r, body = self.s.get("/hello.txt")
        self.assertEqual((r.status, body), (200, b"Hello, world\n"))
        self.assertEqual(r.getheader("Content-Type"), "text/plain; charset=utf-8")
        self.assertEqual(r.getheader("Content-Length"), "13")
        r, _ = self.s.get("/docs")
        self.assertEqual((r.status, r.getheader("Location")), (301, "/docs/"))
        r, body = self.s.get("/docs/")
        self.assertEqual((r.status, body), (200, b"<h1>docs</h1>\n"))

    def test_conditional_get(self):
        r, _ = self.s.get("/hello.txt")
        etag, modified = r.getheader("ETag"), r.getheader("Last-Modified")
        r, body = self.s.get("/hello.txt", headers={"If-None-Match": etag})
        self.assertEqual((r.status, body), (304, b""))
        r, _ = self.s.get("/hello.txt", headers={"If-Modified-Since": modified})
        self.assertEqual(r.status, 304)

    def test_nothing_outside_the_root(self):
        for path, want in [("/../etc/passwd", 400), ("/%2e%2e/etc/passwd", 400),
                           ("/..%2fetc%2fpasswd", 400), ("/a%00b", 400),
                           ("/outside", 403), ("/missing", 404)]:
            with socket.create_connection(("127.0.0.1", self.s.port), timeout=5) as c:
                c.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                data = b""
                while chunk := c.recv(65536):
                    data += chunk
            status = int(data.split(b" ", 2)[1])
            self.assertEqual(status, want, path)
            self.assertNotIn(b"root:", data, path)

    def test_keep_alive_and_pipelining(self):
        with socket.create_connection(("127.0.0.1", self.s.port), timeout=5) as c:
            req = b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
            c.sendall(req + req + req[:-2] + b"Connection: close\r\n\r\n")
            data = b""
            while chunk := c.recv(65536):
                data += chunk
        self.assertEqual(data.count(b"HTTP/1.1 200 OK"), 3)
        self.assertEqual(data.count(b"Hello, world\n"), 3)

    def test_bad_requests_get_4xx_and_the_server_carries_on(self):
        for raw, want in [(b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),
                          (b"GET / HTTP/1.1\r\n\r\n", 400),
                          (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
                          (b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 20000 + b"\r\n\r\n", 431)]:
            with socket.create_connection(("127.0.0.1", self.s.port), timeout=5) as c:
                c.sendall(raw)
                data = c.recv(65536)
            self.assertTrue(data.startswith(f"HTTP/1.1 {want} ".encode()), (raw[:40], data[:60]))
        r, _ = self.s.get("/hello.txt")
        self.assertEqual(r.status, 200)


class arguments(unittest.TestCase):
    def test_bad_arguments(self):
        r = subprocess.run([WEFT, "serve", "--listen", "127.0.0.1:99999"], capture_output=True,
                           text=True, timeout=10)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--listen", r.stderr)
        r = subprocess.run([WEFT, "serve", "--root", "/nonexistent/dir"], capture_output=True,
                           text=True, timeout=10)
        self.assertEqual(r.returncode, 2)
        self.assertIn("/nonexistent/dir", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=1)
