"""Instructions per item of `mtus audit` on case files, counted by valgrind: a figure the machine's load cannot move.

    python bench/audit_instructions.py [--cases 300]

On a shared machine CPU time per item moves by 20-50% from run to run with what the other processes do (2
cores, hyper-threads, caches); instruction counts do not. This runs, under ``valgrind --tool=callgrind``, one
process that loads the rules and then audits the same synthetic case files (``audit_scale.py``'s generator,
fixed seed) once, and one that audits them three times, each audit with its JSON report (to /dev/null); the
difference is two audits in steady state (rules compiled, rule plans built), so the per-item figure leaves
start-up out, and the one-audit process minus the steady cost gives start-up (imports, rules, first use of
each rule). Slow: valgrind runs Python ~50x slower (a few minutes at 300 files). Instructions are not time (a
cache miss costs more than an add), but the same change on the same work compares exactly.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_scale import ROOT, make_cases  # noqa: E402

_DRIVER = """
import sys
from checker.audit.collect import iter_sources
from checker.audit.run import aggregate, ordered_outcomes
from checker.audit.writers import write_report
from checker.rules.ruleset import load_rules

folder, times = sys.argv[1], int(sys.argv[2])
rules = load_rules(None)[0]
for _ in range(times):
    result = aggregate([folder], rules, [], ordered_outcomes(iter_sources([folder]), 1, None, None, rules), None,
                       None, 20)
    with open("/dev/null", "w") as out:
        write_report(result, "json", out)
    items = result.stats.summary()["items"]
    result.close()
print(items)
"""
_COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(folder: Path, times: int) -> tuple[int, int]:
    """(instructions, items) of one process auditing ``folder`` ``times`` times under callgrind."""
    python = Path(sys.executable).resolve()  # the interpreter itself, not a shim script
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", str(python), "-c",
                           _DRIVER, str(folder), str(times)], capture_output=True, text=True, cwd=ROOT, check=True)
    return int(_COLLECTED.findall(done.stderr)[-1]), int(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_cases(Path(tmp) / "cases", args.cases)
        once, items = instructions(folder, 1)
        thrice, _ = instructions(folder, 3)
    per_item = (thrice - once) / (2 * items)
    startup = once - per_item * items
    print(f"{args.cases} case files, {items} items: {per_item:,.0f} instructions per item in steady state; "
          f"start-up (imports, rules, first use of each rule) {startup / 1e6:,.0f} M instructions")
    print(json.dumps({"cases": args.cases, "items": items, "instructions_per_item": round(per_item),
                      "startup_instructions": round(startup)}))


if __name__ == "__main__":
    main()
