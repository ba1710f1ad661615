"""`make bench`: run every benchmarks/bench_*.py module and merge its figures into
benchmarks/results/latest.json (other keys are kept).

A benchmark module exposes `async def run(results: dict) -> None` (or a plain function) that
adds its figures to `results`. Each module runs in its own Python process, so it may point the
application at its own database through the environment before importing anything from app/.

    python -m benchmarks.run                 # every module
    python -m benchmarks.run reconciliation  # only modules whose name contains the word
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "latest.json"
MARKER = "BENCH-RESULT "

_CHILD = f"""
import asyncio, inspect, json, sys, importlib
module = importlib.import_module(sys.argv[1])
results = {{}}
outcome = module.run(results)
if inspect.isawaitable(outcome):
    asyncio.run(outcome)
print({MARKER!r} + json.dumps(results, default=str), flush=True)
"""


def discover(filters: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if filters:
        names = [n for n in names if any(f in n for f in filters)]
    return [f"benchmarks.{n}" for n in names]


def run_module(module: str) -> dict[str, object] | None:
    print(f"== {module}", flush=True)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, module], cwd=HERE.parent, stdout=subprocess.PIPE,
        text=True,
    )
    found: dict[str, object] | None = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(MARKER):
            found = json.loads(line[len(MARKER):])
        else:
            print(line, end="", flush=True)
    code = proc.wait()
    took = time.perf_counter() - started
    if code != 0 or found is None:
        print(f"!! {module} failed (exit {code}) after {took:.1f} s", flush=True)
        return None
    print(f"   {module} done in {took:.1f} s", flush=True)
    return found


def merge(figures: dict[str, object]) -> dict[str, object]:
    current: dict[str, object] = {}
    if RESULTS.exists():
        try:
            current = json.loads(RESULTS.read_text())
        except ValueError:
            current = {}
    current.update(figures)
    current["updated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    return current


def main(argv: list[str]) -> int:
    modules = discover(argv)
    if not modules:
        print("no benchmark modules found", flush=True)
        return 1
    failed = []
    for module in modules:
        figures = run_module(module)
        if figures is None:
            failed.append(module)
            continue
        merge(figures)
        for key, value in sorted(figures.items()):
            print(f"   {key} = {value}", flush=True)
    print(f"results: {RESULTS}")
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
