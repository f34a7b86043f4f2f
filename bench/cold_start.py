"""Cold start of ``mtus check`` on one case: median wall time of N fresh processes.

Usage: ``python bench/cold_start.py [--runs N] [--case FILE] [--format json] [--json]``

Each run is a new process (``subprocess``), so every run pays the interpreter start, the imports,
loading the rules (from the on-disk cache after the first run; ``--no-cache`` turns it off) and the
drug catalog, evaluating the case and rendering it.  With ``PYTHONDONTWRITEBYTECODE`` set (as in some
sandboxes) the package's modules are compiled from source on every run; ``--bytecode`` measures the
usual installed case, with ``.pyc`` files written once and reused.  So that the figure can be read on a busy or slow
machine, the same number of runs of ``python -c pass`` (the interpreter alone) are interleaved with
them, and the child processes' CPU time (user + system) is reported beside the wall time.

The last line printed is one JSON object:
``{"runs": N, "check_wall_s": median, "check_cpu_s": median, "python_wall_s": median, ...}``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASE = ROOT / "cases" / "seeds" / "000_98fed6c8c6e0f14b.yaml"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and exit code of one run."""
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return wall, _children_cpu() - cpu, proc.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--case", type=Path, default=DEFAULT_CASE)
    parser.add_argument("--format", default="json")
    parser.add_argument("--no-cache", action="store_true", help="run with MTUS_CACHE=0 (parse the rules every time)")
    parser.add_argument("--module", action="store_true", help="run `python -m checker` instead of the `mtus` script")
    parser.add_argument("--bytecode", action="store_true",
                        help="let the runs write and reuse .pyc files even if PYTHONDONTWRITEBYTECODE is set "
                             "(as an installed package does); otherwise the environment decides")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    if args.no_cache:
        env["MTUS_CACHE"] = "0"
    if args.bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    script = shutil.which("mtus")
    base = [sys.executable, "-m", "checker"] if args.module or script is None else [script]
    check = [*base, "check", str(args.case), "-f", args.format]
    bare = [sys.executable, "-c", "pass"]

    run_once(check, env)  # warm the OS file cache (and the rule cache, unless --no-cache)
    walls, cpus, bare_walls, bare_cpus = [], [], [], []
    for _ in range(args.runs):
        wall, cpu, _code = run_once(check, env)
        walls.append(wall)
        cpus.append(cpu)
        wall, cpu, _code = run_once(bare, env)
        bare_walls.append(wall)
        bare_cpus.append(cpu)

    summary = {
        "runs": args.runs, "command": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(check)),
        "cache": not args.no_cache, "bytecode_cached": not env.get("PYTHONDONTWRITEBYTECODE"),
        "check_wall_s": round(statistics.median(walls), 3), "check_cpu_s": round(statistics.median(cpus), 3),
        "check_wall_min_s": round(min(walls), 3),
        "python_wall_s": round(statistics.median(bare_walls), 3),
        "python_cpu_s": round(statistics.median(bare_cpus), 3),
        "load_average": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
    }
    if not args.json:
        print(f"mtus check, {args.runs} runs: median wall {summary['check_wall_s']:.3f} s "
              f"(min {summary['check_wall_min_s']:.3f} s), CPU {summary['check_cpu_s']:.3f} s")
        print(f"python -c pass:      median wall {summary['python_wall_s']:.3f} s, CPU {summary['python_cpu_s']:.3f} s"
              f"   (load average {summary['load_average']} on {summary['cpus']} CPUs)")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
