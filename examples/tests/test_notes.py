#!/usr/bin/env python3
"""examples/notes (example_notes): the notes REST API over real loopback HTTP.

Every route and its errors (404, 400 naming the JSON path or the path or query parameter,
unknown members, 413 naming the limit, 415, 405), paging, user content round-tripping byte for
byte, a chunked request body, both event-loop backends, notes surviving a restart on the same
database file, and the OpenAPI document at /api/openapi.json: its schemas are valid JSON
Schemas and the real responses validate against them (when python3-jsonschema is installed).

Run by CTest with the directory of the built examples as the only argument (example_notes is
there or in its notes/ subdirectory). Standard library only; every wait is bounded; only the
PIDs started here are signalled.
"""
import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

TIMEOUT = 10  # seconds, for any one step
LISTENING = re.compile(r"listening on http://(\d+\.\d+\.\d+\.\d+):(\d+)")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def find_program():
    if len(sys.argv) < 2:
        sys.exit(f"usage: {sys.argv[0]} EXAMPLES_DIR")
    where = sys.argv.pop(1)  # removed so unittest ignores it
    for candidate in (os.path.join(where, "example_notes"),
                      os.path.join(where, "notes", "example_notes")):
        if os.access(candidate, os.X_OK):
            return candidate
    sys.exit(f"example_notes not found in {where} or {where}/notes")


PROGRAM = find_program()


class NotesServer:
    """example_notes on 127.0.0.1:0 with the database `db`, its stderr read by a thread."""

    def __init__(self, db, backend=None):
        env = dict(os.environ)
        if backend:
            env["WEFT_IO"] = backend
        self.proc = subprocess.Popen(
            [PROGRAM, "--listen", "127.0.0.1:0", "--db", db],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env=env)
        self.lines = queue.Queue()
        self.stderr = []
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()
        try:
            first = self.lines.get(timeout=TIMEOUT)
        except queue.Empty:
            first = None
        match = LISTENING.search(first or "")
        if not match:
            self.kill()
            if backend == "uring" and any("event loop" in line for line in self.stderr):
                raise unittest.SkipTest(f"io_uring unavailable here: {self.stderr}")
            raise AssertionError(f"expected 'listening on http://...', got {first!r}; "
                                 f"stderr: {self.stderr}")
        self.host, self.port = match.group(1), int(match.group(2))

    def _pump(self):
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip("\n"))
            self.lines.put(line)
        self.lines.put(None)

    def stop(self):
        """SIGTERM, then the exit status (killed after TIMEOUT)."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            status = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"no exit within {TIMEOUT} s of SIGTERM") from None
        self.pump.join(timeout=TIMEOUT)
        self.proc.stderr.close()
        return status

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)
        self.pump.join(timeout=TIMEOUT)
        self.proc.stderr.close()

    def request(self, method, path, body=None, headers=None):
        """(status, headers as a lower-cased dict, body bytes)."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        headers = dict(headers or {})
        if body is not None and "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def json(self, method, path, body=None, headers=None):
        """(status, headers, the body parsed as JSON, or None when there is none)."""
        status, headers, data = self.request(method, path, body, headers)
        return status, headers, (json.loads(data) if data else None)


class NotesTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="weft-notes-")
        self.addCleanup(self.tmp.cleanup)
        self.db = os.path.join(self.tmp.name, "notes.db")
        self.server = self.start()

    def start(self, backend=None):
        server = NotesServer(self.db, backend)
        self.addCleanup(server.kill)
        return server

    def stop(self, server):
        self.assertEqual(server.stop(), 0, server.stderr)

    def create(self, title, body=None, server=None):
        payload = {"title": title} if body is None else {"title": title, "body": body}
        status, headers, note = (server or self.server).json("POST", "/api/notes", payload)
        self.assertEqual(status, 201, note)
        return note

    def assert_problem(self, answer, status, path=None, mentions=None):
        code, headers, doc = answer
        self.assertEqual(code, status, doc)
        self.assertEqual(headers.get("content-type"), "application/problem+json")
        self.assertEqual(doc["status"], status)
        if path is not None:
            self.assertEqual(doc.get("path"), path, doc)
        if mentions is not None:
            self.assertIn(mentions, doc["detail"], doc)
        return doc


class crud(NotesTestCase):
    def test_create_read_update_delete(self):
        s = self.server
        status, headers, note = s.json("POST", "/api/notes", {"title": "first", "body": "text"})
        self.assertEqual(status, 201, note)
        self.assertEqual(headers["location"], f"/api/notes/{note['id']}")
        self.assertTrue(headers["content-type"].startswith("application/json"))
        self.assertEqual(set(note), {"id", "title", "body", "created", "updated"})
        self.assertEqual((note["title"], note["body"]), ("first", "text"))
        self.assertRegex(note["created"], RFC3339)
        self.assertEqual(note["created"], note["updated"])
        where = headers["location"]

        self.assertEqual(s.json("GET", where)[::2], (200, note))

        time.sleep(0.01)  # so "updated" moves on (milliseconds)
        status, _, changed = s.json("PUT", where, {"title": "second", "body": "more"})
        self.assertEqual(status, 200, changed)
        self.assertEqual((changed["id"], changed["title"], changed["body"]),
                         (note["id"], "second", "more"))
        self.assertEqual(changed["created"], note["created"])
        self.assertRegex(changed["updated"], RFC3339)
        self.assertGreater(changed["updated"], note["updated"])
        self.assertEqual(s.json("GET", where)[::2], (200, changed))

        # PUT replaces: a body left out becomes empty.
        status, _, changed = s.json("PUT", where, {"title": "third"})
        self.assertEqual((status, changed["body"]), (200, ""))

        status, headers, data = s.request("DELETE", where)
        self.assertEqual((status, data), (204, b""))
        self.assert_problem(s.json("GET", where), 404, mentions=str(note["id"]))
        self.assert_problem(s.json("DELETE", where), 404)
        self.assert_problem(s.json("PUT", where, {"title": "x"}), 404)

    def test_body_is_optional_on_create(self):
        self.assertEqual(self.create("no body")["body"], "")

    def test_ids_that_name_no_note(self):
        for path in ("/api/notes/999", "/api/notes/9223372036854775807"):
            for method in ("GET", "DELETE"):
                with self.subTest(path=path, method=method):
                    self.assert_problem(self.server.json(method, path), 404)

    def test_ids_that_are_not_ids_are_400_naming_the_parameter(self):
        rows = [
            "abc",                      # not a number
            "-1",                       # negative
            "0",                        # ids start at 1
            "1.5",                      # not an integer
            "1e3",                      # not in decimal digits
            "%201",                     # a space before it
            "9223372036854775808",      # one past the largest int64
            "99999999999999999999999",  # far past it
        ]
        for text in rows:
            for method in ("GET", "PUT", "DELETE"):
                with self.subTest(id=text, method=method):
                    body = {"title": "t"} if method == "PUT" else None
                    doc = self.assert_problem(
                        self.server.json(method, f"/api/notes/{text}", body), 400,
                        mentions="path parameter id: must be an integer from 1 to")
                    self.assertEqual(doc.get("parameter"), "id", doc)

    def test_user_content_round_trips(self):
        title = "<script>alert(\"x\")</script> & 'quotes' \\ \u00e9\u6f22\U0001F600"
        body = "line 1\nline 2\t\u0000 </textarea>"
        note = self.create(title, body)
        _, _, back = self.server.json("GET", f"/api/notes/{note['id']}")
        self.assertEqual((back["title"], back["body"]), (title, body))

    def test_methods(self):
        s = self.server
        status, headers, _ = s.request("PATCH", "/api/notes/1", "{}")
        self.assertEqual(status, 405)
        self.assertEqual(sorted(m.strip() for m in headers["allow"].split(",")),
                         sorted(["DELETE", "GET", "HEAD", "OPTIONS", "PUT"]))
        status, headers, data = s.request("HEAD", "/api/notes")
        self.assertEqual((status, data), (200, b""))

    def test_welcome_page_is_served_for_other_paths(self):
        status, headers, data = self.server.request("GET", "/")
        self.assertEqual(status, 200)
        self.assertIn(b"REST demo", data)
        self.assertIn(b"Add note", data)
        status, _, stats = self.server.json("GET", "/status.json")
        self.assertEqual(status, 200)
        self.assertGreaterEqual(stats["requests"], 2)
        self.assert_problem(self.server.json("GET", "/no/such/page"), 404)


class validation(NotesTestCase):
    def test_bad_json_names_the_path(self):
        s = self.server
        rows = [
            ('{"title": ', "$"),                      # truncated
            ("not json", "$"),                        # not JSON at all
            ("", "$"),                                # empty body
            ("[1, 2]", "$"),                          # an array, not an object
            ('{"title": 5}', "$.title"),              # a number, not a string
            ('{"title": null}', "$.title"),           # null is not a title
            ('{"body": "x"}', "$.title"),             # title missing
            ('{"title": "a", "body": [1]}', "$.body"),  # body of the wrong type
            ('{"title": ""}', "$.title"),             # too short
            (json.dumps({"title": "t" * 201}), "$.title"),  # too long
            (json.dumps({"title": "t", "body": "b" * 10001}), "$.body"),  # body too long
            ('{"title": "t", "bdy": "x"}', "$.bdy"),  # an unknown member
            ('{"titel": "t"}', "$.titel"),           # a typo: named, not "title missing"
            ('{"title": "t", "id": 3}', "$.id"),     # a note's own members are not input
        ]
        for body, path in rows:
            for method, target in (("POST", "/api/notes"), ("PUT", "/api/notes/1")):
                with self.subTest(body=body[:30], method=method):
                    self.assert_problem(s.json(method, target, body), 400, path=path)
        # Nothing was stored by any of them.
        self.assertEqual(s.json("GET", "/api/notes")[2]["total"], 0)

    def test_unknown_members_are_named_with_the_expected_ones(self):
        for method, target in (("POST", "/api/notes"), ("PUT", "/api/notes/1")):
            with self.subTest(method=method):
                doc = self.assert_problem(
                    self.server.json(method, target, {"title": "t", "bdy": "x"}), 400,
                    path="$.bdy")
                self.assertEqual(doc["detail"], "unknown field; expected title, body")

    def test_too_large_bodies_are_413_naming_the_limit(self):
        s = self.server
        heads = [
            # Content-Length above the limit: refused before any of the body is read
            "POST /api/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: 1048577\r\n\r\n",
            # a chunk that would take the body past it
            "POST /api/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n100001\r\n",
        ]
        for head in heads:
            with self.subTest(head=head[60:110]):
                with socket.create_connection((s.host, s.port), timeout=TIMEOUT) as sock:
                    sock.sendall(head.encode())
                    status, headers, data = read_response(sock)
                self.assertEqual(status, 413, data)
                self.assertEqual(headers.get("content-type"), "application/problem+json")
                doc = json.loads(data)
                self.assertEqual(doc["status"], 413)
                self.assertEqual(doc["detail"], "request body exceeds the limit of 1048576 bytes")
        # Just under the limit is read, then refused for what it is (a title too long).
        body = json.dumps({"title": "t" * (1048576 - 20)})
        self.assertLessEqual(len(body), 1048576)
        self.assert_problem(s.json("POST", "/api/notes", body), 400, path="$.title")

    def test_limits_are_counted_in_characters(self):
        self.create("\u00e9" * 200, "\u6f22" * 10000)  # 400 and 30,000 bytes: still fine
        self.create("t" * 200, "b" * 10000)

    def test_content_type_must_be_json(self):
        s = self.server
        body = json.dumps({"title": "typed"})
        for content_type in ("text/plain", "application/x-www-form-urlencoded",
                             "application/jsonx", "multipart/form-data"):
            for method, target in (("POST", "/api/notes"), ("PUT", "/api/notes/1")):
                with self.subTest(content_type=content_type, method=method):
                    self.assert_problem(
                        s.json(method, target, body, {"Content-Type": content_type}), 415)
        # No Content-Type at all (http.client sends none when told to skip it).
        conn = http.client.HTTPConnection(s.host, s.port, timeout=TIMEOUT)
        conn.putrequest("POST", "/api/notes")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body.encode())
        answer = conn.getresponse()
        self.assertEqual(answer.status, 415)
        conn.close()
        for content_type in ("application/json; charset=utf-8", "Application/JSON"):
            with self.subTest(content_type=content_type):
                status, _, note = s.json("POST", "/api/notes", body,
                                         {"Content-Type": content_type})
                self.assertEqual(status, 201, note)


class paging(NotesTestCase):
    def test_pages_newest_first(self):
        s = self.server
        ids = [self.create(f"note {i}")["id"] for i in range(25)]
        newest_first = ids[::-1]

        status, _, page = s.json("GET", "/api/notes")
        self.assertEqual(status, 200)
        self.assertEqual((page["total"], page["limit"], page["offset"]), (25, 20, 0))
        self.assertEqual([n["id"] for n in page["notes"]], newest_first[:20])

        _, _, page = s.json("GET", "/api/notes?limit=5&offset=3")
        self.assertEqual((page["total"], page["limit"], page["offset"]), (25, 5, 3))
        self.assertEqual([n["id"] for n in page["notes"]], newest_first[3:8])

        _, _, page = s.json("GET", "/api/notes?offset=20&limit=100")
        self.assertEqual([n["id"] for n in page["notes"]], newest_first[20:])

        _, _, page = s.json("GET", "/api/notes?offset=1000")
        self.assertEqual((page["notes"], page["total"]), ([], 25))

        _, _, page = s.json("GET", "/api/notes?limit=1&unknown=x")
        self.assertEqual(len(page["notes"]), 1)

    def test_bad_parameters_are_named(self):
        rows = [
            ("limit=0", "limit"),       # below 1
            ("limit=101", "limit"),     # above 100
            ("limit=abc", "limit"),     # not a number
            ("limit=-1", "limit"),      # negative
            ("limit=", "limit"),        # empty
            ("limit=1.5", "limit"),     # not an integer
            ("offset=-1", "offset"),    # negative
            ("offset=x", "offset"),     # not a number
            ("offset=99999999999999999999", "offset"),  # too large
            ("limit=%zz", "query"),     # not decodable at all
        ]
        for query, name in rows:
            with self.subTest(query=query):
                doc = self.assert_problem(self.server.json("GET", "/api/notes?" + query), 400,
                                          mentions=name)
                if name != "query":
                    self.assertEqual(doc.get("parameter"), name, doc)


class persistence(NotesTestCase):
    def test_notes_survive_a_restart_on_both_backends(self):
        made = [self.create(f"kept {i}", f"body {i}") for i in range(3)]
        self.stop(self.server)
        for backend in ("uring", "epoll"):
            with self.subTest(backend=backend):
                try:
                    server = self.start(backend)
                except unittest.SkipTest as skip:
                    print(f"skipped {backend}: {skip}", file=sys.stderr)
                    continue
                _, _, page = server.json("GET", "/api/notes")
                self.assertEqual(page["total"], len(made))
                self.assertEqual(page["notes"], made[::-1])
                made.append(self.create(f"on {backend}", server=server))
                self.stop(server)
        self.assertTrue(os.path.exists(self.db))


try:
    import jsonschema
except ImportError:  # external validation is skipped; the structure is still checked
    jsonschema = None


class openapi(NotesTestCase):
    def document(self):
        status, headers, doc = self.server.json("GET", "/api/openapi.json")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/json")
        return doc

    def test_document_lists_every_route(self):
        doc = self.document()
        self.assertEqual(doc["openapi"], "3.1.0")
        self.assertEqual(set(doc["paths"]), {"/api/notes", "/api/notes/{id}", "/api/openapi.json"})
        self.assertEqual(set(doc["paths"]["/api/notes"]), {"get", "post"})
        self.assertEqual(set(doc["paths"]["/api/notes/{id}"]) - {"parameters"},
                         {"get", "put", "delete"})
        schemas = doc["components"]["schemas"]
        self.assertEqual(list(schemas["Note"]["properties"]),
                         ["id", "title", "body", "created", "updated"])
        self.assertEqual(list(schemas["NoteInput"]["properties"]), ["title", "body"])
        self.assertFalse(schemas["NoteInput"]["additionalProperties"])
        # Every operation has an operationId and a response for each status it can answer.
        for path, item in doc["paths"].items():
            for method, op in item.items():
                if method == "parameters":
                    continue
                with self.subTest(path=path, method=method):
                    self.assertIn("operationId", op)
                    self.assertTrue(op["responses"])

    def schema(self, doc, name):
        """A schema validating against components/schemas/`name`, its refs resolvable."""
        return {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "$ref": f"#/components/schemas/{name}", "components": doc["components"]}

    @unittest.skipIf(jsonschema is None, "python3-jsonschema is not installed")
    def test_real_answers_validate_against_the_schemas(self):
        s = self.server
        doc = self.document()
        for name, schema in doc["components"]["schemas"].items():
            with self.subTest(schema=name):
                jsonschema.Draft202012Validator.check_schema(schema)
        validate = lambda value, name: jsonschema.Draft202012Validator(
            self.schema(doc, name)).validate(value)

        note = self.create("checked", "against the schema")
        validate(note, "Note")
        validate(s.json("GET", f"/api/notes/{note['id']}")[2], "Note")
        validate(s.json("GET", "/api/notes")[2], "NotePage")
        validate({"title": "t", "body": "b"}, "NoteInput")
        validate({"title": "t", "body": None}, "NoteInput")
        # What the API refuses, the schema refuses too.
        for bad in ({"title": "t", "bdy": "x"}, {"body": "x"}, {"title": 5}, {"title": ""},
                    {"title": "t" * 201}, {"title": "t", "body": "b" * 10001}):
            with self.subTest(bad=str(bad)[:40]):
                with self.assertRaises(jsonschema.ValidationError):
                    validate(bad, "NoteInput")
                self.assert_problem(s.json("POST", "/api/notes", bad), 400)
        # Every kind of error body is a Problem.
        problems = [
            s.json("GET", "/api/notes/999"),                      # 404
            s.json("GET", "/api/notes/abc"),                      # 400, parameter
            s.json("GET", "/api/notes?limit=0"),                  # 400, query parameter
            s.json("POST", "/api/notes", '{"title": '),          # 400, syntax: offset, line...
            s.json("POST", "/api/notes", {"title": 1}),           # 400, path
            s.json("POST", "/api/notes", {"title": "t"}, {"Content-Type": "text/plain"}),  # 415
        ]
        for status, _, body in problems:
            with self.subTest(status=status, body=body):
                self.assertGreaterEqual(status, 400)
                validate(body, "Problem")
                # and each member it has is one the schema names
                self.assertLessEqual(set(body), set(doc["components"]["schemas"]["Problem"]
                                                    ["properties"]))


def read_response(sock):
    """Reads one HTTP/1.1 response with Content-Length (or none, for 204) from `sock`."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"closed before the head ended: {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("closed in the body")
        rest += chunk
    return status, headers, rest[:length]


def chunked(data, size):
    """`data` in Transfer-Encoding: chunked framing, `size` bytes a chunk (RFC 9112 §7.1)."""
    out = b""
    for i in range(0, len(data), size):
        piece = data[i:i + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return out + b"0\r\n\r\n"


class chunked_upload(NotesTestCase):
    def send(self, sock, method, target, body=None, split=7):
        head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        payload = b""
        if body is not None:
            head += "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            payload = chunked(json.dumps(body).encode(), split)
        wire = head.encode() + b"\r\n" + payload
        # Dribbled out in small writes, so the server sees the chunks arrive piecemeal.
        for i in range(0, len(wire), 16):
            sock.sendall(wire[i:i + 16])
        return read_response(sock)

    def test_crud_round_trip_with_a_chunked_body(self):
        s = self.server
        with socket.create_connection((s.host, s.port), timeout=TIMEOUT) as sock:
            body = "chunked " * 200  # 1,600 bytes in 7-byte chunks
            status, headers, data = self.send(sock, "POST", "/api/notes",
                                              {"title": "chunked \u00e9", "body": body})
            self.assertEqual(status, 201, data)
            note = json.loads(data)
            self.assertEqual((note["title"], note["body"]), ("chunked \u00e9", body))
            where = headers["location"]

            # Same connection (keep-alive): read, replace with another chunked body, delete.
            status, _, data = self.send(sock, "GET", where)
            self.assertEqual((status, json.loads(data)), (200, note))
            status, _, data = self.send(sock, "PUT", where, {"title": "rechunked"}, split=1)
            self.assertEqual((status, json.loads(data)["title"]), (200, "rechunked"))
            status, _, data = self.send(sock, "DELETE", where)
            self.assertEqual((status, data), (204, b""))
            status, _, _ = self.send(sock, "GET", where)
            self.assertEqual(status, 404)

            # A chunked body that is bad JSON is still a 400 with the path.
            status, _, data = self.send(sock, "POST", "/api/notes", {"title": 1})
            self.assertEqual((status, json.loads(data).get("path")), (400, "$.title"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
