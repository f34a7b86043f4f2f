"""Fuzz the case loader and the rule loader with mutated real files; report inputs, crashes and hangs.

    PYTHONPATH=. python bench/fuzz_loaders.py [--inputs 5000] [--seed 13] [--hang 10]

Each input is a real case file (cases/**/*.yaml) or rule file (rules/**/*.yaml) mutated 1-4 times with
the operators and hostile fragments of tests/hostile_inputs.py (aliases, tags, surrogates, control
characters, 5,000-digit integers, deep nesting, cut, repeated and swapped lines...). A case input is
loaded as an audit loads it, evaluated and rendered as JSON and Markdown; a rule input is validated in
a folder with the shared criteria, as `mtus rules validate` does. A crash is any exception but the
one-line InputError; a hang is an input that runs past ``--hang`` seconds. Crashing inputs are written
to ``--out`` for replay. The test suite runs the same targets under Hypothesis, bounded to seconds.
"""

from __future__ import annotations

import argparse
import collections
import random
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hostile_inputs import LoaderTargets, mutate, seed_files  # noqa: E402


class _Hang(Exception):
    pass


def _alarm(signum, frame):  # noqa: ANN001, ARG001
    raise _Hang


def run(target, seeds: list[str], inputs: int, rng: random.Random, hang: float, out: Path, name: str) -> dict:
    """Fuzz one target; its figures."""
    counts: collections.Counter = collections.Counter()
    kinds: dict[str, str] = {}
    slowest = 0.0
    started = time.perf_counter()
    for n in range(inputs):
        text = mutate(seeds[rng.randrange(len(seeds))], rng.randrange, rounds=1 + rng.randrange(4))
        signal.setitimer(signal.ITIMER_REAL, hang)
        t = time.perf_counter()
        try:
            counts[target(text)] += 1
        except _Hang:
            counts["hang"] += 1
            (out / f"{name}-hang-{n}.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        except Exception as exc:  # noqa: BLE001 - a crash: record it and go on
            counts["crash"] += 1
            kind = f"{type(exc).__name__}: {str(exc)[:80]}"
            if kind not in kinds:
                kinds[kind] = "".join(traceback.format_exception(exc)[-3:])
                (out / f"{name}-crash-{n}.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        slowest = max(slowest, time.perf_counter() - t)
    return {"loader": name, "inputs": inputs, "ok": counts["ok"], "problem": counts["problem"],
            "crashes": counts["crash"], "crash_kinds": kinds, "hangs": counts["hang"],
            "slowest_s": round(slowest, 3), "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", type=int, default=5000, help="inputs per loader")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--hang", type=float, default=10.0, help="seconds after which an input counts as a hang")
    parser.add_argument("--out", type=Path, default=None, help="folder for crashing inputs (default: a temp folder)")
    parser.add_argument("--only", choices=["case", "rule"], default=None)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    cases, rules = seed_files()
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch) / "found"
        out.mkdir(parents=True, exist_ok=True)
        targets = LoaderTargets(Path(scratch))
        for name, target, seeds in (("case", targets.case, cases), ("rule", targets.rule, rules)):
            if args.only and args.only != name:
                continue
            figures = run(target, seeds, args.inputs, random.Random(f"{args.seed}-{name}"), args.hang, out, name)
            kinds = figures.pop("crash_kinds")
            print("  ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
            for kind, where in kinds.items():
                print(f"  crash {kind}\n{where}")
        if any(out.iterdir()):
            print(f"inputs that crashed or hung: {out}")


if __name__ == "__main__":
    main()
