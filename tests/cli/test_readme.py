#!/usr/bin/env python3
"""The README is true, as rustdoc and doctest keep docs true: every `$ weft ...` line of its
console blocks runs against the built binary and prints what the README shows; every example
in the command table runs and exits 0 (servers start, say they listen, and stop cleanly on
SIGTERM); every link stays inside the repository and names a file that exists; the make
targets it lists exist.

Conventions in the README's console blocks:
- `$ COMMAND` runs COMMAND with bash in the repository's root, `weft` being the built binary;
  a trailing `# exit N` is the exit status expected (else 0);
- the lines up to the next `$` are its output, stdout and stderr together; `...` within a
  line stands for any text.

Run by CTest with the path of the built `weft` binary as the only argument. Servers listen on
127.0.0.1 port 0 (the `--listen` of an example is replaced) and are stopped by their PID.
"""
import os
import re
import signal
import subprocess
import sys
import unittest

WEFT = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else "weft")
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
README = os.path.join(ROOT, "README.md")
TIMEOUT = 10
SERVERS = ("weft serve", "weft echo tcp", "weft echo udp")


def readme():
    with open(README, encoding="utf-8") as f:
        return f.read()


def console_sessions(text):
    """[(command, expected exit status, [output lines], README line number)]."""
    sessions = []
    in_console = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            in_console = line.strip() == "```console"
            continue
        if not in_console:
            continue
        if line.startswith("$ "):
            command = line[2:]
            status = 0
            m = re.search(r"\s+# exit (\d+)$", command)
            if m:
                status = int(m.group(1))
                command = command[: m.start()]
            sessions.append((command, status, [], number))
        elif sessions:
            sessions[-1][2].append(line)
    return sessions


def table_examples(text):
    """The `weft ...` example of each row of the command table: [(command, README line)]."""
    examples = []
    for number, line in enumerate(text.splitlines(), 1):
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) >= 2:
            m = re.match(r"`(weft [^`]*)`", cells[-1])
            if m:
                examples.append((m.group(1), number))
    return examples


def environment():
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(WEFT) + os.pathsep + env.get("PATH", "")
    return env


def line_pattern(shown):
    return re.compile("".join(".*" if part == "..." else re.escape(part)
                              for part in re.split(r"(\.\.\.)", shown)) + r"\Z")


def with_free_port(command):
    """`weft serve ...` listening on 127.0.0.1:0 instead of the README's port."""
    words = command.split()
    if "--listen" in words:
        words[words.index("--listen") + 1] = "127.0.0.1:0"
    else:
        words += ["--listen", "127.0.0.1:0"]
    return words


class readme_is_true(unittest.TestCase):
    def test_console_sessions_print_what_the_readme_shows(self):
        sessions = console_sessions(readme())
        self.assertGreaterEqual(len(sessions), 5, "the README shows no session")
        for command, status, shown, number in sessions:
            with self.subTest(line=number, command=command):
                self.assertRegex(command, r"(^|\|\s*)weft\b", "a console line that is not weft")
                r = subprocess.run(["bash", "-c", command], cwd=ROOT, env=environment(),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT)
                self.assertEqual(r.returncode, status, r.stdout)
                printed = r.stdout.splitlines()
                self.assertEqual(len(printed), len(shown), r.stdout)
                for got, want in zip(printed, shown):
                    self.assertRegex(got, line_pattern(want))

    def test_table_examples_run(self):
        examples = table_examples(readme())
        self.assertGreaterEqual(len(examples), 12)
        for command, number in examples:
            with self.subTest(line=number, command=command):
                if command.startswith(SERVERS):
                    self.run_server(command)
                    continue
                r = subprocess.run(["bash", "-c", command], cwd=ROOT, env=environment(),
                                   stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                   timeout=TIMEOUT)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertTrue(r.stdout, "prints nothing")
                self.assertEqual(r.stderr, "")

    def run_server(self, command):
        words = with_free_port(command)
        words[0] = WEFT
        with subprocess.Popen(words, cwd=ROOT, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True) as p:
            try:
                first = p.stderr.readline()
                self.assertRegex(first, r"listening on")
            finally:
                p.send_signal(signal.SIGTERM)
                status = p.wait(timeout=TIMEOUT)
            self.assertEqual(status, 0, first + p.stderr.read())

    def test_every_command_in_the_table_exists(self):
        r = subprocess.run([WEFT, "help", "--all"], capture_output=True, text=True,
                           timeout=TIMEOUT)
        known = {line.split("  ")[0].strip() for line in r.stdout.splitlines()
                 if line.startswith("weft ")}
        for command, number in table_examples(readme()):
            words = command.split()
            path = " ".join(words[:3]) if " ".join(words[:3]) in known else " ".join(words[:2])
            with self.subTest(line=number):
                self.assertIn(path, known, command)

    def test_links_stay_in_the_repository(self):
        for target in re.findall(r"\]\(([^)\s]+)\)", readme()):
            with self.subTest(link=target):
                self.assertNotRegex(target, r"^[a-z]+://", "a link that leaves the repository")
                path = os.path.normpath(os.path.join(ROOT, target.split("#")[0]))
                self.assertTrue(path.startswith(ROOT + os.sep), "a link outside the repository")
                self.assertTrue(os.path.exists(path), f"{target} does not exist")
        self.assertNotIn("../shared", readme())

    def test_listed_make_targets_exist(self):
        with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as f:
            targets = set(re.findall(r"^([A-Za-z][\w-]*):", f.read(), re.M))
        text = readme()
        section = text[text.index("## More make targets"):]
        listed = re.findall(r"^- `make ([\w-]+)`", section, re.M)
        self.assertGreaterEqual(len(listed), 4)
        for name in listed + re.findall(r"^make (\w+)", text, re.M):
            self.assertIn(name, targets)


if __name__ == "__main__":
    unittest.main()
