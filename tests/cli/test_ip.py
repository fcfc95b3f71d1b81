#!/usr/bin/env python3
"""`weft ip` as a script sees it: exact JSON keys, exit statuses, one-line errors.

Run by CTest with the path of the built `weft` binary as the only argument.
"""
import ipaddress
import json
import subprocess
import sys
import unittest

WEFT = sys.argv.pop(1) if len(sys.argv) > 1 else "weft"

INFO_KEYS = {
    "kind", "version", "compressed", "exploded", "reverse_pointer", "is_private", "is_global",
    "is_loopback", "is_link_local", "is_multicast", "is_reserved", "is_unspecified",
    "is_documentation", "ipv4_mapped", "sixtofour", "teredo", "scope_id",
}
NETWORK_KEYS = {
    "network", "network_address", "broadcast_address", "netmask", "hostmask",
    "prefix_length", "num_addresses", "first_host", "last_host",
}


def weft(*args, stdin=None):
    return subprocess.run([WEFT, *args], input=stdin, capture_output=True, text=True, timeout=30)


def weft_json(*args, stdin=None):
    r = weft(*args, "--json", stdin=stdin)
    assert r.returncode == 0, (args, r.stderr)
    return json.loads(r.stdout)


class ip_info(unittest.TestCase):
    def test_issue_example_interface(self):
        o = weft_json("ip", "info", "192.168.100.1/26")
        self.assertTrue(INFO_KEYS | NETWORK_KEYS | {"address"} <= o.keys())
        self.assertEqual(o["kind"], "interface")
        self.assertEqual(o["version"], 4)
        self.assertEqual(o["address"], "192.168.100.1")
        self.assertEqual(o["network"], "192.168.100.0/26")
        self.assertEqual(o["num_addresses"], "64")
        self.assertEqual(o["network_address"], "192.168.100.0")
        self.assertEqual(o["broadcast_address"], "192.168.100.63")
        self.assertEqual(o["netmask"], "255.255.255.192")
        self.assertEqual(o["hostmask"], "0.0.0.63")
        self.assertEqual(o["prefix_length"], 26)
        self.assertEqual((o["first_host"], o["last_host"]), ("192.168.100.1", "192.168.100.62"))
        self.assertIs(o["is_private"], True)
        self.assertIsNone(o["ipv4_mapped"])

    def test_network_and_address_kinds(self):
        self.assertEqual(weft_json("ip", "info", "10.0.0.0/8")["kind"], "network")
        a = weft_json("ip", "info", "8.8.8.8")
        self.assertEqual(a["kind"], "address")
        self.assertTrue(INFO_KEYS <= a.keys())
        self.assertFalse(NETWORK_KEYS & a.keys())
        self.assertIs(a["is_global"], True)
        self.assertEqual(a["reverse_pointer"], "8.8.8.8.in-addr.arpa")

    def test_ipv6_fields(self):
        o = weft_json("ip", "info", "2001:0:4136:e378:8000:63bf:3fff:fdd2")
        self.assertEqual(o["teredo"], {"server": "65.54.227.120", "client": "192.0.2.45"})
        o = weft_json("ip", "info", "2002:c000:204::1")
        self.assertEqual(o["sixtofour"], "192.0.2.4")
        o = weft_json("ip", "info", "fe80::1%eth0")
        self.assertEqual(o["scope_id"], "eth0")
        self.assertIs(o["is_link_local"], True)
        o = weft_json("ip", "info", "::/0")
        self.assertEqual(o["num_addresses"], str(2**128))
        o = weft_json("ip", "info", "2001:DB8:0:0:1:0:0:1")
        self.assertEqual(o["compressed"], "2001:db8::1:0:0:1")  # RFC 5952: first longest run

    def test_agrees_with_python_on_networks(self):
        for text in ["10.0.0.0/8", "192.0.2.0/24", "100.64.0.0/10", "2001:db8::/32",
                     "fc00::/7", "0.0.0.0/0", "255.255.255.255/32"]:
            o = weft_json("ip", "info", text)
            n = ipaddress.ip_network(text)
            self.assertEqual(o["broadcast_address"], str(n.broadcast_address), text)
            self.assertEqual(o["num_addresses"], str(n.num_addresses), text)
            self.assertEqual(o["is_private"], n.is_private, text)
            self.assertEqual(o["is_global"], n.is_global, text)

    def test_strict_rejects_host_bits_naming_the_network(self):
        r = weft("ip", "info", "192.168.100.1/26", "--strict")
        self.assertEqual(r.returncode, 2)
        self.assertIn("192.168.100.0/26", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_bad_input_is_one_line_exit_2_naming_the_token(self):
        for bad in ["1.2.3.04", "1.2.3", "::1::", "1:2:3:4:5:6:7:8:9", "192.168.100.1/33",
                    "", "10.0.0.0/8x", "fe80::1%"]:
            r = weft("ip", "info", bad)
            self.assertEqual(r.returncode, 2, bad)
            self.assertEqual(r.stdout, "", bad)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(f'"{bad}"', r.stderr)

    def test_usage_errors_exit_2(self):
        for args in [("ip",), ("ip", "info"), ("ip", "info", "1.2.3.4", "--bogus"),
                     ("ip", "subnets", "10.0.0.0/8")]:
            r = weft(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertTrue(r.stderr.startswith("weft: "), r.stderr)


class ip_lists(unittest.TestCase):
    def test_subnets(self):
        r = weft("ip", "subnets", "192.168.100.0/26", "--prefix", "28")
        self.assertEqual(r.stdout.split(), ["192.168.100.0/28", "192.168.100.16/28",
                                            "192.168.100.32/28", "192.168.100.48/28"])
        self.assertEqual(weft_json("ip", "subnets", "2001:db8::/32", "--prefix", "34"),
                         ["2001:db8::/34", "2001:db8:4000::/34", "2001:db8:8000::/34",
                          "2001:db8:c000::/34"])
        self.assertEqual(weft("ip", "subnets", "10.0.0.0/8", "--prefix", "7").returncode, 2)

    def test_supernet(self):
        self.assertEqual(weft_json("ip", "supernet", "192.168.100.0/26"), ["192.168.100.0/25"])
        self.assertEqual(weft_json("ip", "supernet", "192.168.100.0/26", "--prefix", "16"),
                         ["192.168.0.0/16"])
        self.assertEqual(weft("ip", "supernet", "10.0.0.0/8", "--prefix", "9").returncode, 2)

    def test_exclude_matches_python(self):
        got = weft_json("ip", "exclude", "192.0.2.0/28", "192.0.2.1/32")
        want = [str(n) for n in ipaddress.ip_network("192.0.2.0/28").address_exclude(
            ipaddress.ip_network("192.0.2.1/32"))]
        self.assertEqual(got, want)
        self.assertEqual(weft("ip", "exclude", "10.0.0.0/8", "11.0.0.0/8").returncode, 2)

    def test_aggregate_arguments_and_stdin(self):
        self.assertEqual(weft_json("ip", "aggregate", "10.0.0.0/25", "10.0.0.128/25", "10.0.1.0/24"),
                         ["10.0.0.0/23"])
        text = "# peers\n192.0.2.0/25\n\n192.0.2.128/25  # second half\n2001:db8::/33\n2001:db8:8000::/33\n"
        self.assertEqual(weft_json("ip", "aggregate", stdin=text), ["192.0.2.0/24", "2001:db8::/32"])
        r = weft("ip", "aggregate", stdin="10.0.0.0/8\nnot-an-address\n")
        self.assertEqual(r.returncode, 2)
        self.assertIn("line 2", r.stderr)

    def test_summarize(self):
        self.assertEqual(weft_json("ip", "summarize", "192.0.2.0", "192.0.2.130"),
                         ["192.0.2.0/25", "192.0.2.128/31", "192.0.2.130/32"])
        self.assertEqual(weft("ip", "summarize", "10.0.0.9", "10.0.0.1").returncode, 2)
        self.assertEqual(weft("ip", "summarize", "10.0.0.1", "::1").returncode, 2)

    def test_contains_exit_status(self):
        r = weft("ip", "contains", "10.0.0.0/8", "10.1.2.3")
        self.assertEqual((r.returncode, r.stdout), (0, "true\n"))
        r = weft("ip", "contains", "10.0.0.0/8", "11.1.2.3")
        self.assertEqual((r.returncode, r.stdout), (1, "false\n"))
        r = weft("ip", "contains", "2001:db8::/32", "2001:db8:1::/48")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(weft("ip", "contains", "10.0.0.0/8", "10.1.2.300").returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=1)
