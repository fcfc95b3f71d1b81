#!/usr/bin/env python3
"""The built-in welcome page in headless Chromium, against `weft serve --demo-db`.

The page's "REST demo" section lists the notes and adds one through the JSON API with fetch.
Its automation hook, `#demo-note=TEXT`, fills the title with TEXT and submits the form after
load; on success the page shows the new note and its title becomes "weft — note created".
This test:
1. starts `weft serve --listen 127.0.0.1:0 --demo-db DB` (the port comes from its first
   stderr line, "... listening on http://127.0.0.1:PORT ...");
2. runs `chromium --headless --dump-dom URL#demo-note=hello-from-chromium` and checks the
   dumped DOM holds the note (in the list) and the new title;
3. checks with GET /api/notes that the note is in the database;
4. takes a screenshot (DIR/welcome.png, 1200x900) and checks it is a PNG over 10 KB.

Usage: test_welcome.py WEFT_BINARY SCREENSHOT_DIR (CTest passes both). Skipped only when
/usr/bin/chromium is missing. Every subprocess is bounded (60 s) and killed by its PID (its
process group: Chromium's helpers included) on timeout; temporary directories are removed.
"""
import html
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.request

CHROMIUM = "/usr/bin/chromium"
TIMEOUT = 60  # seconds, for any one subprocess
LISTENING = re.compile(r"listening on http://(\d+\.\d+\.\d+\.\d+):(\d+)")
NOTE = "hello-from-chromium"
CREATED_TITLE = "weft \u2014 note created"

if len(sys.argv) < 3:
    sys.exit(f"usage: {sys.argv[0]} WEFT_BINARY SCREENSHOT_DIR")
WEFT = sys.argv.pop(1)  # removed so unittest ignores them
SCREENSHOTS = sys.argv.pop(1)


def server_command(db):
    return [WEFT, "serve", "--listen", "127.0.0.1:0", "--demo-db", db]


def run_bounded(command, timeout=TIMEOUT):
    """Runs `command` in its own process group: (status, stdout, stderr) as text. On timeout
    the group (the process we started, by its PID, and its children) is killed."""
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError(f"{command[0]} did not finish within {timeout} s") from None
    finally:
        # Chromium may leave helpers behind when the browser process exits: end them too.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return proc.returncode, out, err


class Server:
    """The server under test on 127.0.0.1:0, its stderr read by a thread."""

    def __init__(self, command):
        self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)
        self.stderr = []
        self.lines = queue.Queue()
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()
        try:
            first = self.lines.get(timeout=TIMEOUT)
        except queue.Empty:
            first = None
        match = LISTENING.search(first or "")
        if not match:
            self.stop()
            raise AssertionError(f"no 'listening on http://...' line: {first!r}; "
                                 f"stderr: {self.stderr}")
        self.url = f"http://{match.group(1)}:{match.group(2)}/"

    def _pump(self):
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip("\n"))
            self.lines.put(line)
        self.lines.put(None)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=TIMEOUT)
        self.pump.join(timeout=TIMEOUT)
        self.proc.stderr.close()
        return self.proc.returncode


@unittest.skipUnless(os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is not installed")
class welcome_page(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.mkdtemp(prefix="weft-browser-")
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        self.tmp = tmp
        self.server = Server(server_command(os.path.join(tmp, "notes.db")))
        self.addCleanup(self.server.stop)

    def chromium(self, *args):
        # A fresh profile per run, so no state (cache, storage) carries over between runs.
        profile = tempfile.mkdtemp(prefix="chromium-", dir=self.tmp)
        return run_bounded([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                            "--no-first-run", "--disable-extensions", "--mute-audio",
                            f"--user-data-dir={profile}", *args])

    def api_notes(self):
        with urllib.request.urlopen(self.server.url + "api/notes?limit=100",
                                    timeout=TIMEOUT) as answer:
            return json.load(answer)

    def test_demo_note_is_created_and_shown(self):
        status, dom, err = self.chromium("--virtual-time-budget=8000", "--dump-dom",
                                         self.server.url + "#demo-note=" + NOTE)
        self.assertEqual(status, 0, err[-2000:])
        # The note is rendered in the list (as text), and the page says the POST succeeded.
        self.assertRegex(dom, r'<li data-id="\d+">.*<strong class="note-title">' + NOTE,
                         dom[-3000:])
        title = re.search(r"<title>(.*?)</title>", dom, re.S)
        self.assertIsNotNone(title, dom[:2000])
        self.assertEqual(html.unescape(title.group(1)), CREATED_TITLE)

        # It is in the database, exactly once.
        page = self.api_notes()
        self.assertEqual([n["title"] for n in page["notes"]], [NOTE])

        # A screenshot of the page with its note (reloaded: no hash, so nothing is added).
        os.makedirs(SCREENSHOTS, exist_ok=True)
        png = os.path.join(SCREENSHOTS, "welcome.png")
        if os.path.exists(png):
            os.remove(png)
        status, _, err = self.chromium("--virtual-time-budget=5000", "--hide-scrollbars",
                                       "--window-size=1200,900", f"--screenshot={png}",
                                       self.server.url)
        self.assertEqual(status, 0, err[-2000:])
        self.assertTrue(os.path.exists(png), err[-2000:])
        with open(png, "rb") as f:
            data = f.read()
        self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
        self.assertGreater(len(data), 10 * 1024)
        self.assertEqual(self.api_notes()["total"], 1)

    def test_user_content_is_shown_as_text(self):
        # Markup in a note must come out as text, never as elements.
        evil = '<img src=x onerror="document.title=1">&amp;'
        request = urllib.request.Request(
            self.server.url + "api/notes", method="POST",
            data=json.dumps({"title": evil, "body": "<b>not bold</b>"}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            self.assertEqual(answer.status, 201)
        status, dom, err = self.chromium("--virtual-time-budget=8000", "--dump-dom",
                                         self.server.url)
        self.assertEqual(status, 0, err[-2000:])
        self.assertIn(html.escape(evil, quote=False), dom)
        self.assertIn("&lt;b&gt;not bold&lt;/b&gt;", dom)
        self.assertNotIn("<img src", dom)
        self.assertRegex(dom, r"<title>weft is running</title>")


@unittest.skipUnless(os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is not installed")
class welcome_page_without_demo(unittest.TestCase):
    def test_demo_section_explains_how_to_enable_it(self):
        tmp = tempfile.mkdtemp(prefix="weft-browser-")
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        server = Server([WEFT, "serve", "--listen", "127.0.0.1:0"])
        self.addCleanup(server.stop)
        status, dom, err = run_bounded([
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            f"--user-data-dir={tmp}", "--virtual-time-budget=8000", "--dump-dom",
            server.url + "#demo-note=" + NOTE])
        self.assertEqual(status, 0, err[-2000:])
        self.assertIn("start weft serve --demo-db notes.db to enable the demo", dom)
        self.assertRegex(dom, r'<form id="note-form" hidden')
        self.assertRegex(dom, r"<title>weft is running</title>")  # nothing was posted
        self.assertIn("REST demo", dom)


if __name__ == "__main__":
    unittest.main(verbosity=2)
