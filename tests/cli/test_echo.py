#!/usr/bin/env python3
"""`weft echo tcp|udp` as scripts see them: the listening line, echoes over IPv4 and IPv6,
the count printed on SIGTERM/SIGINT, exit statuses, and bind and --listen errors.

Run by CTest with the path of the built `weft` binary as the only argument. Every server
is started on port 0 (the kernel picks a free one), talked to only on loopback, stopped by
its own PID and waited for with a timeout.
"""
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import unittest

WEFT = sys.argv.pop(1) if len(sys.argv) > 1 else "weft"
TIMEOUT = 10  # seconds, for any one step
LISTENING = re.compile(r"^weft: echo (tcp|udp) listening on (\S+)")
SERVED = re.compile(r"^weft: echo: served (\d+) (connection|datagram)s?$", re.M)


def has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def split_address(text):
    """'127.0.0.1:5' -> (AF_INET, ('127.0.0.1', 5)); '[::1]:5' -> (AF_INET6, ('::1', 5))."""
    host, _, port = text.rpartition(":")
    if host.startswith("["):
        return socket.AF_INET6, (host[1:-1], int(port))
    return socket.AF_INET, (host, int(port))


class server:
    """One `weft echo` process: started, its address read from stderr, stopped by PID."""

    def __init__(self, proto, listen, *extra, env=None):
        self.proc = subprocess.Popen(
            [WEFT, "echo", proto, "--listen", listen, *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env)
        self.first_line = self._read_line()
        m = LISTENING.match(self.first_line)
        if not m:
            self.stop(signal.SIGKILL)
            raise AssertionError(f"no listening line: {self.first_line!r}")
        self.family, self.address = split_address(m.group(2))

    def _read_line(self):
        deadline = time.monotonic() + TIMEOUT
        line = b""
        fd = self.proc.stderr.fileno()
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return line.decode()
            chunk = os.read(fd, 1)
            if not chunk:
                break
            line += chunk
        return line.decode().rstrip("\n")

    def stop(self, how=signal.SIGTERM):
        """Signals the server; @returns (exit status, the rest of its stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(how)
        try:
            _, err = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate(timeout=TIMEOUT)
            raise AssertionError("the server did not stop on " + signal.Signals(how).name)
        return self.proc.returncode, err.decode()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=TIMEOUT)


def tcp_round_trip(family, address, payload):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect(address)
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        back = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return back
            back += chunk


def served(stderr, unit):
    m = SERVED.search(stderr)
    assert m, stderr
    assert m.group(2) == unit, stderr
    return int(m.group(1))


class echo_tcp(unittest.TestCase):
    def run_clients(self, listen, threads):
        with server("tcp", listen, "--threads", str(threads)) as srv:
            self.assertRegex(srv.first_line, r"\((uring|epoll), %d threads?\)$" % threads)
            self.assertNotEqual(srv.address[1], 0)  # the real port, not the 0 asked for
            payloads = [b"hello, weft", bytes(range(256)) * 300, b"x"]
            for p in payloads:
                self.assertEqual(tcp_round_trip(srv.family, srv.address, p), p)
            # Several clients open at once, each answered on its own connection.
            clients = []
            for i in range(4):
                c = socket.socket(srv.family, socket.SOCK_STREAM)
                c.settimeout(TIMEOUT)
                c.connect(srv.address)
                clients.append(c)
            try:
                for i, c in enumerate(clients):
                    c.sendall(b"client %d\n" % i)
                for i, c in reversed(list(enumerate(clients))):
                    want = b"client %d\n" % i
                    got = b""
                    while len(got) < len(want):
                        chunk = c.recv(100)
                        self.assertTrue(chunk, "closed early")
                        got += chunk
                    self.assertEqual(got, want)
            finally:
                for c in clients:
                    c.close()
            # A connection still open does not hold the shutdown up: it is closed.
            with socket.socket(srv.family, socket.SOCK_STREAM) as idle:
                idle.settimeout(TIMEOUT)
                idle.connect(srv.address)
                idle.sendall(b"i")
                self.assertEqual(idle.recv(1), b"i")  # accepted and served: counted
                status, err = srv.stop()
                self.assertEqual(idle.recv(1), b"")
            self.assertEqual(status, 0, err)
            self.assertEqual(served(err, "connection"), len(payloads) + 4 + 1, err)
            self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_ipv4(self):
        self.run_clients("127.0.0.1:0", 1)

    @unittest.skipUnless(has_ipv6_loopback(), "no IPv6 loopback here")
    def test_ipv6(self):
        self.run_clients("[::1]:0", 1)

    def test_threads_share_one_port(self):
        self.run_clients("127.0.0.1:0", 3)

    def test_sigint_counts_one_connection(self):
        with server("tcp", "127.0.0.1:0") as srv:
            self.assertEqual(tcp_round_trip(srv.family, srv.address, b"x"), b"x")
            status, err = srv.stop(signal.SIGINT)
            self.assertEqual(status, 0, err)
            self.assertIn("weft: echo: served 1 connection\n", err)

    def test_each_backend(self):
        for io in ["epoll", "uring"]:
            env = dict(os.environ, WEFT_IO=io)
            try:
                srv = server("tcp", "127.0.0.1:0", env=env)
            except AssertionError as e:
                if io == "uring" and "cannot create an event loop" in str(e):
                    continue  # io_uring refused by this kernel or sandbox
                raise
            with srv:
                self.assertIn("(%s, 1 thread)" % io, srv.first_line)
                self.assertEqual(tcp_round_trip(srv.family, srv.address, b"abc" * 1000),
                                 b"abc" * 1000)
                status, err = srv.stop()
                self.assertEqual((status, served(err, "connection")), (0, 1), err)

    def test_address_in_use_exits_1(self):
        with server("tcp", "127.0.0.1:0") as first:
            port = first.address[1]
            r = subprocess.run([WEFT, "echo", "tcp", "--listen", f"127.0.0.1:{port}"],
                               capture_output=True, text=True, timeout=TIMEOUT)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(f"127.0.0.1:{port}", r.stderr)
            self.assertIn("in use", r.stderr)
            self.assertEqual(first.stop()[0], 0)

    def test_threads_address_in_use_exits_1(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            r = subprocess.run(
                [WEFT, "echo", "tcp", "--listen", f"127.0.0.1:{port}", "--threads", "2"],
                capture_output=True, text=True, timeout=TIMEOUT)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(f"127.0.0.1:{port}", r.stderr)


class echo_udp(unittest.TestCase):
    def run_clients(self, listen, threads):
        with server("udp", listen, "--threads", str(threads)) as srv:
            self.assertNotEqual(srv.address[1], 0)
            sent = 0
            for i in range(3):  # several clients, each from its own port
                with socket.socket(srv.family, socket.SOCK_DGRAM) as c:
                    c.settimeout(TIMEOUT)
                    for payload in [b"ping %d" % i, bytes(1200), b""]:
                        c.sendto(payload, srv.address)
                        sent += 1
                        back, frm = c.recvfrom(65536)
                        self.assertEqual(back, payload)
                        self.assertEqual(frm[1], srv.address[1])
            with socket.socket(srv.family, socket.SOCK_DGRAM) as c:
                c.settimeout(TIMEOUT)
                big = bytes(range(256)) * 200  # 51200 bytes: one datagram, not truncated
                c.sendto(big, srv.address)
                sent += 1
                self.assertEqual(c.recvfrom(65536)[0], big)
            status, err = srv.stop()
            self.assertEqual(status, 0, err)
            self.assertEqual(served(err, "datagram"), sent, err)

    def test_ipv4(self):
        self.run_clients("127.0.0.1:0", 1)

    @unittest.skipUnless(has_ipv6_loopback(), "no IPv6 loopback here")
    def test_ipv6(self):
        self.run_clients("[::1]:0", 1)

    def test_threads(self):
        self.run_clients("127.0.0.1:0", 2)

    def test_no_datagrams(self):
        with server("udp", "127.0.0.1:0") as srv:
            status, err = srv.stop()
            self.assertEqual(status, 0, err)
            self.assertIn("weft: echo: served 0 datagrams\n", err)

    def test_address_in_use_exits_1(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
            taken.bind(("127.0.0.1", 0))
            port = taken.getsockname()[1]
            r = subprocess.run([WEFT, "echo", "udp", "--listen", f"127.0.0.1:{port}"],
                               capture_output=True, text=True, timeout=TIMEOUT)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertRegex(r.stderr, r"^weft: echo: .*127\.0\.0\.1:%d.*in use\n$" % port)


class echo_arguments(unittest.TestCase):
    def test_bad_listen_exits_2(self):
        for proto in ["tcp", "udp"]:
            for bad in ["x", "127.0.0.1", "127.0.0.1:65536", "::1:80", "[::1]", ""]:
                r = subprocess.run([WEFT, "echo", proto, "--listen", bad],
                                   capture_output=True, text=True, timeout=TIMEOUT)
                self.assertEqual(r.returncode, 2, (proto, bad, r.stderr))
                self.assertEqual(r.stdout, "")
                self.assertTrue(r.stderr.startswith(f'weft: echo: --listen "{bad}": '), r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_bad_threads_and_missing_listen_exit_2(self):
        for args in [["tcp"], ["tcp", "--listen", "127.0.0.1:0", "--threads", "2000"],
                     ["udp", "--listen", "127.0.0.1:0", "--threads", "many"], []]:
            r = subprocess.run([WEFT, "echo", *args], capture_output=True, text=True,
                               timeout=TIMEOUT)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)


if __name__ == "__main__":
    unittest.main()
