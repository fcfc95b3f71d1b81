#!/usr/bin/env python3
"""`weft mac|asn|port info` as scripts see them: exact JSON keys, exit statuses, errors.

Run by CTest with the path of the built `weft` binary as the only argument.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

WEFT = sys.argv.pop(1) if len(sys.argv) > 1 else "weft"


def weft(*args):
    return subprocess.run([WEFT, *args], capture_output=True, text=True, timeout=30)


def weft_json(*args):
    r = weft(*args, "--json")
    assert r.returncode == 0, (args, r.stderr)
    return json.loads(r.stdout)


class mac_info(unittest.TestCase):
    KEYS = ["kind", "colon", "hyphen", "dot", "bare", "oui", "is_multicast", "is_unicast",
            "is_local", "is_universal", "is_broadcast", "interface_id", "ipv6_link_local"]

    def test_every_notation_gives_the_same_answer(self):
        want = weft_json("mac", "info", "00:00:5e:00:53:01")
        self.assertEqual(list(want.keys()), self.KEYS)
        for text in ["00-00-5E-00-53-01", "0000.5e00.5301", "00005e005301"]:
            self.assertEqual(weft_json("mac", "info", text), want, text)
        self.assertEqual(want["dot"], "0000.5e00.5301")
        self.assertEqual(want["interface_id"], "0200:5eff:fe00:5301")  # RFC 4291 App. A
        self.assertEqual(want["ipv6_link_local"], "fe80::200:5eff:fe00:5301")
        self.assertEqual(want["oui"], "00:00:5e")

    def test_bits(self):
        m = weft_json("mac", "info", "01:00:5e:00:00:01")  # IPv4 multicast MAC
        self.assertEqual((m["is_multicast"], m["is_unicast"]), (True, False))
        m = weft_json("mac", "info", "02:00:00:00:00:01")  # locally administered
        self.assertEqual((m["is_local"], m["is_universal"]), (True, False))
        m = weft_json("mac", "info", "ff:ff:ff:ff:ff:ff")
        self.assertIs(m["is_broadcast"], True)

    def test_eui64(self):
        m = weft_json("mac", "info", "0123.4567.89ab.cdef")
        self.assertEqual(m["kind"], "eui64")
        self.assertEqual(m["colon"], "01:23:45:67:89:ab:cd:ef")
        self.assertIsNone(m["interface_id"])

    def test_rejections(self):
        for bad in ["01:23-45:67:89:ab", "01:23:45:67:89", "0123456789a", "01:23:45:67:89:zz", ""]:
            r = weft("mac", "info", bad)
            self.assertEqual(r.returncode, 2, bad)
            self.assertEqual(r.stdout, "")
            self.assertIn(f'"{bad}"', r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1)


class asn_info(unittest.TestCase):
    def test_formats_and_categories(self):
        rows = [  # text, asn, asdot, bits, category
            ("65536", 65536, "1.0", 32, "documentation"),    # RFC 5398
            ("AS65536", 65536, "1.0", 32, "documentation"),
            ("1.0", 65536, "1.0", 32, "documentation"),        # asdot input
            ("0", 0, "0", 16, "reserved"),                     # RFC 7607
            ("23456", 23456, "23456", 16, "as_trans"),         # RFC 6793
            ("64512", 64512, "64512", 16, "private"),          # RFC 6996
            ("4200000000", 4200000000, "64086.59904", 32, "private"),
            ("65535", 65535, "65535", 16, "reserved"),         # RFC 7300
            ("4294967295", 4294967295, "65535.65535", 32, "reserved"),
            ("15169", 15169, "15169", 16, "public"),
        ]
        for text, number, asdot, bits, category in rows:
            o = weft_json("asn", "info", text)
            self.assertEqual(list(o.keys()), ["asn", "asplain", "asdot", "bits", "category"])
            self.assertEqual((o["asn"], o["asplain"], o["asdot"], o["bits"], o["category"]),
                             (number, str(number), asdot, bits, category), text)

    def test_rejections(self):
        for bad in ["65536.0", "4294967296", "AS", "-1", "1.2.3", "AS 1"]:
            r = weft("asn", "info", bad)
            self.assertEqual(r.returncode, 2, bad)
            self.assertIn(f'"{bad}"', r.stderr)


class port_info(unittest.TestCase):
    def test_ranges(self):
        for p, rng in [(0, "system"), (1023, "system"), (1024, "user"), (49151, "user"),
                       (49152, "dynamic"), (65535, "dynamic")]:
            o = weft_json("port", "info", str(p))
            self.assertEqual(list(o.keys()), ["port", "range", "services"])
            self.assertEqual((o["port"], o["range"]), (p, rng))

    def test_services_from_a_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".services", delete=False) as f:
            f.write("# test\nhttp\t80/tcp www\nhttp\t80/udp\nodd line\nsmtp 25/tcp mail\n")
        try:
            o = weft_json("port", "info", "80", "--services", f.name)
            self.assertEqual(o["services"], ["http/tcp", "http/udp"])
        finally:
            os.unlink(f.name)
        r = weft("port", "info", "80", "--services", "/nonexistent/services")
        self.assertEqual(r.returncode, 2)

    @unittest.skipUnless(os.path.exists("/etc/services"), "no /etc/services")
    def test_system_services(self):
        self.assertIn("ssh/tcp", weft_json("port", "info", "22")["services"])

    def test_rejections(self):
        for bad in ["65536", "-1", "08", "no-such-service", ""]:
            r = weft("port", "info", bad)
            self.assertEqual(r.returncode, 2, bad)
            self.assertIn(f'"{bad}"', r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=1)
