"""Helpers for the scripts that drive the networked examples (examples/tests/test_*.py).

A script gets the directory of the built examples as its first argument. A server example
prints "listening on ADDRESS:PORT" as its first line (it is started on port 0, so the
kernel picks a free port), and "served N ..." when SIGTERM or SIGINT stops it. Everything
stays on loopback; every wait has a timeout; only the PIDs started here are signalled.
"""
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import unittest

TIMEOUT = 10  # seconds, for any one step
LISTENING = re.compile(r"^listening on (\S+)$")
# Every example runs on both of weft's backends (WEFT_IO picks one).
BACKENDS = ("uring", "epoll")


def environment(backend):
    return dict(os.environ, WEFT_IO=backend)


def examples_dir():
    """The directory of the example binaries: argv[1], removed so unittest ignores it."""
    if len(sys.argv) < 2:
        sys.exit(f"usage: {sys.argv[0]} EXAMPLES_DIR")
    return sys.argv.pop(1)


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


class Server:
    """A server example run as a child process, its stdout read line by line."""

    def __init__(self, program, *args, backend):
        self.proc = subprocess.Popen(
            [program, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(backend),
        )
        self.lines = queue.Queue()
        self.stderr = []
        self.pumps = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put)),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self._log)),
        ]
        for pump in self.pumps:
            pump.start()
        first = self.next_line()
        match = LISTENING.match(first or "")
        if not match:
            self.kill()
            if backend == "uring" and any("event loop" in line for line in self.stderr):
                raise unittest.SkipTest(f"io_uring unavailable here: {self.stderr}")
            raise AssertionError(
                f"expected 'listening on ADDRESS', got {first!r}; stderr: {self.stderr}"
            )
        self.address_text = match.group(1)
        self.family, self.address = split_address(self.address_text)

    def _log(self, line):
        if line is not None:
            self.stderr.append(line)

    @staticmethod
    def _pump(stream, sink):
        for line in stream:
            sink(line.rstrip("\n"))
        sink(None)

    def next_line(self, timeout=TIMEOUT):
        """The next stdout line, or None at end of output; fails after `timeout` seconds."""
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output within {timeout} s") from None

    def stop(self, signo=signal.SIGTERM):
        """Signals the server and waits for it: (exit status, the rest of its stdout)."""
        os.kill(self.proc.pid, signo)
        try:
            status = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"no exit within {TIMEOUT} s of signal {signo}") from None
        rest = []
        while (line := self.next_line()) is not None:
            rest.append(line)
        self.close()
        return status, rest

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)
        self.close()

    def close(self):
        for pump in self.pumps:
            pump.join(timeout=TIMEOUT)
        self.proc.stdout.close()
        self.proc.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()  # only if a test failed before stop()
        return False


def run(program, *args, backend="uring", timeout=TIMEOUT):
    """Runs a client example to completion: the CompletedProcess, output as text."""
    done = subprocess.run(
        [program, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment(backend),
    )
    if backend == "uring" and done.returncode == 1 and "event loop" in done.stderr:
        raise unittest.SkipTest(f"io_uring unavailable here: {done.stderr}")
    return done


def connect(server, timeout=TIMEOUT, kind=socket.SOCK_STREAM):
    s = socket.socket(server.family, kind)
    s.settimeout(timeout)
    s.connect(server.address)
    return s


def read_line(sock, pending):
    """Reads one '\\n'-terminated line from `sock`; `pending` (a bytearray) keeps the rest."""
    while b"\n" not in pending:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed; pending {bytes(pending)!r}")
        pending += chunk
    line, _, rest = bytes(pending).partition(b"\n")
    pending[:] = rest
    return line.decode()
