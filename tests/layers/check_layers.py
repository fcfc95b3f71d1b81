#!/usr/bin/env python3
"""Fails when a file includes a weft header from a layer above its own.

The layer order is ARCHITECTURE.md's: addr < io < {tls, dns} < http < server < cli.
A file's layer is the folder after include/weft/, src/, tests/ (or apps/ = cli).
"""
import pathlib
import re
import sys

RANK = {"addr": 0, "io": 1, "tls": 2, "dns": 2, "http": 3, "server": 4, "cli": 5}
# Headers directly under include/weft/ (expected.hpp, task.hpp) belong to no layer
# and may be used by all; they must themselves include nothing layered above addr.
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]weft/([a-z_]+)/', re.M)


def layer_of(path: pathlib.Path, root: pathlib.Path):
    parts = path.relative_to(root).parts
    if parts[0] == "apps":
        return "cli"
    if parts[0] == "include" and len(parts) > 2 and parts[1] == "weft":
        return parts[2] if len(parts) > 3 else "addr"
    if parts[0] in ("src", "tests") and len(parts) > 2:
        return parts[1]
    return None


def main() -> int:
    root = pathlib.Path(sys.argv[1]).resolve()
    bad = []
    checked = 0
    for top in ("include", "src", "tests", "apps"):
        for path in sorted((root / top).rglob("*")):
            if path.suffix not in (".hpp", ".cpp", ".h"):
                continue
            layer = layer_of(path, root)
            if layer not in RANK:
                continue
            checked += 1
            text = path.read_text(errors="replace")
            for m in INCLUDE.finditer(text):
                target = m.group(1)
                if target in RANK and RANK[target] > RANK[layer]:
                    line = text.count("\n", 0, m.start()) + 1
                    bad.append(f"{path.relative_to(root)}:{line}: layer '{layer}' "
                               f"includes higher layer '{target}'")
    for b in bad:
        print(b, file=sys.stderr)
    if checked == 0:
        print("check_layers: no files found: wrong root?", file=sys.stderr)
        return 1
    print(f"check_layers: {checked} files, {len(bad)} upward includes")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
