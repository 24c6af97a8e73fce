#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""House rules for the code outside tests (issue 13): no source file over 700
lines, no function over 120 lines, an SPDX header on every source file, and
clang-format's verdict when --format is given.

Functions are found by brace matching on the text with comments, strings and
character literals blanked out: a block whose opening brace follows a `)`
(optionally `const`, `noexcept`, `override`, a trailing return type or a member
initialiser list) at namespace or class level is a function body. Lambdas count
towards the function that holds them."""
import argparse
import pathlib
import re
import subprocess
import sys

MAX_FILE_LINES = 700
MAX_FUNCTION_LINES = 120
SOURCE_DIRS = ("app", "backend", "models", "widgets")
SUFFIXES = (".cpp", ".h")


def blank_noise(text: str) -> str:
    """Comments, strings and character literals become spaces; newlines stay."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if m:
                end = text.find(")" + m.group(1) + '"', i)
                end = n if end < 0 else end + len(m.group(1)) + 2
                out.append(re.sub(r"[^\n]", " ", text[i:end]))
                i = end
            else:
                out.append(c)
                i += 1
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (min(j, n - 1) - i + 1))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


HEAD_RE = re.compile(r"\)\s*(const\s*)?(noexcept\s*)?(override\s*)?(final\s*)?(->\s*[\w:<>,\s*&]+)?\s*$")
INIT_RE = re.compile(r"\)\s*:\s*[\w:]+\s*[({]")


def functions(text: str):
    """Yields (name-ish, first line, line count) for each function body."""
    clean = blank_noise(text)
    stack = []  # per open brace: (is_function, start_line)
    line = 1
    last_stmt_start = 0
    for i, c in enumerate(clean):
        if c == "\n":
            line += 1
        elif c in ";}":
            pass
        if c == "{":
            inside_function = any(f for f, _, _ in stack)
            head = clean[last_stmt_start:i]
            is_fn = False
            if not inside_function:
                tail = head.rstrip()
                flat = re.sub(r"\s+", " ", tail)
                if not re.search(r"\b(namespace|class|struct|enum|union)\b[^()]*$", flat) and not flat.endswith("="):
                    if HEAD_RE.search(flat) or INIT_RE.search(flat) and flat.count("(") >= 1:
                        is_fn = True
            name = ""
            if is_fn:
                m = re.search(r"([\w:~]+)\s*\(", head)
                name = m.group(1) if m else "?"
            stack.append((is_fn, line, name))
            last_stmt_start = i + 1
        elif c == "}":
            if stack:
                is_fn, start, name = stack.pop()
                if is_fn:
                    yield name, start, line - start + 1
            last_stmt_start = i + 1
        elif c == ";":
            last_stmt_start = i + 1


# The backend's layers and what each may include: the folders below it (backend/CMakeLists.txt
# links the same way). An include that runs back up is a cycle in the making.
_BELOW = {
    "parse": set(),
    "net": set(),
    "registry": {"net", "parse"},
    "plan": {"registry"},
    "matrix": {"plan"},
    "store": {"matrix"},
    "scan": {"store"},
    "lag": {"store"},
    "ops": {"store"},
    "cleanup": {"ops"},
    "copy": {"cleanup"},
    "report": {"cleanup", "lag", "copy"},
    "reportdoc": {"report"},
    "clients": {"store"},
    "charts": {"clients", "cleanup"},
    "core": {"scan", "report", "copy", "charts"},
}


def allowed(folder: str) -> set:
    out = set()
    todo = list(_BELOW.get(folder, ()))
    while todo:
        f = todo.pop()
        if f not in out:
            out.add(f)
            todo += _BELOW[f]
    return out | {folder}


INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([a-z]+)/[^"]+"', re.M)


def arrow_problems(rel: pathlib.PurePath, text: str):
    if rel.parts[0] != "backend" or len(rel.parts) < 3:
        return
    folder = rel.parts[1]
    ok = allowed(folder)
    for m in INCLUDE_RE.finditer(text):
        if m.group(1) in _BELOW and m.group(1) not in ok:
            line = text.count("\n", 0, m.start()) + 1
            yield f"{rel}:{line}: backend/{folder} includes {m.group(1)}/, a layer above it"


# The faces' arrows: the terminal face sits below the commands (which start it) and beside the
# window; the models and widgets know no face. A face folder may not include these.
_FACE_NOT = {
    ("app", "tui"): {"cli", "gui", "ferry"},
    ("app", "cli"): {"gui", "ferry"},
    ("models",): {"cli", "gui", "tui", "ferry"},
    ("widgets",): {"cli", "gui", "tui", "ferry"},
}


def face_problems(rel: pathlib.PurePath, text: str):
    for prefix, forbidden in _FACE_NOT.items():
        if tuple(rel.parts[: len(prefix)]) != prefix:
            continue
        for m in INCLUDE_RE.finditer(text):
            if m.group(1) in forbidden:
                line = text.count("\n", 0, m.start()) + 1
                yield f"{rel}:{line}: {'/'.join(prefix)} includes {m.group(1)}/, a face above it"


LAYER_RE = re.compile(r"^\s*ferry_layer\((\w+)", re.M)


def layer_problems(root: pathlib.Path):
    """The layers the build makes, this script's table and docs/architecture.md's list agree."""
    built = set(LAYER_RE.findall((root / "backend/CMakeLists.txt").read_text(encoding="utf-8")))
    doc = (root / "docs/architecture.md").read_text(encoding="utf-8")
    for name in sorted(built - set(_BELOW)):
        yield f"backend/CMakeLists.txt: layer {name} is not in house_rules.py's _BELOW table"
    for name in sorted(set(_BELOW) - built):
        yield f"tests/style/house_rules.py: _BELOW names {name}, which backend/CMakeLists.txt does not build"
    for name in sorted(built):
        if f"| `ferry_{name}` | `backend/{name}` |" not in doc:
            yield f"docs/architecture.md: the library table has no row for ferry_{name} (backend/{name})"


LIBRARY_RE = re.compile(r"^\s*add_library\((ferry_\w+)\s+STATIC", re.M)
PAGE_LIST_RE = re.compile(r"--page ([a-z]+(?:\|[a-z]+)+)")


def docs_problems(root: pathlib.Path):
    """Every library of the faces has a row in docs/architecture.md's table, and every list of
    the dashboard's pages in the docs is the one the code has (backend/core/pages.cpp)."""
    doc = (root / "docs/architecture.md").read_text(encoding="utf-8")
    rows = "\n".join(line for line in doc.splitlines() if line.startswith("| `ferry_"))
    for folder in ("app", "models", "widgets"):
        for cmake in sorted((root / folder).rglob("CMakeLists.txt")):
            for lib in LIBRARY_RE.findall(cmake.read_text(encoding="utf-8")):
                if f"`{lib}`" not in rows:
                    yield f"docs/architecture.md: the library table has no row for {lib} ({cmake.relative_to(root)})"
    code = (root / "backend/core/pages.cpp").read_text(encoding="utf-8")
    names = re.findall(r'QStringLiteral\("([a-z]+)"\)', code.split("names()", 1)[1].split("}", 1)[0] if "names()" in code else "")
    if not names:
        yield "backend/core/pages.cpp: no page list found (names())"
        return
    for md in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        text = md.read_text(encoding="utf-8")
        for m in PAGE_LIST_RE.finditer(text):
            if m.group(1).split("|") != names:
                line = text.count("\n", 0, m.start()) + 1
                yield f"{md.relative_to(root)}:{line}: --page {m.group(1)} is not the dashboard's pages ({'|'.join(names)})"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parents[2]))
    ap.add_argument("--format", action="store_true", help="also run clang-format --dry-run --Werror")
    ap.add_argument("--clang-format", default="clang-format")
    args = ap.parse_args()
    root = pathlib.Path(args.root)
    files = sorted(p for d in SOURCE_DIRS for p in (root / d).rglob("*") if p.suffix in SUFFIXES)
    problems = []
    for path in files:
        rel = path.relative_to(root)
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > MAX_FILE_LINES:
            problems.append(f"{rel}: {lines} lines (at most {MAX_FILE_LINES})")
        if "SPDX-License-Identifier:" not in "\n".join(text.splitlines()[:3]):
            problems.append(f"{rel}:1: no SPDX-License-Identifier in the first three lines")
        problems += arrow_problems(rel, text)
        problems += face_problems(rel, text)
        for name, start, count in functions(text):
            if count > MAX_FUNCTION_LINES:
                problems.append(f"{rel}:{start}: function {name} is {count} lines (at most {MAX_FUNCTION_LINES})")
    problems += layer_problems(root)
    problems += docs_problems(root)
    if args.format:
        result = subprocess.run([args.clang_format, "--dry-run", "--Werror", *map(str, files)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            offenders = sorted({l.split(":")[0] for l in result.stderr.splitlines() if ": error:" in l})
            problems += [f"{pathlib.Path(o).relative_to(root)}: not clang-formatted (run clang-format -i)" for o in offenders]
            if not offenders:
                problems.append("clang-format failed: " + result.stderr.strip()[:400])
    for p in problems:
        print(p)
    print(f"house rules: {len(files)} files, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
