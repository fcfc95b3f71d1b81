#!/usr/bin/env python3
"""examples/chat_server.cpp, on both backends: lines go to every other client (not back to
the sender), partial lines are joined, a client that stops reading is dropped without
holding up the others, an over-long line ends its connection, and SIGTERM stops the
server cleanly with clients still connected.

Run by CTest with the directory of the built examples as the only argument.
"""
import os
import re
import signal
import socket
import unittest

import example_driver as d

EXAMPLES = d.examples_dir()
PROGRAM = os.path.join(EXAMPLES, "example_chat_server")
WELCOME = re.compile(r"^welcome, you are client (\d+)$")


class chat_client:
    """A python chat client: its socket, the bytes read past the last line, its id."""

    def __init__(self, server, rcvbuf=None):
        self.sock = socket.socket(server.family, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # before connect
        self.sock.settimeout(d.TIMEOUT)
        self.sock.connect(server.address)
        self.pending = bytearray()
        # The welcome line also tells us the server has added us to the room.
        welcome = self.line()
        match = WELCOME.match(welcome)
        assert match, welcome
        self.id = int(match.group(1))

    def line(self):
        return d.read_line(self.sock, self.pending)

    def say(self, text):
        self.sock.sendall(text.encode())

    def close(self):
        self.sock.close()


class chat_server(unittest.TestCase):
    def check(self, backend):
        with d.Server(PROGRAM, "127.0.0.1:0", backend=backend) as server:
            a = chat_client(server)
            b = chat_client(server)

            a.say("hello\r\n")  # CRLF, as telnet sends it
            self.assertEqual(b.line(), f"client {a.id}: hello")
            b.say("hi\n")
            # a's next line is b's: its own "hello" was not sent back to it.
            self.assertEqual(a.line(), f"client {b.id}: hi")
            a.say("par")
            a.say("tial\nand more\n")
            self.assertEqual(b.line(), f"client {a.id}: partial")
            self.assertEqual(b.line(), f"client {a.id}: and more")

            # A client that never reads, with a tiny receive buffer: its queue on the server
            # grows past the limit (1 MiB) and it is dropped, while b gets every line.
            slow = chat_client(server, rcvbuf=4096)
            blocks, lines_per_block = 16, 2048  # 16 x 256 KiB
            for block in range(blocks):
                sent = []
                for i in range(lines_per_block):
                    text = f"line {block:02d}.{i:04d} "
                    sent.append(text.ljust(127, "x"))
                a.say("".join(line + "\n" for line in sent))
                for line in sent:
                    self.assertEqual(b.line(), f"client {a.id}: {line}")
            received, ended = 0, False
            try:
                while True:
                    chunk = slow.sock.recv(1 << 20)
                    if not chunk:
                        ended = True
                        break
                    received += chunk.count(b"\n")
            except socket.timeout:
                pass
            self.assertTrue(ended, "the slow client was not disconnected")
            self.assertLess(received, blocks * lines_per_block)
            slow.close()

            # A client leaving, and one joining later, do not disturb the others.
            b.close()
            c = chat_client(server)
            a.say("still here\n")
            self.assertEqual(c.line(), f"client {a.id}: still here")

            # A line longer than 4096 bytes ends that connection (what was still queued for
            # it, maybe even the welcome, is dropped with it).
            with socket.create_connection(server.address, timeout=d.TIMEOUT) as long:
                long.sendall(b"y" * 5000)
                try:
                    while long.recv(65536):
                        pass
                except ConnectionResetError:
                    pass  # also an end: the server closed with our bytes unread

            # SIGTERM with a and c still connected: they are cancelled, the server exits 0.
            status, rest = server.stop(signal.SIGTERM)
            self.assertEqual(status, 0, server.stderr)
            self.assertEqual(rest, ["served 5 connections"], server.stderr)
            self.assertTrue(
                any(f"client {slow.id} is not reading" in line for line in server.stderr),
                server.stderr,
            )
            self.assertEqual(a.sock.recv(1), b"")
            a.close()
            c.close()

    def test_broadcast_and_slow_clients(self):
        for backend in d.BACKENDS:
            with self.subTest(backend=backend):
                self.check(backend)


if __name__ == "__main__":
    unittest.main()
