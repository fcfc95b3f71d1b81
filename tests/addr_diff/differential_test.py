#!/usr/bin/env python3
"""Differential test of weft::addr against Python's ipaddress (STYLE.md 2.9: every parser
agrees with a reference).

Generates thousands of random addresses, networks, interfaces, operations and mutated
strings with a fixed seed, sends them in one batch to weft_addr_diff_driver (diff_driver.cpp
documents its commands and fields), computes the same things with this interpreter's
ipaddress, and compares every field both define. Exits non-zero on any mismatch, after
printing the first 20.

Usage: differential_test.py path/to/weft_addr_diff_driver [--seed N] [--scale F]

The reference is Debian's python3 3.11 (tests/CMakeLists.txt picks /usr/bin/python3): its
ipaddress has the CVE-2024-4032 registry fix for is_private/is_global.

Intended differences, excluded or turned into a check of weft's own answer (each is counted
and reported):

  * Registry rows newer than Python 3.11's table (weft follows the IANA registry of 2025):
    100:0:0:1::/64 (RFC 9780), 3fff::/20 (RFC 9637) and 5f00::/16 (RFC 9602) are not
    globally reachable, and 2001:1::3/128 (RFC 9665) is a globally reachable exception
    inside 2001::/23. is_private/is_global are not compared for an IPv6 address in one of
    them, nor for a network whose first or last address is in one (both implementations
    judge a network by its two ends).
  * Debian's Python 3.11.2 IPv6Address.is_global is `not is_private` even for an
    IPv4-mapped address, against its own docstring ("address.is_global ==
    address.ipv4_mapped.is_global"), which weft follows. They differ only for
    ::ffff:100.64.0.0/106 (shared space: neither private nor global); is_global is not
    compared there.
  * RFC 5952 §5: weft writes an IPv4-mapped address as ::ffff:192.0.2.1 where Python 3.11
    writes ::ffff:c000:201. Such texts are compared by value: weft's must be exactly
    "::ffff:" + the dotted quad (+ zone), and parse to Python's address.
  * weft rejects a prefix length with a leading zero ("/08", "/00"); Python reads int("08").
    weft must reject such a text, and the same text with the prefix written canonically is
    added as its own case.
  * weft bounds a zone to what an interface name can be: 1..16 bytes of printable ASCII
    other than '%', '/', '[' and ']'. Python takes any non-empty text without '%'. weft must
    reject the others.
  * weft networks carry no zone (network.hpp): "fe80::%eth0/64" is an error for
    ipv6_network::parse, while Python 3.11 keeps the zone on the network address. weft must
    reject these. For an interface, Python 3.11 keeps the zone on .network when the host
    bits are zero ("fe80::%eth0/64") and drops it otherwise; weft never has one, so the
    interface's network is compared without the zone, and .ip (which Python returns without
    the zone) is compared with the address part of str(interface).
  * Python 3.11's IPv6Address.exploded and .reverse_pointer raise on an address with a zone
    ("Only hex digits permitted in '1%eth0'"): not compared for zoned addresses.
  * Python's subnets() yields the network itself for a /32 or /128 whatever new_prefix is;
    weft returns nullopt when new_prefix is not in prefix..bits. Not compared there.
  * Python's supernet() returns a /0 itself whatever new_prefix is; weft returns nullopt
    when new_prefix > prefix. Not compared there.
  * summarize_address_range raises ValueError when first > last; weft's summarize_range
    returns an empty list (network.hpp). Python's error is taken as an empty list.
  * Ordering of zoned addresses: Python orders IPv6 addresses by value only (equal values
    keep input order), weft sorts a zoned address just after the same address without one
    (netip). The ordering lists hold no zones.
"""

import argparse
import collections
import ipaddress
import itertools
import json
import random
import re
import subprocess
import sys
import time

ERROR = {"error": True}

# Registry rows newer than Python 3.11's table; see the module docstring.
NEWER_V6_ROWS = [
    ipaddress.IPv6Network("100:0:0:1::/64"),  # RFC 9780, dummy prefix: not global
    ipaddress.IPv6Network("2001:1::3/128"),  # RFC 9665, DNS-SD SRP anycast: global
    ipaddress.IPv6Network("3fff::/20"),  # RFC 9637, documentation: not global
    ipaddress.IPv6Network("5f00::/16"),  # RFC 9602, SRv6 SIDs: not global
]

V4_BLOCKS = [
    ipaddress.IPv4Network(n)
    for n in [
        "0.0.0.0/8", "0.0.0.0/32", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
        "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.0.0/29", "192.0.0.8/32",
        "192.0.0.9/32", "192.0.0.10/32", "192.0.0.170/31", "192.0.2.0/24", "192.31.196.0/24",
        "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16", "192.175.48.0/24",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "255.255.255.255/32",
    ]
]

V6_BLOCKS = [
    ipaddress.IPv6Network(n)
    for n in [
        # IANA special-purpose registry, old and new rows
        "::1/128", "::/128", "::ffff:0:0/96", "::/96", "64:ff9b::/96", "64:ff9b:1::/48",
        "100::/64", "100:0:0:1::/64", "2001::/23", "2001::/32", "2001:1::1/128",
        "2001:1::2/128", "2001:1::3/128", "2001:2::/48", "2001:3::/32", "2001:4:112::/48",
        "2001:10::/28", "2001:20::/28", "2001:30::/28", "2001:db8::/32", "2002::/16",
        "2620:4f:8000::/48", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10",
        "ff00::/8",
        # RFC 4291 §2.4 reserved blocks (is_reserved)
        "::/8", "100::/8", "200::/7", "400::/6", "800::/5", "1000::/4", "2000::/3",
        "4000::/3", "6000::/3", "8000::/3", "a000::/3", "c000::/3", "e000::/4", "f000::/5",
        "f800::/6", "fe00::/9",
    ]
]

# Characters a zone may hold in weft (ipv6_address.hpp): printable ASCII but these.
ZONE_FORBIDDEN = set("%/[]")
ZONE_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:~!@#$^&*()=+"
MAX_ZONE = 16

# Characters the mutator inserts: the grammar's own, its neighbours, and some that look like
# digits or separators to a careless parser. No '\n' (the driver's line separator) or '\r'.
MUTATION_ALPHABET = (
    list("0123456789abcdefABCDEF:::...///%%") + list("gxzG -+_,;[]\t\x00") +
    ["\u0661", "\u00e9", "\uff11", "\u00b2", "\u2024", "\uff1a"]
)


def weft_zone_ok(zone):
    return (0 < len(zone.encode("utf-8")) <= MAX_ZONE and
            all(" " < c <= "~" and c not in ZONE_FORBIDDEN for c in zone))


def max_prefix(version):
    return 32 if version == 4 else 128


def make_net(version, value, prefix, strict=False):
    """The network value/prefix of `version`: ip_network((int, p)) would guess IPv4 for a
    small IPv6 value."""
    cls = ipaddress.IPv4Network if version == 4 else ipaddress.IPv6Network
    return cls((value, prefix), strict=strict)


class Case:
    """One driver command and what Python says about it.

    expect: ERROR, a dict of fields, or None (not compared: see `note`).
    skip: fields not compared, each with its reason.
    note: the intended difference this case checks or is excluded by, if any.
    """

    __slots__ = ("cat", "cmd", "expect", "skip", "note", "normalize")

    def __init__(self, cat, cmd, expect, skip=None, note=None, normalize=None):
        self.cat = cat
        self.cmd = cmd
        self.expect = expect
        self.skip = skip or {}
        self.note = note
        # For a KNOWN-BUG case: turns weft's answer into what can still be compared.
        self.normalize = normalize


# --- Python's answers ------------------------------------------------------------------------


def newer_row_hit(*addrs):
    return any(a.version == 6 and a.ipv4_mapped is None and any(a in n for n in NEWER_V6_ROWS)
               for a in addrs)


REGISTRY_SKIP = "IANA row newer than Python 3.11's table (RFC 9780/9665/9637/9602)"

# Debian's 3.11.2 IPv6Address.is_global is `not self.is_private`, although its docstring
# (and weft) say `address.is_global == address.ipv4_mapped.is_global`. The two differ only
# where IPv4 is_private and is_global are both False: the shared space 100.64.0.0/10.
SHARED_V4 = ipaddress.IPv4Network("100.64.0.0/10")
MAPPED_GLOBAL_SKIP = ("Python 3.11 IPv6Address.is_global ignores ipv4_mapped "
                      "(::ffff:100.64.0.0/106; contradicts its docstring)")


def py_address(a):
    d = {
        "v": a.version,
        "c": a.compressed,
        "i": str(int(a)),
        "priv": a.is_private,
        "glob": a.is_global,
        "loop": a.is_loopback,
        "ll": a.is_link_local,
        "mc": a.is_multicast,
        "res": a.is_reserved,
        "unsp": a.is_unspecified,
    }
    skip = {}
    if a.version == 6 and a.scope_id:
        skip["x"] = skip["r"] = "Python 3.11 exploded/reverse_pointer raise on a zone"
    else:
        d["x"] = a.exploded
        d["r"] = a.reverse_pointer
    if a.version == 6:
        d["zone"] = a.scope_id or ""
        d["sl"] = a.is_site_local
        d["m4"] = str(a.ipv4_mapped) if a.ipv4_mapped is not None else None
        d["s4"] = str(a.sixtofour) if a.sixtofour is not None else None
        d["ter"] = [str(x) for x in a.teredo] if a.teredo is not None else None
    if newer_row_hit(a):
        skip["priv"] = skip["glob"] = REGISTRY_SKIP
    if a.version == 6 and a.ipv4_mapped is not None and a.ipv4_mapped in SHARED_V4:
        skip["glob"] = MAPPED_GLOBAL_SKIP
    return d, skip


def py_network(n):
    d = {
        "v": n.version,
        "s": str(n),
        "na": str(n.network_address),
        "bc": str(n.broadcast_address),
        "nm": str(n.netmask),
        "hm": str(n.hostmask),
        "pl": n.prefixlen,
        "num": str(n.num_addresses),
        "priv": n.is_private,
        "glob": n.is_global,
        "loop": n.is_loopback,
        "ll": n.is_link_local,
        "mc": n.is_multicast,
        "res": n.is_reserved,
        "unsp": n.is_unspecified,
    }
    if n.version == 6:
        d["nax"] = n.network_address.exploded
    skip = {}
    if newer_row_hit(n.network_address, n.broadcast_address):
        skip["priv"] = skip["glob"] = REGISTRY_SKIP
    return d, skip


def plain_network(n):
    """`n` without the zone Python 3.11 may leave on its network address."""
    return make_net(n.version, int(n.network_address), n.prefixlen)


def py_interface(i):
    d = {
        "v": i.version,
        "s": str(i),
        # Python's .ip drops the zone; the address part of str(i) keeps it, as weft does.
        "ip": str(i).rsplit("/", 1)[0],
        "net": str(plain_network(i.network)),
        "pl": i.network.prefixlen,
    }
    return d, {}


LEADING_ZERO_PREFIX = re.compile(r"/(0[0-9]+)$")


def intended_parse_difference(kind, text):
    """For a text Python accepts: why weft must reject it, or None when weft must accept."""
    prefix = LEADING_ZERO_PREFIX.search(text)
    if kind != "addr" and prefix:
        return "prefix with a leading zero: weft rejects, Python reads int()"
    address_part = text if kind == "addr" else text.split("/", 1)[0]
    if "%" in address_part:
        if kind in ("net", "strict"):
            return "zone on a network: weft networks carry none"
        if not weft_zone_ok(address_part.split("%", 1)[1]):
            return "zone outside weft's 1..16 printable ASCII bytes"
    return None


def py_parse(kind, text):
    """(expect, skip, note) for a parse command."""
    try:
        if kind == "addr":
            obj = ipaddress.ip_address(text)
        elif kind == "net":
            obj = ipaddress.ip_network(text, strict=False)
        elif kind == "strict":
            obj = ipaddress.ip_network(text, strict=True)
        else:
            obj = ipaddress.ip_interface(text)
    except ValueError:
        return ERROR, {}, None
    why = intended_parse_difference(kind, text)
    if why:
        return ERROR, {}, why
    if kind == "addr":
        expect, skip = py_address(obj)
    elif kind == "iface":
        expect, skip = py_interface(obj)
    else:
        expect, skip = py_network(obj)
    return expect, skip, None


def canonical_prefix_variant(text):
    """`text` with its leading-zero prefix written as a plain number, or None."""
    m = LEADING_ZERO_PREFIX.search(text)
    if not m:
        return None
    return text[:m.start(1)] + str(int(m.group(1)))


# --- random values ---------------------------------------------------------------------------


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick_in(self, net):
        """An address of `net` or just outside it, biased toward the edges."""
        r = self.r
        lo, hi = int(net.network_address), int(net.broadcast_address)
        top = (1 << net.max_prefixlen) - 1
        choice = r.randrange(8)
        if choice == 0:
            v = lo
        elif choice == 1:
            v = hi
        elif choice == 2:
            v = max(lo - 1, 0)
        elif choice == 3:
            v = min(hi + 1, top)
        elif choice == 4:
            v = min(lo + 1, hi)
        elif choice == 5:
            v = max(hi - 1, lo)
        else:
            v = r.randint(lo, hi)
        return ipaddress.ip_address(v) if net.version == 4 else ipaddress.IPv6Address(v)

    def v4(self):
        r = self.r
        choice = r.randrange(10)
        if choice < 4:
            return self.pick_in(r.choice(V4_BLOCKS))
        if choice < 7:
            return ipaddress.IPv4Address(r.getrandbits(32))
        if choice < 8:
            p = r.randint(0, 32)
            net = ipaddress.IPv4Network((r.getrandbits(32) >> (32 - p) << (32 - p) if p else 0, p))
            return self.pick_in(net)
        if choice < 9:
            return ipaddress.IPv4Address(r.choice([r.randrange(256),
                                                   0xFFFF0000 | r.randrange(1 << 16),
                                                   r.randrange(256) << 24]))
        return ipaddress.IPv4Address(
            r.choice([0, 1, 0x7F000001, 0xFFFFFFFF, 0xFFFFFFFE, 0x80000000]))

    def v6_groups_value(self):
        """A value with runs of zero groups, to exercise '::' placement."""
        r = self.r
        p_zero = r.choice([0.3, 0.5, 0.7, 0.9])
        v = 0
        for _ in range(8):
            g = 0 if r.random() < p_zero else r.getrandbits(r.choice([4, 8, 12, 16])) or 1
            v = (v << 16) | g
        return v

    def v6(self):
        r = self.r
        choice = r.randrange(20)
        if choice < 7:
            return self.pick_in(r.choice(V6_BLOCKS))
        if choice < 11:
            return ipaddress.IPv6Address(self.v6_groups_value())
        if choice < 13:
            return ipaddress.IPv6Address(r.getrandbits(128))
        if choice < 15:
            return ipaddress.IPv6Address(0xFFFF00000000 | int(self.v4()))  # IPv4-mapped
        if choice < 16:
            return ipaddress.IPv6Address(int(self.v4()))  # IPv4-compatible (deprecated)
        if choice < 17:
            return ipaddress.IPv6Address((0x2002 << 112) | (int(self.v4()) << 80) |
                                         r.getrandbits(80))  # 6to4
        if choice < 18:
            return ipaddress.IPv6Address((0x20010000 << 96) | (int(self.v4()) << 64) |
                                         r.getrandbits(64))  # Teredo
        if choice < 19:
            p = r.randint(0, 128)
            v = r.getrandbits(128) >> (128 - p) << (128 - p) if p else 0
            return self.pick_in(ipaddress.IPv6Network((v, p)))
        return ipaddress.IPv6Address(r.choice([0, 1, 2, (1 << 128) - 1, 1 << 127, 0xFFFF << 32]))

    def address(self):
        return self.v4() if self.r.random() < 0.4 else self.v6()

    def zone(self):
        r = self.r
        if r.random() < 0.5:
            return r.choice(["eth0", "lo", "1", "en0", "wlan0", "veth1234567890ab"])
        return "".join(r.choice(ZONE_ALPHABET) for _ in range(r.randint(1, MAX_ZONE)))

    def v6_text(self, a):
        """One of the many valid spellings of `a` (no zone)."""
        r = self.r
        v = int(a)
        groups = [(v >> (112 - 16 * i)) & 0xFFFF for i in range(8)]
        style = r.randrange(6)
        if style == 0:
            return a.compressed
        if style == 1:
            return a.exploded
        if style == 2:
            return a.compressed.upper()
        # Hand-built: some groups padded, maybe a dotted tail, maybe a non-longest "::".
        tail_v4 = r.random() < 0.25
        n = 6 if tail_v4 else 8

        def hexg(g):
            s = format(g, "x")
            if r.random() < 0.3:
                s = s.zfill(r.randint(len(s), 4))
            return s.upper() if r.random() < 0.2 else s

        runs = []
        i = 0
        while i < n:
            if groups[i] == 0:
                j = i
                while j < n and groups[j] == 0:
                    j += 1
                runs.append((i, j))
                i = j
            else:
                i += 1
        gap = None
        if runs and r.random() < 0.8:
            s, e = r.choice(runs)
            s = r.randint(s, e - 1)
            e = r.randint(s + 1, e)
            gap = (s, e)
        parts = [hexg(g) for g in groups[:n]]
        tail = str(ipaddress.IPv4Address(v & 0xFFFFFFFF)) if tail_v4 else None
        if gap is None:
            text = ":".join(parts + ([tail] if tail else []))
        else:
            head = ":".join(parts[:gap[0]])
            rest = parts[gap[1]:] + ([tail] if tail else [])
            text = head + "::" + ":".join(rest)
        return text

    def address_text(self, a, zone_ok=True):
        if a.version == 4:
            return str(a)
        text = self.v6_text(a)
        if zone_ok and self.r.random() < 0.1:
            text += "%" + self.zone()
        return text

    def prefix(self, version):
        r = self.r
        m = max_prefix(version)
        if r.random() < 0.4:
            common = [0, 1, 2, m - 2, m - 1, m] + ([8, 12, 16, 24, 30] if version == 4
                                                   else [16, 32, 48, 56, 64, 96, 120, 126, 127])
            return r.choice(common)
        return r.randint(0, m)

    def network(self, version=None):
        """A random network (host bits clear)."""
        if version is None:
            version = 4 if self.r.random() < 0.45 else 6
        a = self.v4() if version == 4 else self.v6()
        return make_net(version, int(a), self.prefix(version))

    def net_text(self, a, p, zone_ok=False):
        """'address/prefix' in one of the forms both parsers take."""
        r = self.r
        text = self.address_text(a, zone_ok)
        choice = r.randrange(20)
        if choice == 0 and p == max_prefix(a.version):
            return text  # a bare address is a /32 or /128
        if a.version == 4 and choice in (1, 2, 3):
            return text + "/" + str(ipaddress.IPv4Network((0, p)).netmask)
        if a.version == 4 and choice == 4:
            return text + "/" + str(ipaddress.IPv4Network((0, p)).hostmask)
        return "%s/%d" % (text, p)

    def subnet_of(self, n):
        """A random network inside `n`."""
        step = self.r.choice([1, 2, 4, 8, 64])
        p = self.r.randint(n.prefixlen, min(n.max_prefixlen, n.prefixlen + step))
        a = self.r.randint(int(n.network_address), int(n.broadcast_address))
        return make_net(n.version, a, p)


# --- case generation -------------------------------------------------------------------------


def parse_cases(cases, cat, kind, text):
    expect, skip, note = py_parse(kind, text)
    cases.append(Case(cat, "%s %s" % (kind, text), expect, skip, note))
    if note and note.startswith("prefix with a leading zero"):
        canonical = canonical_prefix_variant(text)
        expect, skip, note = py_parse(kind, canonical)
        cases.append(Case(cat, "%s %s" % (kind, canonical), expect, skip, note))


EDGE_TEXTS = [
    "", " ", "0", "::", ":", ":::", "::::", "1::2::3", "::1::", "1:", ":1", "1::", "::1",
    "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "01.2.3.4", "1.2.3.04", "1.2.3.00",
    "0.0.0.0", "255.255.255.255", "256.0.0.0", "1.2.3.256", "1.2.3.1000", "0x1.2.3.4",
    "127.1", "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", "+1.2.3.4", "1.2.3.4\t",
    "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "12345::", "1:2:3:4:5:6:7:g", "::ffff:1.2.3.4",
    "::ffff:1.2.3.04", "::ffff:1.2.3", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4",
    "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5::1.2.3.4", "1:2:3:4:5:6::1.2.3.4", "::1.2.3.4:5",
    "1.2.3.4::", "::ffff:1.2.3.4%eth0", "fe80::1%", "fe80::1%%", "fe80::1%eth0%1",
    "fe80::1%eth0", "fe80::1%12345678901234567", "fe80::1%1234567890123456",
    "fe80::1%a b", "fe80::1%a/b", "fe80::1%[x]", "FE80::ABCD", "0000:0000::0000:0000",
    "00000::", "::00000", "1.2.3.4/24", "1.2.3.4/", "/24", "1.2.3.4/33", "1.2.3.4/32",
    "1.2.3.4/0", "1.2.3.4/-1", "1.2.3.4/+8", "1.2.3.4/ 8", "1.2.3.4/8 ", "1.2.3.4/08",
    "1.2.3.4/00", "1.2.3.4/008", "1.2.3.4/032", "1.2.3.4/255.255.255.0",
    "1.2.3.4/0.0.0.255", "1.2.3.4/255.0.255.0", "1.2.3.4/255.255.255.256",
    "1.2.3.4/255.255.255.000", "1.2.3.4/0.0.0.0", "1.2.3.4/255.255.255.255",
    "1.2.3.4/24/8", "::/0", "::/128", "::/129", "::/00", "::/064", "::1/128/1",
    "2001:db8::/32", "2001:db8::1/32", "2001:db8::/ffff::", "fe80::%eth0/64",
    "fe80::1%eth0/64", "fe80::1/64%eth0", "::ffff:0:0/96", "::ffff:1.2.3.4/120",
    "1.2.3.4/24%x", "1.2.3.4%x", "\u0661.2.3.4", "1.2.3.\uff14", "::\uff11", "1.2.3.4/\u00b2",
]


def mutate(gen, text):
    r = gen.r
    for _ in range(r.choice([1, 1, 1, 2, 3])):
        op = r.randrange(9)
        i = r.randint(0, len(text))
        if op == 0 and text:  # delete
            text = text[:i] + text[i + 1:]
        elif op == 1:  # insert
            text = text[:i] + r.choice(MUTATION_ALPHABET) + text[i:]
        elif op == 2 and text:  # replace
            text = text[:i] + r.choice(MUTATION_ALPHABET) + text[i + 1:]
        elif op == 3 and text:  # duplicate a slice
            j = r.randint(i, len(text))
            text = text[:j] + text[i:j] + text[j:]
        elif op == 4 and text:  # truncate
            text = text[:i]
        elif op == 5:  # a zero in front of a number
            spots = [m.start() for m in re.finditer(r"(?<![0-9a-fA-F])[0-9a-fA-F]", text)]
            if spots:
                k = r.choice(spots)
                text = text[:k] + "0" + text[k:]
        elif op == 6:  # another group or octet
            text = text[:i] + r.choice([":0", ".0", "::", ":ffff", ".255", "0:", "1."]) + text[i:]
        elif op == 7 and "." in text:  # '.' for ':' or the other way round
            text = text.replace(".", ":", 1) if r.random() < 0.5 else text.replace(":", ".", 1)
        elif op == 8:  # a prefix or zone
            text += r.choice(["/", "/0", "/08", "/33", "/129", "/64", "%", "%eth0", "%a b"])
    return text.replace("\n", "").replace("\r", "")


def random_text(gen):
    r = gen.r
    return "".join(r.choice(MUTATION_ALPHABET) for _ in range(r.randint(0, 24)))


def generate(seed, scale):
    gen = Gen(seed)
    r = gen.r
    cases = []

    def n(count):
        return max(1, int(count * scale))

    # Addresses in their many spellings.
    for _ in range(n(1500)):
        parse_cases(cases, "addr.v4", "addr", str(gen.v4()))
    for _ in range(n(3000)):
        a = gen.v6()
        parse_cases(cases, "addr.v6", "addr", gen.address_text(a))

    # Networks, lenient and strict, and interfaces.
    for _ in range(n(2000)):
        a = gen.address()
        parse_cases(cases, "net", "net", gen.net_text(a, gen.prefix(a.version)))
    for _ in range(n(1000)):
        a = gen.address()
        p = gen.prefix(a.version)
        if r.random() < 0.5:  # half of them a real network address
            a = make_net(a.version, int(a), p).network_address
        parse_cases(cases, "strict", "strict", gen.net_text(a, p))
    for _ in range(n(1000)):
        a = gen.address()
        parse_cases(cases, "iface", "iface", gen.net_text(a, gen.prefix(a.version), zone_ok=True))

    # Rejection agreement: hand-written edge cases and mutations of valid texts.
    for text in EDGE_TEXTS:
        for kind in ("addr", "net", "strict", "iface"):
            parse_cases(cases, "reject.edge", kind, text)
    for _ in range(n(5000)):
        kind = r.choice(["addr", "net", "strict", "iface"])
        a = gen.address()
        if kind == "addr":
            base = gen.address_text(a)
        else:
            base = gen.net_text(a, gen.prefix(a.version), zone_ok=(kind == "iface"))
        text = mutate(gen, base) if r.random() < 0.9 else random_text(gen)
        parse_cases(cases, "reject.mutated", kind, text)

    # subnets(new_prefix): size and the first few.
    for _ in range(n(700)):
        net = gen.network()
        m = net.max_prefixlen
        new = r.choice([net.prefixlen, net.prefixlen + 1, net.prefixlen + 2,
                        r.randint(net.prefixlen, m), m, m + 1, max(net.prefixlen - 1, 0)])
        k = r.randint(1, 5)
        cmd = "subnets %s %d %d" % (net, new, k)
        if net.prefixlen == m and new != m:
            cases.append(Case("subnets", cmd, None,
                              note="Python yields a /%d itself for any new_prefix" % m))
            continue
        try:
            first = [str(s) for s in itertools.islice(net.subnets(new_prefix=new), k)]
        except ValueError:
            cases.append(Case("subnets", cmd, ERROR))
            continue
        diff = new - net.prefixlen
        # Count by iterating where that is cheap; beyond, Python's generator is too slow.
        count = (sum(1 for _ in net.subnets(new_prefix=new)) if diff <= 10 else 1 << diff)
        cases.append(Case("subnets", cmd, {"count": str(count), "first": first}))

    # supernet(new_prefix) and supernet().
    for _ in range(n(700)):
        net = gen.network()
        new = r.choice([net.prefixlen, max(net.prefixlen - 1, 0), r.randint(0, net.prefixlen),
                        0, net.prefixlen + 1, min(net.prefixlen + 5, net.max_prefixlen)])
        cmd = "supernet %s %d" % (net, new)
        if net.prefixlen == 0 and new != 0:
            cases.append(Case("supernet", cmd, None,
                              note="Python returns a /0 itself for any new_prefix"))
            continue
        try:
            cases.append(Case("supernet", cmd, {"net": str(net.supernet(new_prefix=new))}))
        except ValueError:
            cases.append(Case("supernet", cmd, ERROR))
    for _ in range(n(300)):
        net = gen.network()
        cases.append(Case("supernet", "supernet1 %s" % net, {"net": str(net.supernet())}))

    # address_exclude.
    for _ in range(n(700)):
        a = gen.network()
        choice = r.randrange(10)
        if choice < 8:
            b = gen.subnet_of(a)
        elif choice < 9:
            b = a
        else:
            b = gen.network(a.version)
        cmd = "exclude %s %s" % (a, b)
        try:
            cases.append(Case("exclude", cmd, {"list": [str(x) for x in a.address_exclude(b)]}))
        except ValueError:
            cases.append(Case("exclude", cmd, ERROR))

    # collapse_addresses on clusters of related networks.
    for _ in range(n(600)):
        version = 4 if r.random() < 0.5 else 6
        base = gen.network(version)
        if base.prefixlen > base.max_prefixlen - 6:
            base = base.supernet(new_prefix=base.max_prefixlen - 6)
        nets = []
        for _ in range(r.randint(1, 12)):
            c = r.randrange(6)
            if c < 3 or not nets:
                nets.append(gen.subnet_of(base))
            elif c < 4:  # a sibling of one we have
                x = r.choice(nets)
                if x.prefixlen > 0:
                    sibling = int(x.network_address) ^ (1 << (x.max_prefixlen - x.prefixlen))
                    nets.append(make_net(version, sibling, x.prefixlen))
            elif c < 5:  # a duplicate
                nets.append(r.choice(nets))
            else:  # the next block
                x = r.choice(nets)
                nxt = int(x.broadcast_address) + 1
                if nxt <= (1 << x.max_prefixlen) - 1:
                    nets.append(make_net(version, nxt, x.prefixlen))
        r.shuffle(nets)
        result = list(ipaddress.collapse_addresses(nets))
        cmd = "collapse " + " ".join(map(str, nets))
        cases.append(Case("collapse", cmd, {"list": [str(x) for x in result]}))

    # summarize_address_range.
    full4 = (ipaddress.IPv4Address(0), ipaddress.IPv4Address((1 << 32) - 1))
    full6 = (ipaddress.IPv6Address(0), ipaddress.IPv6Address((1 << 128) - 1))
    for i in range(n(800)):
        if i == 0:
            first, last = full4
        elif i == 1:
            first, last = full6
        else:
            net = gen.network()
            first, last = gen.pick_in(net), gen.pick_in(net)
            c = r.randrange(10)
            if c < 7 and first > last:
                first, last = last, first
            elif c == 7:
                last = first
        cmd = "summarize %s %s" % (first, last)
        try:
            result = [str(x) for x in ipaddress.summarize_address_range(first, last)]
            cases.append(Case("summarize", cmd, {"list": result}))
        except ValueError:
            # first > last: weft returns an empty list (network.hpp), Python raises.
            assert first > last
            cases.append(Case("summarize", cmd, {"list": []},
                              note="first > last: Python raises, weft returns []"))

    # contains(address).
    for _ in range(n(1000)):
        net = gen.network()
        a = gen.pick_in(net) if r.random() < 0.7 else (gen.v4() if net.version == 4 else gen.v6())
        text = gen.address_text(a)  # may carry a zone; ZONE_ALPHABET has no space
        cases.append(Case("contains", "contains %s %s" % (net, text),
                          {"in": ipaddress.ip_address(text) in net}))

    # subnet_of, supernet_of, overlaps, ordering of two networks.
    for _ in range(n(1000)):
        a = gen.network()
        c = r.randrange(6)
        if c == 0:
            b = gen.subnet_of(a)
        elif c == 1:
            b = a.supernet(new_prefix=r.randint(0, a.prefixlen))
        elif c == 2:
            b = a
        elif c == 3 and a.prefixlen > 0:
            sib = int(a.network_address) ^ (1 << (a.max_prefixlen - a.prefixlen))
            b = make_net(a.version, sib, a.prefixlen)
        else:
            b = gen.network(a.version)
        if r.random() < 0.5:
            a, b = b, a
        cases.append(Case("rel", "rel %s %s" % (a, b), {
            "sub": a.subnet_of(b), "sup": a.supernet_of(b), "ov": a.overlaps(b),
            "cmp": (a > b) - (a < b)}))

    # hosts(): the first few.
    for _ in range(n(600)):
        version = 4 if r.random() < 0.5 else 6
        m = max_prefix(version)
        a = gen.v4() if version == 4 else gen.v6()
        p = r.choice([m, m - 1, m - 2, m - 3, r.randint(0, m)])
        net = make_net(version, int(a), p)
        k = r.randint(1, 6)
        cases.append(Case("hosts", "hosts %s %d" % (net, k),
                          {"list": [str(h) for h in itertools.islice(net.hosts(), k)]}))

    # Ordering: std::sort in weft, sorted() in Python. No zones (module docstring).
    for _ in range(n(300)):
        addrs = [gen.address() for _ in range(r.randint(1, 12))]
        if r.random() < 0.3:
            addrs += r.sample(addrs, min(2, len(addrs)))  # duplicates
        r.shuffle(addrs)
        texts = [gen.address_text(a, zone_ok=False) for a in addrs]
        ordered = sorted(addrs, key=ipaddress.get_mixed_type_key)
        cases.append(Case("sort", "sort " + " ".join(texts), {"list": [str(a) for a in ordered]}))
    for _ in range(n(300)):
        version = 4 if r.random() < 0.5 else 6
        base = gen.network(version)
        nets = []
        for _ in range(r.randint(1, 10)):
            x = gen.subnet_of(base) if r.random() < 0.6 else gen.network(version)
            nets.append(x)
            if r.random() < 0.3:  # same address, another prefix
                p = r.randint(x.prefixlen, x.max_prefixlen)
                nets.append(make_net(version, int(x.network_address), p))
        r.shuffle(nets)
        cases.append(Case("sort", "sortnet " + " ".join(map(str, nets)),
                          {"list": [str(x) for x in sorted(nets)]}))
    return cases


# --- comparison ------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.cases = collections.Counter()
        self.fields = collections.Counter()
        self.accepted = collections.Counter()
        self.rejected = collections.Counter()
        self.notes = collections.Counter()
        self.skipped_fields = collections.Counter()
        self.mapped_equivalent = 0


def same_text(stats, w, p):
    """Equal texts, or weft's RFC 5952 §5 form of the IPv4-mapped address Python wrote."""
    if w == p:
        return True
    if not isinstance(w, str) or not isinstance(p, str):
        return False
    wa, _, wpre = w.partition("/")
    pa, _, ppre = p.partition("/")
    if wpre != ppre or not wa.startswith("::ffff:"):
        return False
    try:
        x, y = ipaddress.IPv6Address(wa), ipaddress.IPv6Address(pa)
    except ValueError:
        return False
    if x.ipv4_mapped is None or int(x) != int(y) or x.scope_id != y.scope_id:
        return False
    zone = "%" + x.scope_id if x.scope_id else ""
    if wa != "::ffff:%s%s" % (x.ipv4_mapped, zone):
        return False
    stats.mapped_equivalent += 1
    return True


def same_value(stats, w, p):
    if isinstance(p, list):
        return (isinstance(w, list) and len(w) == len(p) and
                all(same_value(stats, a, b) for a, b in zip(w, p)))
    if isinstance(p, bool) or p is None or isinstance(p, int):
        return type(w) is type(p) and w == p
    return same_text(stats, w, p)


def compare(case, got, stats, mismatches):
    stats.cases[case.cat] += 1
    if case.note:
        stats.notes[case.note] += 1
    if case.expect is None:
        return
    exp = case.expect
    if exp is ERROR:
        stats.rejected[case.cat] += 1
        if got != ERROR:
            mismatches.append((case, "accepted?", json.dumps(got), "error" +
                               (" (%s)" % case.note if case.note else "")))
        return
    stats.accepted[case.cat] += 1
    if got.get("error"):
        mismatches.append((case, "accepted?", "error", json.dumps(exp)))
        return
    for key, value in exp.items():
        if key in case.skip:
            stats.skipped_fields["%s: %s" % (key, case.skip[key])] += 1
            continue
        stats.fields[case.cat] += 1
        if key not in got:
            mismatches.append((case, key, "<missing>", json.dumps(value)))
        elif not same_value(stats, got[key], value):
            mismatches.append((case, key, json.dumps(got[key]), json.dumps(value)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("driver")
    ap.add_argument("--seed", type=int, default=20250612)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--show", type=int, default=20, help="mismatches to print")
    args = ap.parse_args()

    t0 = time.monotonic()
    cases = generate(args.seed, args.scale)
    t1 = time.monotonic()
    stdin = "".join(c.cmd + "\n" for c in cases).encode("utf-8")
    proc = subprocess.run([args.driver], input=stdin, capture_output=True, timeout=120)
    t2 = time.monotonic()
    if proc.returncode != 0:
        sys.exit("driver exited with %d: %s" %
                 (proc.returncode, proc.stderr.decode(errors="replace")))
    lines = proc.stdout.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) != len(cases):
        sys.exit("driver answered %d lines for %d commands" % (len(lines), len(cases)))

    stats = Stats()
    mismatches = []
    for case, line in zip(cases, lines):
        got = json.loads(line)
        compare(case, case.normalize(got) if case.normalize else got, stats, mismatches)
    t3 = time.monotonic()

    print("addr.differential_python: seed %d, %d cases" % (args.seed, len(cases)))
    print("%-16s %7s %9s %9s %8s" % ("category", "cases", "accepted", "rejected", "fields"))
    for cat in sorted(stats.cases):
        print("%-16s %7d %9d %9d %8d" % (cat, stats.cases[cat], stats.accepted[cat],
                                        stats.rejected[cat], stats.fields[cat]))
    print("intended differences (cases):")
    for note, count in sorted(stats.notes.items()):
        print("  %6d  %s" % (count, note))
    print("fields not compared:")
    for why, count in sorted(stats.skipped_fields.items()):
        print("  %6d  %s" % (count, why))
    print("IPv4-mapped texts compared by value (RFC 5952 §5): %d" % stats.mapped_equivalent)
    print("time: generate+python %.2fs, driver %.2fs, compare %.2fs" % (t1 - t0, t2 - t1, t3 - t2))
    if mismatches:
        print("\n%d MISMATCHES; the first %d:" % (len(mismatches), args.show))
        for case, key, w, p in mismatches[:args.show]:
            print("  [%s] %r\n      field %s: weft %s, python %s" % (case.cat, case.cmd, key, w, p))
        return 1
    print("OK: no mismatches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
