#!/usr/bin/env python3
"""examples/tcp_echo_server.cpp and tcp_echo_client.cpp, on both backends: echoes to python
sockets and to the client example over IPv4 and IPv6, a clean exit on SIGTERM or SIGINT
even with a connection open, and the "served N connections" line.

Run by CTest with the directory of the built examples as the only argument.
"""
import os
import signal
import socket
import threading
import unittest

import example_driver as d

EXAMPLES = d.examples_dir()
SERVER = os.path.join(EXAMPLES, "example_tcp_echo_server")
CLIENT = os.path.join(EXAMPLES, "example_tcp_echo_client")


class tcp_echo(unittest.TestCase):
    def check_server(self, where, signo, backend):
        with d.Server(SERVER, where, backend=backend) as server:
            # A python client: small and large messages come back byte for byte.
            with d.connect(server) as s:
                s.sendall(b"hello\n")
                pending = bytearray()
                self.assertEqual(d.read_line(s, pending), "hello")
                big = bytes(range(256)) * 4096  # 1 MiB: more than the socket buffers hold
                writer = threading.Thread(target=s.sendall, args=(big,))
                writer.start()
                back = bytearray()
                while len(back) < len(big):
                    chunk = s.recv(65536)
                    self.assertTrue(chunk, "closed early")
                    back += chunk
                writer.join(timeout=d.TIMEOUT)
                self.assertEqual(bytes(back), big)

            # The client example: one reply per argument, in order.
            lines = ["one", "two words", "three"]
            done = d.run(CLIENT, server.address_text, *lines, backend=backend)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(done.stdout.splitlines(), lines)

            # A connection still open at shutdown is cancelled, not waited for.
            with d.connect(server) as idle:
                idle.sendall(b"x\n")
                self.assertEqual(d.read_line(idle, bytearray()), "x")
                status, rest = server.stop(signo)
                self.assertEqual(status, 0, server.stderr)
                self.assertEqual(rest, ["served 3 connections"], server.stderr)
                self.assertEqual(idle.recv(1), b"", "the open connection was not closed")

    def test_ipv4_sigterm(self):
        for backend in d.BACKENDS:
            with self.subTest(backend=backend):
                self.check_server("127.0.0.1:0", signal.SIGTERM, backend)

    @unittest.skipUnless(d.has_ipv6_loopback(), "no IPv6 loopback here")
    def test_ipv6_sigint(self):
        for backend in d.BACKENDS:
            with self.subTest(backend=backend):
                self.check_server("[::1]:0", signal.SIGINT, backend)

    def test_client_reports_a_refused_connection(self):
        # A port nobody listens on: bind one, note it, close it.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        for backend in d.BACKENDS:
            with self.subTest(backend=backend):
                done = d.run(CLIENT, f"127.0.0.1:{port}", "hello", backend=backend)
                self.assertEqual(done.returncode, 1)
                self.assertIn("refused", done.stderr)

    def test_a_bad_address_is_a_usage_error(self):
        for program in (SERVER, CLIENT):
            done = d.run(program, "127.0.0.1")  # no port
            self.assertEqual(done.returncode, 2, program)
            self.assertIn("port", done.stderr)


if __name__ == "__main__":
    unittest.main()
