#!/usr/bin/env python3
"""Fails when the engine's own modules import each other in a circle, and prints the circles.

The project's rule is that imports point one way, from the CLI down through the stages; a circle
means two stages can only be understood (and changed) together. This reads the paths of
`src/**/*.rs` as written — `crate::…`, `super::…`, `self::…`, a declared child module's name, and
`nqs::…` from the binary's files — resolves each to the file that defines it, and reports every
strongly connected group of files with the imports that hold it together.

Usage: scripts/check_imports.py [src-dir]   (exit 1 when a circle not in ALLOWED is found)
"""

import re
import sys
from pathlib import Path

# Circles known to be open, each with the reason it may stay for now. Nothing else belongs here.
ALLOWED: dict[frozenset, str] = {}

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_comments_and_strings(text: str) -> str:
    """Blanks comments, string and char literals so their words are not read as paths."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    out.append("\n" if text[i] == "\n" else "")
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:]) and not re.match(r"\w", text[i - 1 : i] or " "):
            m = re.match(r'r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j + 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:]):
            m = re.match(r"'(\\.|[^\\'])'", text[i:])
            out.append("' '")
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def blank_test_code(text: str) -> str:
    """Blanks `#[cfg(test)]` modules: tests may reach anywhere; the rule is about shipped code."""
    for m in reversed(list(re.finditer(r"#\[cfg\(test\)\]\s*(?:pub\s+)?mod\s+\w+\s*\{", text))):
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += text[j] == "{"
            depth -= text[j] == "}"
            j += 1
        text = text[: m.start()] + re.sub(r"[^\n]", " ", text[m.start() : j]) + text[j:]
    return text


def expand_use_tree(tree: str) -> list[str]:
    """`a::{b, c::{d, e}}` -> ["a::b", "a::c::d", "a::c::e"]."""
    tree = re.sub(r"\s+as\s+\w+", "", tree)  # `x as y`: the path is x
    tree = re.sub(r"\s+", "", tree)
    if "{" not in tree:
        return [tree] if tree else []
    head, rest = tree.split("{", 1)
    body = rest[: rest.rfind("}")]
    parts, depth, cur = [], 0, ""
    for ch in body:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    parts.append(cur)
    paths = []
    for part in parts:
        for sub in expand_use_tree(part):
            paths.append(head + sub if sub != "self" else head.rstrip(":"))
    return paths


class Crate:
    def __init__(self, src: Path):
        self.src = src
        self.files = {}
        for path in sorted(src.rglob("*.rs")):
            self.files[self.name(path)] = path
        # Files that exist only for tests (`#[cfg(test)] mod fixture;`) are left out like inline
        # test modules.
        for name, path in list(self.files.items()):
            text = strip_comments_and_strings(path.read_text(encoding="utf-8"))
            for child in re.findall(r"#\[cfg\(test\)\]\s*(?:pub\s+)?mod\s+(\w+)\s*;", text):
                base = name[: -len("mod")] if name.endswith("/mod") else ("" if name in ("lib", "main") else name + "/")
                for cand in (base + child, base + child + "/mod"):
                    self.files.pop(cand, None)

    def name(self, path: Path) -> str:
        return path.relative_to(self.src).with_suffix("").as_posix()

    def module_file(self, segments: list[str]) -> str | None:
        """The file that defines module `segments` (from the crate root), if it is a file."""
        if not segments:
            return "lib"
        joined = "/".join(segments)
        if joined in self.files:
            return joined
        if joined + "/mod" in self.files:
            return joined + "/mod"
        return None

    def module_path(self, name: str) -> list[str]:
        """The module path of a file: `report/mod` -> [report], `report/context` -> [report, context]."""
        if name in ("lib", "main"):
            return []
        parts = name.split("/")
        return parts[:-1] if parts[-1] == "mod" else parts

    def resolve(self, segments: list[str]) -> str | None:
        """The deepest file module that a path from the crate root reaches."""
        best = self.module_file([])
        for k in range(1, len(segments) + 1):
            found = self.module_file(segments[:k])
            if found is None:
                break
            best = found
        return best

    def imports(self, name: str):
        """(target file, path as written, line) for every path of `name` that names the crate."""
        path = self.files[name]
        text = blank_test_code(strip_comments_and_strings(path.read_text(encoding="utf-8")))
        here = self.module_path(name)
        # The binary (main.rs, cli/) reaches the library as `nqs::`; it is the top of the graph.
        binary = name == "main" or name.startswith("cli/")
        children = set(re.findall(rf"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+({IDENT})\s*;", text, re.M))
        roots = {"crate", "super", "self"} | children | ({"nqs"} if binary else set())

        found = []

        def add(written: str, pos: int):
            segs = written.split("::")
            base = list(here)
            # The binary's root (main.rs) and the library's (lib.rs) share no module names, so
            # `crate::cli::…` in the binary and `nqs::…` both resolve from one root.
            if segs[0] in ("crate", "nqs"):
                base, segs = [], segs[1:]
            elif segs[0] == "self":
                segs = segs[1:]
            elif segs[0] == "super":
                while segs and segs[0] == "super":
                    base = base[:-1]
                    segs = segs[1:]
            # else: a declared child module, relative to here.
            target = self.resolve(base + segs)
            # A file reaching its own module's `mod.rs` (a child using its parent's shared types)
            # stays inside one module; only imports between modules can make a circle.
            if target and target.endswith("/mod") and name.startswith(target[: -len("mod")]):
                return
            if target and target != name and target not in ("lib", "main"):
                found.append((target, written, text.count("\n", 0, pos) + 1))

        uses = list(re.finditer(r"\buse\s+((?:::)?[^;]*?);", text, re.S))
        for m in uses:
            for p in expand_use_tree(m.group(1)):
                if p.split("::")[0] in roots:
                    add(p, m.start())
        masked = text
        for m in reversed(uses):
            masked = masked[: m.start()] + " " * (m.end() - m.start()) + masked[m.end() :]
        for m in re.finditer(rf"(?<![\w:])((?:{IDENT})(?:::{IDENT})+)", masked):
            written = m.group(1)
            if written.split("::")[0] in roots and "::" in written:
                add(written, m.start())
        return found


def strongly_connected(nodes, edges):
    """Tarjan's algorithm; returns the groups of more than one file, each sorted."""
    index, low, stack, on, groups = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return sorted(groups, key=lambda g: (len(g), g))


def main() -> int:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "src")
    crate = Crate(src)
    edges, evidence = {}, {}
    for name in crate.files:
        for target, written, line in crate.imports(name):
            edges.setdefault(name, set()).add(target)
            evidence.setdefault((name, target), []).append((line, written))
    groups = strongly_connected(crate.files, edges)
    n_edges = sum(len(v) for v in edges.values())
    print(f"{len(crate.files)} files, {n_edges} imports between them, {len(groups)} circle(s)")
    failing = 0
    for group in groups:
        reason = ALLOWED.get(frozenset(group))
        failing += reason is None
        label = f"known open ({reason})" if reason else "CIRCLE"
        print(f"\n{label}: {' <-> '.join(group)}")
        members = set(group)
        for a in group:
            for b in sorted(edges.get(a, ()) & members):
                lines = evidence[(a, b)]
                shown = ", ".join(f"{w} (:{ln})" for ln, w in lines[:4])
                more = f", +{len(lines) - 4} more" if len(lines) > 4 else ""
                print(f"  {a} -> {b}: {shown}{more}")
    unused = [sorted(k) for k in ALLOWED if list(sorted(k)) not in groups]
    for k in unused:
        print(f"\nallow-list entry no longer needed: {' <-> '.join(k)}")
    if failing or unused:
        print(f"\n{failing} import circle(s) to break; imports must point one way, from the CLI down.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
