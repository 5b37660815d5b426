#!/usr/bin/env python3
"""Proves scripts/tidy.py catches what it claims to: each banned construct is planted in a
scratch tree and must be reported; a clean tree and prose in comments must pass."""
import pathlib
import subprocess
import sys
import tempfile

TIDY = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "tidy.py"
FOLDERS = ["firmware-core", "servers", "sim", "scenarios", "bench", "tests", "scripts"]

MUST_FAIL = {
    "firmware-core/config/a.cpp": "auto t = std::chrono::steady_clock::now();\n",
    "firmware-core/config/b.cpp": "#include <boost/asio.hpp>\n",
    "firmware-core/config/c.cpp": "std::thread worker([] {});\n",
    "firmware-core/config/d.cpp": "int x = rand();\n",
    "firmware-core/config/e.cpp": "std::random_device device;\n",
    "firmware-core/config/f.cpp": "FILE* f = fopen(\"x\", \"r\");\n",
    "firmware-core/config/g.cpp": "throw std::runtime_error(\"x\");\n",
    "firmware-core/config/h.cpp": "int v = std::stoi(text);\n",
    "firmware-core/config/i.cpp": "#include \"sim/flash/sim_flash.h\"\n",
    "firmware-core/config/j.cpp": "int s = socket(AF_INET, SOCK_DGRAM, 0);\n",
    "firmware-core/config/k.cpp": "#include <filesystem>\n",
    "firmware-core/config/l.cpp": "std::this_thread::sleep_for(1s);\n",
    "firmware-core/fetch/m.cpp": "#include <boost/beast/http/read.hpp>\n",
    "firmware-core/fetch/n.cpp": "#include <boost/beast.hpp>\n",
    "sim/world.cpp": "auto now = std::chrono::system_clock::now();\n",
    "servers/tftp.cpp": "#include \"sim/world.h\"\n",
    "servers/tftp/clock.cpp": "auto t = std::chrono::steady_clock::now();\n",
    "servers/provserver/main.cpp": "#include \"sim/world.h\"\n",
    "scenarios/x.cpp": "long t = time(nullptr);\n",
    "scenarios/run/y.cpp": "auto t = std::chrono::steady_clock::now();\n",
}
MUST_PASS = {
    "firmware-core/config/ok.cpp": (
        "// no system_clock, rand() or std::thread here; throw is banned\n"
        "/* fopen( in a block comment */\n"
        "const char* text = \"steady_clock and throw in a string\";\n"
        "#include \"firmware-core/base/result.h\"\n"
        "int runtime(int x) { return x; }  // 'time(' inside a name is fine\n"
        "#include <boost/beast/http/parser.hpp>\n#include <boost/beast/http/vector_body.hpp>\n"
        "double random_delay_s = 0; auto t = state.time(); auto r = rng.rand();\n"),
    "firmware-core/target/asio_platform.cpp": (
        "#include <boost/asio.hpp>\nauto t = std::chrono::steady_clock::now();\n"),
    "scenarios/cli/progress.cpp": "auto t = std::chrono::steady_clock::now();\n",
    "servers/provserver/host_clock.h": (
        "#include <boost/asio.hpp>\nauto t = std::chrono::steady_clock::now();\n"),
    "sim/uses_core.cpp": "#include \"firmware-core/base/result.h\"\n#include <thread>\n",
    "tests/anything_test.cpp": "auto t = std::chrono::steady_clock::now();\n",
}


def run_tidy(root):
    return subprocess.run([sys.executable, str(TIDY), "--root", str(root)],
                          capture_output=True, text=True)


def make_tree(root, files):
    for folder in FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "README.md").write_text("# x\n")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def main():
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        clean = pathlib.Path(scratch) / "clean"
        make_tree(clean, MUST_PASS)
        result = run_tidy(clean)
        if result.returncode != 0:
            print("FAIL: clean tree reported:\n" + result.stdout)
            failures += 1
        for index, (rel, text) in enumerate(MUST_FAIL.items()):
            tree = pathlib.Path(scratch) / f"bad{index}"
            make_tree(tree, {**MUST_PASS, rel: text})
            result = run_tidy(tree)
            if result.returncode == 0 or rel not in result.stdout:
                print(f"FAIL: {rel} ({text.strip()}) was not reported:\n{result.stdout}")
                failures += 1
        missing = pathlib.Path(scratch) / "noreadme"
        make_tree(missing, MUST_PASS)
        (missing / "sim" / "README.md").unlink()
        if run_tidy(missing).returncode == 0:
            print("FAIL: a folder without README.md was not reported")
            failures += 1
    checks = len(MUST_FAIL) + 2
    print(f"tidy self-test: {checks - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
