#!/usr/bin/env python3
"""`weft serve --root` against curl: byte ranges (single, multipart, 416), conditional requests,
content codings (on the fly and precompressed siblings) decoded by curl itself, and HTTP/1.0.

Run by CTest with the path of the built `weft` binary as the only argument.
"""
import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

WEFT = sys.argv.pop(1) if len(sys.argv) > 1 else "weft"
CURL = shutil.which("curl")

TEXT = b"".join(b"line %04d: the quick brown fox jumps over the lazy dog\n" % i
                for i in range(400))
SIBLING_TEXT = b"from the precompressed .gz sibling\n" * 20
BINARY = bytes((i * 7 + i // 251) % 256 for i in range(50000))


class server:
    """Starts `weft serve` on a free loopback port; stops it by its PID."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([WEFT, "serve", "--listen", "127.0.0.1:0", *args],
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"no listening line: {line!r}")
        self.port = int(m.group(1))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        self.proc.stderr.read()
        self.proc.stderr.close()
        return rc


@unittest.skipIf(CURL is None, "curl is not installed")
class static_with_curl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        root = cls.dir.name
        with open(os.path.join(root, "page.txt"), "wb") as f:
            f.write(TEXT)
        with open(os.path.join(root, "data.bin"), "wb") as f:
            f.write(BINARY)
        with open(os.path.join(root, "app.js"), "wb") as f:
            f.write(TEXT)
        with open(os.path.join(root, "app.js.gz"), "wb") as f:
            f.write(gzip.compress(SIBLING_TEXT))
        cls.s = server("--root", root)

    @classmethod
    def tearDownClass(cls):
        rc = cls.s.stop()
        cls.dir.cleanup()
        assert rc == 0, rc

    def curl(self, path, *args):
        """Runs curl; @returns (status, {lowercase name: value}, body bytes as curl wrote them)."""
        with tempfile.NamedTemporaryFile() as out:
            r = subprocess.run([CURL, "-sS", "--max-time", "10", "-D", "-", "-o", out.name,
                                *args, f"http://127.0.0.1:{self.s.port}{path}"],
                               capture_output=True, timeout=20)
            self.assertEqual(r.returncode, 0, r.stderr)
            body = open(out.name, "rb").read()
        lines = r.stdout.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        return status, headers, body

    def test_single_range(self):
        status, h, body = self.curl("/data.bin", "--range", "0-9")
        self.assertEqual((status, body), (206, BINARY[:10]))
        self.assertEqual(h["content-range"], f"bytes 0-9/{len(BINARY)}")
        self.assertEqual(h["content-length"], "10")
        status, h, body = self.curl("/data.bin", "--range", "30000-")  # sendfile path
        self.assertEqual((status, body), (206, BINARY[30000:]))
        status, _, body = self.curl("/data.bin", "--range", "-100")
        self.assertEqual((status, body), (206, BINARY[-100:]))

    def test_full_file_advertises_ranges(self):
        status, h, body = self.curl("/data.bin")
        self.assertEqual((status, body), (200, BINARY))
        self.assertEqual(h["accept-ranges"], "bytes")

    def test_multiple_ranges(self):
        status, h, body = self.curl("/data.bin", "--range", "0-4,100-104")
        self.assertEqual(status, 206)
        m = re.match(r"multipart/byteranges; boundary=(\S+)$", h["content-type"])
        self.assertTrue(m, h["content-type"])
        b = m.group(1).encode()
        parts = body.split(b"--" + b)
        self.assertEqual(parts[0], b"")
        self.assertEqual(parts[-1], b"--\r\n")
        got = []
        for part in parts[1:-1]:
            head, data = part.split(b"\r\n\r\n", 1)
            self.assertIn(b"Content-Type: application/octet-stream", head)
            got.append((re.search(rb"Content-Range: bytes (\d+)-(\d+)/(\d+)", head).groups(),
                        data[:-2]))
        total = str(len(BINARY)).encode()
        self.assertEqual(got, [((b"0", b"4", total), BINARY[0:5]),
                               ((b"100", b"104", total), BINARY[100:105])])

    def test_unsatisfiable_range(self):
        status, h, _ = self.curl("/data.bin", "--range", "999999-")
        self.assertEqual(status, 416)
        self.assertEqual(h["content-range"], f"bytes */{len(BINARY)}")

    def test_if_none_match(self):
        _, h, _ = self.curl("/data.bin")
        status, h2, body = self.curl("/data.bin", "-H", f"If-None-Match: {h['etag']}")
        self.assertEqual((status, body), (304, b""))
        self.assertEqual(h2["etag"], h["etag"])
        status, _, _ = self.curl("/data.bin", "-H", "If-None-Match: \"nope\"")
        self.assertEqual(status, 200)

    def test_compressed_on_the_fly(self):
        for coding in ("gzip", "br", "zstd"):
            with self.subTest(coding=coding):
                status, h, body = self.curl("/page.txt", "--compressed",
                                            "-H", f"Accept-Encoding: {coding}")
                self.assertEqual(status, 200)
                self.assertEqual(h["content-encoding"], coding)
                self.assertEqual(h["vary"], "Accept-Encoding")
                self.assertLess(int(h["content-length"]), len(TEXT) // 4)
                self.assertEqual(body, TEXT)  # curl decoded it
        # curl's own Accept-Encoding lists br: the preferred one at equal weight.
        status, h, body = self.curl("/page.txt", "--compressed")
        self.assertEqual((status, h["content-encoding"], body), (200, "br", TEXT))
        # No Accept-Encoding: identity, and Vary says it could differ.
        status, h, body = self.curl("/page.txt")
        self.assertEqual((status, body), (200, TEXT))
        self.assertNotIn("content-encoding", h)
        self.assertEqual(h["vary"], "Accept-Encoding")

    def test_precompressed_sibling(self):
        status, h, body = self.curl("/app.js", "--compressed", "-H", "Accept-Encoding: gzip")
        self.assertEqual(status, 200)
        self.assertEqual(h["content-encoding"], "gzip")
        self.assertIn("javascript", h["content-type"])
        self.assertEqual(body, SIBLING_TEXT)  # the sibling, not the file compressed on the fly
        # A client that wants br gets it made on the fly (there is no app.js.br).
        status, h, body = self.curl("/app.js", "--compressed", "-H", "Accept-Encoding: br")
        self.assertEqual((h["content-encoding"], body), ("br", TEXT))

    def test_http10(self):
        status, h, body = self.curl("/data.bin", "-0")
        self.assertEqual((status, body), (200, BINARY))
        status, h, body = self.curl("/data.bin", "-0", "--range", "10-19")
        self.assertEqual((status, body), (206, BINARY[10:20]))


if __name__ == "__main__":
    unittest.main(verbosity=1)
