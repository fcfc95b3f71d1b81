#!/usr/bin/env python3
"""examples/udp_echo.cpp, on both backends: the server echoes datagrams from python sockets
(replies come from the address we sent to) and from the example's own client mode over
IPv4 and IPv6; the client reports "no server" as connection refused; SIGTERM/SIGINT stop
the server cleanly with the "served N datagrams" line.

Run by CTest with the directory of the built examples as the only argument.
"""
import os
import signal
import socket
import unittest

import example_driver as d

EXAMPLES = d.examples_dir()
PROGRAM = os.path.join(EXAMPLES, "example_udp_echo")


class udp_echo(unittest.TestCase):
    def check_server(self, where, signo, backend):
        with d.Server(PROGRAM, "server", where, backend=backend) as server:
            with socket.socket(server.family, socket.SOCK_DGRAM) as s:
                s.settimeout(d.TIMEOUT)
                for payload in (b"ping", b"", bytes(range(256)) * 200):  # empty and 51200 bytes too
                    s.sendto(payload, server.address)
                    data, sender = s.recvfrom(65536)
                    self.assertEqual(data, payload)
                    self.assertEqual(sender[:2], server.address)

            messages = ["hello", "two words", "3"]
            done = d.run(PROGRAM, "client", server.address_text, *messages, backend=backend)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(done.stdout.splitlines(), messages)

            status, rest = server.stop(signo)
            self.assertEqual(status, 0, server.stderr)
            self.assertEqual(rest, ["served 6 datagrams"], server.stderr)

    def test_ipv4_sigterm(self):
        for backend in d.BACKENDS:
            with self.subTest(backend=backend):
                self.check_server("127.0.0.1:0", signal.SIGTERM, backend)

    @unittest.skipUnless(d.has_ipv6_loopback(), "no IPv6 loopback here")
    def test_ipv6_sigint(self):
        for backend in d.BACKENDS:
            with self.subTest(backend=backend):
                self.check_server("[::1]:0", signal.SIGINT, backend)

    def test_client_without_a_server_reports_connection_refused(self):
        # A port nobody listens on: the ICMP port unreachable reaches the connected socket.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        for backend in d.BACKENDS:
            with self.subTest(backend=backend):
                done = d.run(PROGRAM, "client", f"127.0.0.1:{port}", "anyone?", backend=backend)
                self.assertEqual(done.returncode, 1)
                self.assertIn("refused", done.stderr)

    def test_usage_errors(self):
        for args in ([], ["serve"], ["server", "127.0.0.1"]):
            with self.subTest(args=args):
                done = d.run(PROGRAM, *args)
                self.assertEqual(done.returncode, 2)
                self.assertIn("usage", done.stderr)


if __name__ == "__main__":
    unittest.main()
