"""Audit at scale: throughput with 1 and 2 jobs and peak memory, on synthetic case files (fixed seed).

    python bench/audit_scale.py                 # 100,000 cases; 20k and 100k runs; jobs 1 and 2
    python bench/audit_scale.py --cases 5000 --small 1000 --jobs 1 2

Each measurement runs in a fresh process (so peak RSS is that run's alone) and reports items/s and
the peak RSS of the main process and of its worker processes (``resource.getrusage``). Memory is
flat when the peak at the small size is close to the peak at the full size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_FOLDER = 1000
REQUESTS = ["Flexeril 7.5mg #60", "Cyclobenzaprine 10mg #30", "Tizanidine 4mg #90", "Soma 350mg #60",
            "Norco 10/325mg #120", "Oxycodone 10mg #60", "Tramadol ER 150mg #30", "Omeprazole 20mg #60",
            "Naproxen 550mg #60", "Gabapentin 600mg #90", "Lidoderm 5% patch #30", "Physical therapy x12",
            "MRI lumbar spine", "Acupuncture x6"]


def _maybe(rng: random.Random, p_absent: float = 0.3) -> bool | None:
    return None if rng.random() < p_absent else rng.random() < 0.5


def synthetic_case(rng: random.Random, number: int) -> dict:
    """One schema-valid case with 1-3 requests and random documentation (absent, true or false)."""
    year = rng.choice([2013, 2014, 2015, 2016])
    ur_date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    case: dict = {"case_id": f"SYN-{number:07d}", "ur_date": ur_date,
                  "injury": {"date": f"{year - rng.randint(1, 6)}-{rng.randint(1, 12):02d}-15"},
                  "clinical": {"acute_exacerbation": _maybe(rng), "muscle_spasm": _maybe(rng)},
                  "monitoring": {"cures_checked": _maybe(rng), "pain_agreement": _maybe(rng),
                                 "urine_drug_screen": _maybe(rng)},
                  "pain": {"with_medication": rng.randint(2, 6), "without_medication": rng.randint(6, 10)},
                  "nsaid": {"current_use": _maybe(rng)},
                  "requests": []}
    for text in rng.sample(REQUESTS, rng.randint(1, 3)):
        case["requests"].append({"text": text, "actual": "upheld" if rng.random() < 0.85 else "overturned",
                                 "continuing": _maybe(rng, 0.2), "pain_relief": _maybe(rng),
                                 "functional_improvement": _maybe(rng)})
    return case


def generate(folder: Path, cases: int, seed: int) -> None:
    """Write ``cases`` JSON case files under ``folder``, 1000 per sub-folder (idempotent)."""
    marker = folder / f".done-{cases}-{seed}"
    if marker.exists():
        return
    rng = random.Random(seed)
    for number in range(cases):
        sub = folder / f"{number // PER_FOLDER:04d}"
        if number % PER_FOLDER == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"case-{number:07d}.json").write_text(json.dumps(synthetic_case(rng, number)))
    marker.write_text("")


def measure(folder: Path, cases: int, jobs: int) -> dict:
    """Audit the first ``cases`` files with ``jobs`` processes, writing the JSON report; runs in this process."""
    from checker.audit.run import run_audit
    from checker.audit.sink import open_output
    from checker.audit.writers import write_report

    paths = [folder / f"{i:04d}" for i in range(cases // PER_FOLDER)]
    start = time.perf_counter()
    result = run_audit(paths, jobs=jobs, chunk=16)
    audited = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp, open_output(Path(tmp) / "audit.json") as out:
        write_report(result, "json", out)
    total = time.perf_counter() - start
    summary = result.stats.summary()
    result.close()
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime
    return {"cases": summary["cases"], "items": summary["items"], "jobs": jobs, "errors": len(result.errors),
            "audit_s": round(audited, 1), "total_s": round(total, 1),
            "items_per_s": round(summary["items"] / audited), "cases_per_s": round(summary["cases"] / audited),
            "cpu_s": round(cpu, 1), "items_per_cpu_s": round(summary["items"] / cpu),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_children_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            "agreement": summary["agreement"], "kappa": summary["kappa"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=20_000, help="the smaller run, to check memory is flat")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "mtus-audit-scale")
    parser.add_argument("--measure", nargs=2, type=int, metavar=("CASES", "JOBS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.folder, *args.measure)))
        return
    for n in (args.cases, args.small):
        if n % PER_FOLDER:
            parser.error(f"case counts must be multiples of {PER_FOLDER}")
    start = time.perf_counter()
    generate(args.folder, args.cases, args.seed)
    print(f"{args.cases} synthetic cases in {args.folder} (seed {args.seed}, {time.perf_counter() - start:.0f}s)")
    results = []
    for jobs in args.jobs:
        for n in (args.small, args.cases):
            done = subprocess.run([sys.executable, __file__, "--folder", str(args.folder), "--measure", str(n),
                                   str(jobs)], capture_output=True, text=True, check=True, cwd=ROOT)
            row = json.loads(done.stdout)
            results.append(row)
            print(f"jobs {jobs}: {row['cases']:>7} cases {row['items']:>7} items  {row['items_per_s']:>6} items/s "
                  f"({row['cases_per_s']} cases/s, {row['items_per_cpu_s']} items per CPU-s)  "
                  f"audit {row['audit_s']}s, with report {row['total_s']}s  "
                  f"peak RSS main {row['peak_rss_mb']} MB, workers {row['peak_rss_children_mb']} MB", flush=True)
    for jobs in args.jobs:
        small, full = [r for r in results if r["jobs"] == jobs]
        growth = full["peak_rss_mb"] / small["peak_rss_mb"]
        verdict = "flat" if growth < 1.25 else "NOT flat"
        print(f"jobs {jobs}: peak RSS {small['peak_rss_mb']} MB at {small['cases']} cases, {full['peak_rss_mb']} MB "
              f"at {full['cases']} (x{growth:.2f}): memory {verdict}")
    by_jobs = {r["jobs"]: r["items_per_s"] for r in results if r["cases"] == max(x["cases"] for x in results)}
    if 1 in by_jobs and 2 in by_jobs:
        print(f"speed-up with 2 jobs: x{by_jobs[2] / by_jobs[1]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
