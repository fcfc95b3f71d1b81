#!/usr/bin/env python3
"""The first hour with `weft`: every usage mistake is named in the user's words with the
nearest valid spelling and exit status 2; `weft help`, `weft --version`; help without parser
placeholders; huge tokens cut short; `--json` on every command that prints a result (walked
from the CLI's own definition, `weft help --all --json`).

Run by CTest with the path of the built `weft` binary as the only argument. The servers it
starts listen on 127.0.0.1 port 0 and are stopped by their own PID.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import unittest

WEFT = sys.argv.pop(1) if len(sys.argv) > 1 else "weft"
TIMEOUT = 10


def weft(*args, env=None):
    return subprocess.run([WEFT, *args], capture_output=True, text=True, timeout=TIMEOUT,
                          env=env)


def commands():
    r = weft("help", "--all", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


class usage_errors(unittest.TestCase):
    # (argv, the whole stderr line)
    CASES = [
        (["frob"], 'weft: unknown command "frob"; the commands are ip, mac, asn, port, serve, '
                   'echo, version, help (see `weft help`)'),
        (["--frob"], 'weft: unknown option "--frob" (see `weft help`)'),
        (["--verison"], 'weft: unknown option "--verison" (did you mean --version?)'),
        (["ip", "frob"], 'weft: ip: unknown command "frob"; the commands are info, subnets, '
                         'supernet, exclude, aggregate, summarize, contains (see `weft help ip`)'),
        (["ip", "inof", "1.2.3.4"], 'weft: ip: unknown command "inof" (did you mean `weft ip info`?)'),
        (["echo", "sctp"], 'weft: echo: unknown command "sctp"; the commands are tcp, udp '
                           '(see `weft help echo`)'),
        (["contains", "10.0.0.0/8", "10.1.2.3"],
         'weft: unknown command "contains" (did you mean `weft ip contains`?)'),
        (["ip"], 'weft: ip: which command? info, subnets, supernet, exclude, aggregate, '
                 'summarize, contains (see `weft help ip`)'),
        (["ip", "info"], 'weft: ip info: missing X: address (1.2.3.4), network (10.0.0.0/8) or '
                         'interface (10.1.2.3/8) (see `weft help ip info`)'),
        (["ip", "subnets", "10.0.0.0/8"],
         'weft: ip subnets: missing --prefix N: new prefix length (see `weft help ip subnets`)'),
        (["ip", "subnets", "10.0.0.0/8", "--prefix", "x"],
         'weft: ip subnets: --prefix: "x" is not a number (expected 0..128)'),
        (["ip", "info", "1.2.3.4", "5.6.7.8"],
         'weft: ip info: unexpected argument "5.6.7.8" (see `weft help ip info`)'),
        (["serve", "--threads", "abc"],
         'weft: serve: --threads: "abc" is not a number (expected 0..1024)'),
        (["serve", "--threads", "2000"],
         'weft: serve: --threads: "2000" is out of range (expected 0..1024)'),
        (["serve", "--threds", "2"], 'weft: serve: unknown option "--threds" (did you mean --threads?)'),
        (["echo", "tcp", "--listen", "127.0.0.1:0", "--threads", "abc"],
         'weft: echo tcp: --threads: "abc" is not a number (expected 0..1024)'),
        (["echo", "tcp"], 'weft: echo tcp: missing --listen ADDR: address:port, e.g. '
                          '127.0.0.1:7000, [::1]:0 (see `weft help echo tcp`)'),
        (["help", "ip", "frob"], 'weft: ip: unknown command "frob"; the commands are info, '
                                 'subnets, supernet, exclude, aggregate, summarize, contains '
                                 '(see `weft help ip`)'),
        (["mac", "info", "01:02:03:04:05:06:07"],
         'weft: mac info: "01:02:03:04:05:06:07": too many fields (at offset 18)'),
        (["mac", "info", "1:2:3:4:5:6"],
         'weft: mac info: "1:2:3:4:5:6": each octet needs two hex digits (01, not 1) (at offset 0)'),
        (["port", "info", "htp"], 'weft: port info: "htp": not a port number, nor a service name '
                                  'in /etc/services (did you mean ftp or http or ntp?)'),
    ]

    def test_each_mistake_is_named_with_exit_2(self):
        for argv, line in self.CASES:
            if argv[:2] == ["port", "info"] and not os.path.exists("/etc/services"):
                continue
            with self.subTest(argv=argv):
                r = weft(*argv)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(r.stdout, "")
                self.assertEqual(r.stderr, line + "\n")

    def test_weft_alone_shows_the_commands_and_exits_2(self):
        r = weft()
        self.assertEqual(r.returncode, 2)
        self.assertIn("Commands:", r.stderr)
        self.assertIn("weft help", r.stderr)

    def test_a_huge_token_is_cut_short(self):
        huge = "1" * 70000 + "x" + "1" * 29999
        r = weft("ip", "info", huge)
        self.assertEqual(r.returncode, 2)
        self.assertLess(len(r.stderr), 200, r.stderr[:300])
        self.assertTrue(r.stderr.startswith('weft: ip info: "' + "1" * 60 + '..." (100000 bytes): '),
                        r.stderr)
        self.assertRegex(r.stderr, r"\(at offset \d+\)\n$")
        r = weft("serve", "--threads", huge)
        self.assertEqual(r.returncode, 2)
        self.assertLess(len(r.stderr), 200, r.stderr[:300])
        self.assertIn("(100000 bytes)", r.stderr)
        r = weft(huge)
        self.assertLess(len(r.stderr), 300, r.stderr[:300])


class help_command(unittest.TestCase):
    def test_help_is_the_commands_help(self):
        for words in [[], ["ip"], ["ip", "info"], ["serve"], ["echo", "udp"], ["version"]]:
            with self.subTest(words=words):
                r = weft("help", *words)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout, weft(*words, "--help").stdout)
                self.assertIn("Usage: weft" + "".join(" " + w for w in words), r.stdout)

    def test_help_shows_no_parser_placeholders(self):
        for c in commands():
            words = c["command"].split()[1:]
            with self.subTest(command=c["command"]):
                text = weft(*words, "--help").stdout
                for placeholder in ["UINT", "INT in", "TEXT", "=[", "REQUIRED", "Subcommands"]:
                    self.assertNotIn(placeholder, text)

    def test_every_command_has_an_example_that_runs(self):
        for c in commands():
            if c["subcommands"]:
                continue
            with self.subTest(command=c["command"]):
                self.assertTrue(c["example"], c)
                self.assertTrue(c["example"].startswith(c["command"]), c)


class version(unittest.TestCase):
    LIBRARIES = {"liburing", "zlib", "brotli", "zstd", "sqlite", "boost", "fmt", "cli11"}

    def test_version_names_weft_its_commit_libraries_and_backend(self):
        for argv in [["--version"], ["version"]]:
            r = weft(*argv)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r"^weft \d+\.\d+\.\d+ \(commit [0-9a-f]{7,}|unknown")
            self.assertRegex(r.stdout, r"\nio backend: (uring|epoll) ")
            for lib in self.LIBRARIES:
                self.assertRegex(r.stdout, r"\b%s \d" % lib)

    def test_version_json(self):
        for argv in [["--version", "--json"], ["version", "--json"]]:
            o = json.loads(weft(*argv).stdout)
            self.assertRegex(o["weft"], r"^\d+\.\d+\.\d+$")
            self.assertTrue(o["commit"])
            self.assertIn(o["io_backend"], ("uring", "epoll"))
            self.assertEqual(set(o["libraries"]), self.LIBRARIES)
            for lib, v in o["libraries"].items():
                self.assertRegex(v, r"^\d+\.\d+", lib)

    def test_version_reports_a_forced_backend(self):
        o = json.loads(weft("version", "--json", env={**os.environ, "WEFT_IO": "epoll"}).stdout)
        self.assertEqual(o["io_backend"], "epoll")
        self.assertEqual(o["io_backend_forced_by"], "WEFT_IO=epoll")


class json_everywhere(unittest.TestCase):
    # Commands that run until stopped and print no result; help prints text (its JSON form
    # is `help --all --json`, walked here).
    NO_RESULT = {"weft serve", "weft echo tcp", "weft echo udp", "weft help"}

    def test_every_command_that_prints_a_result_takes_json(self):
        ran = 0
        for c in commands():
            if c["subcommands"] or c["command"] in self.NO_RESULT:
                continue
            with self.subTest(command=c["command"]):
                self.assertTrue(c["json"], f'{c["command"]} has no --json')
                argv = c["example"].split()[1:] + ["--json"]
                r = weft(*argv)
                self.assertIn(r.returncode, (0, 1), r.stderr)
                self.assertEqual(r.stderr, "")
                json.loads(r.stdout)  # one JSON document, or this raises
                ran += 1
        self.assertGreaterEqual(ran, 11)


class threads_zero(unittest.TestCase):
    """`--threads 0` means one loop per core in both servers."""

    def started_line(self, argv):
        with subprocess.Popen([WEFT, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True) as p:
            try:
                line = p.stderr.readline()
            finally:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=TIMEOUT)
        return line

    def test_serve_and_echo_agree(self):
        cores = len(os.sched_getaffinity(0))
        want = r"\((uring|epoll), %d threads?" % cores
        self.assertRegex(self.started_line(["echo", "tcp", "--listen", "127.0.0.1:0",
                                            "--threads", "0"]), want)
        self.assertRegex(self.started_line(["serve", "--listen", "127.0.0.1:0",
                                            "--threads", "0"]), want)


class port_names(unittest.TestCase):
    def test_names_resolve_both_ways(self):
        with tempfile.NamedTemporaryFile("w", suffix=".services", delete=False) as f:
            f.write("http\t80/tcp www\nhttp\t80/udp\nsmtp 25/tcp mail\n")
        try:
            for name in ["http", "www"]:
                r = weft("port", "info", name, "--services", f.name, "--json")
                self.assertEqual(r.returncode, 0, r.stderr)
                o = json.loads(r.stdout)
                self.assertEqual(o["port"], 80)
                self.assertEqual(o["services"], ["http/tcp", "http/udp"])
            o = json.loads(weft("port", "info", "25", "--services", f.name, "--json").stdout)
            self.assertEqual(o["services"], ["smtp/tcp"])
        finally:
            os.unlink(f.name)

    @unittest.skipUnless(os.path.exists("/etc/services"), "no /etc/services")
    def test_system_names(self):
        self.assertEqual(json.loads(weft("port", "info", "http", "--json").stdout)["port"], 80)
        self.assertIn("http/tcp", json.loads(weft("port", "info", "80", "--json").stdout)["services"])


if __name__ == "__main__":
    unittest.main()
