#!/usr/bin/env python3
"""Checks the determinism and layering rules by text (TigerBeetle's tidy.zig idea).

  scripts/tidy.py [--root DIR]     exit 0 when clean, 1 with one line per violation

Rules (DESIGN.md, firmware-core/README.md):
  * firmware-core outside target/ is sans-IO: no clocks, sockets, threads, sleeps, filesystem,
    OS randomness, Boost.Asio, exceptions or throwing string conversions. Of Boost, only
    Beast's HTTP parser headers (boost/beast/http/basic_parser.hpp, parser.hpp and the body/field
    headers).
  * sim/, servers/, scenarios/ are deterministic: no real clocks and no OS randomness; except
    servers/provserver/, the real-socket host of the server cores (like firmware-core/target/).
  * includes follow the dependency direction firmware-core <- servers <- sim <- scenarios <- load
    (load/ is `phonesim load` on real sockets: real clocks allowed, like firmware-core/target/).
  * every top-level folder has a README.md.
Comments and string literals are ignored, so prose about a banned API does not trip the check.
"""
import argparse
import pathlib
import re
import sys

SOURCE_SUFFIXES = {".h", ".hpp", ".cpp", ".cc", ".def"}

CLOCKS = [
    (r"\bsystem_clock\b", "real clock"),
    (r"\bsteady_clock\b", "real clock"),
    (r"\bhigh_resolution_clock\b", "real clock"),
    (r"\bgettimeofday\s*\(", "real clock"),
    (r"\bclock_gettime\s*\(", "real clock"),
    (r"(?<![\w.>:])time\s*\(", "real clock"),
    (r"\blocaltime(_r)?\s*\(", "real clock"),
]
RANDOMNESS = [
    (r"\brandom_device\b", "OS randomness"),
    (r"(?<![\w.>:])s?rand\s*\(", "OS randomness"),
    (r"\bgetrandom\s*\(", "OS randomness"),
    (r"/dev/u?random", "OS randomness"),
    (r"\bRAND_bytes\s*\(", "OS randomness (use the Platform's entropy)"),
]
CORE_ONLY = [
    (r"#\s*include\s*<boost/asio", "Boost.Asio in firmware-core"),
    # Beast's HTTP parser is allowed: its headers pull in Asio's buffer types (header-only, no
    # I/O objects), but nothing that opens a socket. Any other Boost header (beast/core streams,
    # beast/http/read.hpp or write.hpp, beast.hpp) could bring Asio I/O into the core.
    (r"#\s*include\s*<boost/(?!beast/http/(basic_parser|parser|vector_body|string_body|error|field|status|verb)\.hpp>)",
     "Boost header other than Beast's HTTP parser in firmware-core"),
    (r"#\s*include\s*<(thread|future|fstream|filesystem)>", "IO/threads header in firmware-core"),
    (r"\bstd::(thread|jthread|async)\b", "thread in firmware-core"),
    (r"\b(sleep_for|sleep_until|usleep|nanosleep)\s*\(", "sleep in firmware-core"),
    (r"(?<![\w.>:])sleep\s*\(", "sleep in firmware-core"),
    (r"\b(getaddrinfo|gethostbyname|socket|connect|bind|recvfrom|sendto)\s*\(",
     "socket call in firmware-core"),
    (r"\b(fopen|freopen|opendir|mkdir|unlink|rename)\s*\(", "filesystem call in firmware-core"),
    (r"\bstd::filesystem\b", "filesystem in firmware-core"),
    (r"(?<![\w])throw\b", "exception in firmware-core (return fw::Result)"),
    (r"\bstd::sto(i|l|ll|ul|ull|f|d)\s*\(", "throwing conversion (use std::from_chars)"),
]
# Which top-level folders each folder's code may include from.
ALLOWED_INCLUDES = {
    "firmware-core": {"firmware-core"},
    "servers": {"firmware-core", "servers"},
    "sim": {"firmware-core", "servers", "sim"},
    "scenarios": {"firmware-core", "servers", "sim", "scenarios"},
    "load": {"firmware-core", "servers", "sim", "scenarios", "load"},
}
# The phonesim executable's main (scenarios/cli/) sits on top of everything, load/ included.
CLI_MAIN_INCLUDES = {"scenarios/cli/phonesim_main.cpp": {"load"}}
PROJECT_FOLDERS = {"firmware-core", "servers", "sim", "scenarios", "load", "bench", "tests", "scripts"}
INCLUDE = re.compile(r'#\s*include\s*"([^"/]+)/')


def strip_comments_and_strings(text):
    """Blanks comments and string/char literals, keeping line numbers and #include paths."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c == '"' and not re.search(r"#\s*include\s*$", text[text.rfind("\n", 0, i) + 1:i]):
            raw = re.search(r'R$', text[max(0, i - 1):i]) is not None
            if raw:
                m = re.match(r'"([^(\s]*)\(', text[i:])
                end = text.find(")" + (m.group(1) if m else "") + '"', i)
                j = n if end < 0 else end + len(m.group(1) if m else "") + 2
            else:
                j = i + 1
                while j < n and text[j] != '"' and text[j] != "\n":
                    j += 2 if text[j] == "\\" else 1
                j += 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c == "'" and i > 0 and not (text[i - 1].isalnum()):
            j = i + 1
            while j < n and text[j] != "'" and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append("''")
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


# Folders that face the real world. firmware-core/target is the device (IO, clocks, entropy);
# servers/provserver hosts the server cores on real sockets; scenarios/cli is the command line,
# which shows progress and elapsed time on the real clock but never hands it to a simulated world.
REAL_WORLD = {("firmware-core", "target"), ("servers", "provserver"), ("scenarios", "cli")}


def check_file(path, rel, violations):
    top = rel.parts[0]
    real_world = (top, rel.parts[1] if len(rel.parts) > 1 else "") in REAL_WORLD
    in_core = top == "firmware-core" and not real_world
    deterministic = top in {"firmware-core", "sim", "servers", "scenarios"} and not real_world
    rules = []
    if deterministic:
        rules += CLOCKS + RANDOMNESS
    if in_core:
        rules += CORE_ONLY
    code = strip_comments_and_strings(path.read_text(encoding="utf-8", errors="replace"))
    for number, line in enumerate(code.splitlines(), start=1):
        for pattern, why in rules:
            if re.search(pattern, line):
                violations.append(f"{rel}:{number}: {why}: {line.strip()}")
        match = INCLUDE.search(line)
        if match and top in ALLOWED_INCLUDES:
            target = match.group(1)
            allowed = ALLOWED_INCLUDES[top] | CLI_MAIN_INCLUDES.get(rel.as_posix(), set())
            if target in PROJECT_FOLDERS and target not in allowed:
                violations.append(f"{rel}:{number}: {top}/ may not include {target}/ "
                                  f"(dependency direction, DESIGN.md)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=pathlib.Path(__file__).resolve().parent.parent,
                        type=pathlib.Path, help="project root (default: this checkout)")
    args = parser.parse_args()
    root = args.root.resolve()
    violations = []
    for folder in sorted(PROJECT_FOLDERS):
        if (root / folder).is_dir() and not (root / folder / "README.md").is_file():
            violations.append(f"{folder}/: no README.md (what lives here, what it may use)")
    for top in ALLOWED_INCLUDES:
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and path.is_file():
                check_file(path, path.relative_to(root), violations)
    for violation in violations:
        print(violation)
    print(f"tidy: {len(violations)} violation(s)")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
