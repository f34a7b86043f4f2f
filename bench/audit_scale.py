"""Audit at scale, side by side with the floors, in one run: case files, real PDFs, and a 20,000-letter archive.

    python bench/audit_scale.py                       # the figures in README "Scale" (about 30 minutes)
    python bench/audit_scale.py --quick               # a smaller smoke run (about 5 minutes)

Floors, measured in the same run: the engine alone (``bench/engines.py``, full trace, items/s) for the
case files, and poppler ``pdftotext`` (one process per letter, as a shell loop would run it) on the
same PDFs. Configurations: ``single`` (one process), ``jobs2`` (``--jobs 2``), ``dask1`` and ``dask2``
(``--executor dask``, a local cluster of 1 or 2 worker processes). Every measurement runs in a fresh
process and covers the audit and its JSON report (not the interpreter start); configurations take
turns within each round and the median of the rounds is reported. Peak RSS is the client's own and
the largest of its worker processes' (``getrusage``, children reaped at the end).

Inputs, generated in a temporary folder (never committed):
* ``cases``: synthetic JSON case files (fixed seed; 1-3 requests each).
* ``pdfs``: the 102 bundled PDF letters copied N times under new file names.
* ``archive``: the bundled letters' extracted text (read once with the PDF reader), replicated as
  ``.txt`` letters with new case numbers written into the text: >= 20,000 letters without paying for
  pdfium 20,000 times. Its small and full sizes show whether memory stays flat.
The machine is shared (2 cores, other engineers' tests): run it more than once and read medians.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "cases" / "letters" / "pdf"
CONFIGS = ("single", "jobs2", "dask1", "dask2")
REQUESTS = ["Flexeril 7.5mg #60", "Cyclobenzaprine 10mg #30", "Tizanidine 4mg #90", "Soma 350mg #60",
            "Norco 10/325mg #120", "Oxycodone 10mg #60", "Tramadol ER 150mg #30", "Omeprazole 20mg #60",
            "Naproxen 550mg #60", "Gabapentin 600mg #90", "Lidoderm 5% patch #30", "Physical therapy x12",
            "MRI lumbar spine", "Acupuncture x6"]
_CASE_NUMBER = re.compile(r"\bCM\d{2}-\d{7}\b")


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


def make_cases(folder: Path, count: int, seed: int = 20240501) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for number in range(count):
        sub = folder / f"{number // 1000:04d}"
        sub.mkdir(exist_ok=True)
        (sub / f"case-{number:07d}.json").write_text(json.dumps(synthetic_case(rng, number)))
    return folder


def make_pdfs(folder: Path, copies: int) -> Path:
    folder.mkdir(parents=True)
    for copy in range(copies):
        for pdf in sorted(LETTERS.glob("*.pdf")):
            shutil.copyfile(pdf, folder / f"{copy:03d}-{pdf.name}")
    return folder


def make_archive(folder: Path, count: int) -> Path:
    """``count`` text letters: the bundled letters' text with new case numbers (CM90-0000000 upwards)."""
    from checker.ingest.text import letter_text

    texts = [letter_text(pdf) for pdf in sorted(LETTERS.glob("*.pdf"))]
    folder.mkdir(parents=True)
    for number in range(count):
        sub = folder / f"{number // 1000:04d}"
        sub.mkdir(exist_ok=True)
        case_number = f"CM{90 + number // 10_000_000:02d}-{number % 10_000_000:07d}"
        (sub / f"{case_number}.txt").write_text(_CASE_NUMBER.sub(case_number, texts[number % len(texts)]))
    return folder


def _first(folder: Path, count: int) -> list[Path]:
    """The first ``count`` inputs of a generated folder (whole sub-folders, then files)."""
    subs = sorted(p for p in folder.iterdir() if p.is_dir())
    if not subs:
        return sorted(folder.iterdir())[:count]
    paths: list[Path] = []
    left = count
    for sub in subs:
        files = sorted(sub.iterdir())
        if len(files) <= left:
            paths.append(sub)
            left -= len(files)
        else:
            paths += files[:left]
            left = 0
        if not left:
            break
    return paths


class RssSampler(threading.Thread):
    """Resident memory over time, every ``every`` seconds: this process's (the client, and with a local Dask
    cluster its scheduler) and the largest of its child processes' (the workers). Needs psutil (a dependency of
    Dask); without it, no samples."""

    def __init__(self, every: float = 1.0):
        super().__init__(daemon=True)
        self.every, self.samples, self.halt = every, [], threading.Event()
        self.start_time = time.monotonic()

    def run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()
        while not self.halt.wait(self.every):
            workers = []
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):  # ended between the listing and the reading
                    workers.append(child.memory_info().rss)
            self.samples.append((round(time.monotonic() - self.start_time, 1), me.memory_info().rss / 2**20,
                                 max(workers, default=0) / 2**20))

    def stop(self) -> dict:
        """Steady RSS (the median of the samples in the run's last quarter) and a timeline of about 20 samples."""
        self.halt.set()
        self.join()
        if not self.samples:
            return {}
        end = self.samples[-1][0]
        last = [s for s in self.samples if s[0] >= 0.75 * end]
        step = max(1, len(self.samples) // 20)
        return {"client_steady_mb": statistics.median(s[1] for s in last),
                "worker_steady_mb": statistics.median(s[2] for s in last),
                "timeline": [[t, round(c), round(w)] for t, c, w in self.samples[::step]]}


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its children reaped so far (``--jobs`` workers, a
    local Dask cluster's processes once they have ended: the measurement counts what it can see)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(config: str, paths: list[str], rules: str | None = None) -> dict:
    """One audit with its JSON report, in this (fresh) process."""
    from checker.audit.run import run_audit
    from checker.audit.writers import write_report

    executor = "dask" if config.startswith("dask") else "local"
    jobs = {"single": 1, "jobs2": 2, "dask1": 1, "dask2": 2}[config]
    sampler = RssSampler()
    sampler.start()
    start, cpu_start = time.perf_counter(), _cpu()
    result = run_audit(paths, jobs=jobs, executor=executor, rules_path=rules)
    memory = sampler.stop()  # the audit's own memory (a local cluster's workers have ended)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        write_report(result, "json", out)
    seconds = time.perf_counter() - start
    cpu = _cpu() - cpu_start
    summary = result.stats.summary()
    result.close()
    return {"config": config, "inputs": result.inputs, "items": summary["items"], "errors": len(result.errors),
            "seconds": seconds, "cpu_seconds": cpu, "agreement": summary["agreement"],
            "client_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, **memory}


RULES: list[str] = []  # ["--rules", PATH] when given


def run_measure(config: str, paths: list[Path]) -> dict:
    listing = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)  # noqa: SIM115
    listing.write("\n".join(map(str, paths)))
    listing.close()
    try:
        done = subprocess.run([sys.executable, __file__, "--measure", config, listing.name, *RULES],
                              capture_output=True, text=True, cwd=ROOT, timeout=3600)
    finally:
        os.unlink(listing.name)
    if done.returncode != 0:
        raise SystemExit(f"{config} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def engine_floor(items: int) -> float:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "engines.py"), "--items", str(items), "--repeat", "3",
                           *RULES,
                           "--json"], capture_output=True, text=True, cwd=ROOT, timeout=1800)
    return float(json.loads(done.stdout.strip().splitlines()[-1])["engines"]["mtus"])


def pdftotext_floor(pdfs: list[Path]) -> float | None:
    """Letters per second of ``pdftotext`` run once per letter (output to a temporary file)."""
    if shutil.which("pdftotext") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for pdf in pdfs:
            subprocess.run(["pdftotext", str(pdf), str(Path(tmp) / "out.txt")], check=True)
        return len(pdfs) / (time.perf_counter() - start)


def rounds(label: str, paths: list[Path], configs: list[str], repeat: int, unit: str, log: list[dict]) -> dict:
    """Every config once per round, ``repeat`` rounds; the median rate and the largest peaks per config."""
    runs: dict[str, list[dict]] = {c: [] for c in configs}
    for _ in range(repeat):
        for config in configs:
            runs[config].append(run_measure(config, paths))
    out = {}
    for config, rows in runs.items():
        count = rows[0]["items"] if unit == "items" else rows[0]["inputs"]
        assert all(r["items"] == rows[0]["items"] for r in rows), "runs disagree on the number of items"
        rate = statistics.median(count / r["seconds"] for r in rows)
        row = {"input": label, "config": config, "inputs": rows[0]["inputs"], "items": rows[0]["items"],
               "errors": rows[0]["errors"], f"{unit}_per_s": round(rate, 1),
               "seconds": [round(r["seconds"], 2) for r in rows],
               "cpu_us_per_item": round(statistics.median(r["cpu_seconds"] for r in rows) * 1e6
                                        / max(1, rows[0]["items"]), 1),
               "client_mb": round(max(r["client_mb"] for r in rows)),
               "worker_mb": round(max(r["worker_mb"] for r in rows))}
        if all("client_steady_mb" in r for r in rows):
            row.update(client_steady_mb=round(max(r["client_steady_mb"] for r in rows)),
                       worker_steady_mb=round(max(r["worker_steady_mb"] for r in rows)), timeline=rows[-1]["timeline"])
        steady = f" (steady {row['client_steady_mb']} / {row['worker_steady_mb']} MB)" if "timeline" in row else ""
        out[config] = row
        log.append(row)
        print(f"  {label:<22} {config:<6} {row['inputs']:>6} inputs {row['items']:>6} items  {rate:>9,.1f} {unit}/s  "
              f"runs {row['seconds']} s  CPU {row['cpu_us_per_item']} us/item  peak RSS client {row['client_mb']} MB, "
              f"workers {row['worker_mb']} MB{steady}",
              flush=True)
    return out


def memory_growth(archive: Path, sizes: list[int], configs: list[str], log: list[dict]) -> dict:
    """Peak and steady RSS of the client and the largest worker at each archive size; each against the smallest."""
    runs = {size: rounds(f"archive (text), {size:,}", _first(archive, size), configs, 1, "inputs", log)
            for size in sorted(sizes)}
    smallest, out = runs[min(sizes)], {}
    for config in configs:
        out[config] = {}
        for size, by_config in runs.items():
            row = by_config[config]
            figures = {key: row.get(key) for key in ("client_mb", "client_steady_mb", "worker_mb", "worker_steady_mb")}
            ratios = {key: round(value / max(1, smallest[config][key]), 2) for key, value in figures.items()
                      if value is not None}
            out[config][size] = {**figures, "vs_smallest": ratios}
            print(f"  memory {config:<6} {size:>6} letters: client peak {figures['client_mb']} MB, steady "
                  f"{figures['client_steady_mb']} MB; workers peak {figures['worker_mb']} MB, steady "
                  f"{figures['worker_steady_mb']} MB; against {min(sizes):,} letters {ratios}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000, help="synthetic JSON case files")
    parser.add_argument("--pdf-copies", type=int, default=5, help="copies of the 102 bundled PDFs")
    parser.add_argument("--archive", type=int, default=20_400, help="text letters in the synthetic archive")
    parser.add_argument("--archive-small", type=int, default=2_040, help="the archive's smaller run (memory)")
    parser.add_argument("--archive-configs", nargs="+", default=["jobs2", "dask2"], choices=CONFIGS,
                        help="configurations run on the full archive (all run on the small one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2,000 cases, 1 PDF copy, archive 2,040/510, 1 round")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--rules", help="a rules folder other than the bundled one")
    parser.add_argument("--parts", nargs="+", default=["cases", "pdfs", "archive"],
                        choices=["cases", "pdfs", "archive"], help="measure only these inputs")
    parser.add_argument("--memory", nargs="*", type=int, metavar="LETTERS",
                        help="only memory against the archive's size: each size (default 2,040 10,200 20,400) with "
                             "--archive-configs, one round; peak and steady RSS of client and workers")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        config, listing = args.measure
        print(json.dumps(measure(config, Path(listing).read_text().splitlines(), args.rules)))
        return
    if args.quick:
        args.cases, args.pdf_copies, args.archive, args.archive_small, args.repeat = 2000, 1, 2040, 510, 1
    if args.rules:
        RULES.extend(["--rules", args.rules])
    log: list[dict] = []
    started = time.perf_counter()
    if args.memory is not None:
        sizes = args.memory or [2_040, 10_200, 20_400]
        with tempfile.TemporaryDirectory(prefix="mtus-audit-scale-") as tmp:
            archive = make_archive(Path(tmp) / "archive", max(sizes))
            growth = memory_growth(archive, sizes, args.archive_configs, log)
        print(f"on {os.cpu_count()} CPUs shared with other work; total {time.perf_counter() - started:.0f} s")
        doc = {"rows": log, "memory": growth}
        if args.json:
            args.json.write_text(json.dumps(doc, indent=2))
        print(json.dumps(doc))
        return
    with tempfile.TemporaryDirectory(prefix="mtus-audit-scale-") as tmp:
        folder = Path(tmp)
        cases = make_cases(folder / "cases", args.cases)
        pdfs = make_pdfs(folder / "pdfs", args.pdf_copies)
        archive = make_archive(folder / "archive", args.archive)
        print(f"inputs in {folder}: {args.cases} case files, {args.pdf_copies * 102} PDFs, {args.archive} text "
              f"letters ({time.perf_counter() - started:.0f} s)", flush=True)
        engine = engine_floor(20_000) if "cases" in args.parts else float("nan")
        floor_pdf = statistics.median(pdftotext_floor(sorted(LETTERS.glob("*.pdf"))) or 0 for _ in range(3))
        print(f"floors: engine (bench/engines.py, full trace) {engine:,.0f} items/s; pdftotext {floor_pdf:.1f} "
              f"letters/s on the 102 bundled PDFs", flush=True)
        case_rows = rounds("JSON case files", [cases], list(CONFIGS), args.repeat, "items", log) \
            if "cases" in args.parts else {}
        pdf_rows = rounds("PDF letters", [pdfs], list(CONFIGS), max(1, args.repeat - 1), "inputs", log) \
            if "pdfs" in args.parts else {}
        floor_pdf_same = pdftotext_floor(sorted(pdfs.iterdir())) if "pdfs" in args.parts else None
        small = rounds("archive (text), small", _first(archive, args.archive_small), list(CONFIGS), 1, "inputs",
                       log) if "archive" in args.parts else {}
        full = rounds("archive (text), full", [archive], args.archive_configs, 1, "inputs", log) \
            if "archive" in args.parts else {}
    verdicts: dict = {}
    if case_rows:
        verdicts["cases_single_vs_engine"] = round(case_rows["single"]["items_per_s"] / engine, 3)
        verdicts["cases_best_vs_engine"] = round(max(r["items_per_s"] for r in case_rows.values()) / engine, 3)
        verdicts["jobs2_vs_single_cases"] = round(case_rows["jobs2"]["items_per_s"]
                                                  / case_rows["single"]["items_per_s"], 2)
        print(f"case files: single process at {verdicts['cases_single_vs_engine']:.1%} of the engine's items/s "
              f"(best configuration {verdicts['cases_best_vs_engine']:.1%}; target >= 25%); --jobs 2 / --jobs 1 "
              f"x{verdicts['jobs2_vs_single_cases']} (target >= 1)")
    if pdf_rows and floor_pdf_same:
        verdicts["pdf_single_vs_pdftotext"] = round(floor_pdf_same / pdf_rows["single"]["inputs_per_s"], 2)
        verdicts["jobs2_vs_single_pdfs"] = round(pdf_rows["jobs2"]["inputs_per_s"] / pdf_rows["single"]["inputs_per_s"],
                                                 2)
        print(f"PDF letters: pdftotext {floor_pdf_same:.1f} letters/s on the same {args.pdf_copies * 102} files, "
              f"mtus audit single {pdf_rows['single']['inputs_per_s']:.1f}: pdftotext x"
              f"{verdicts['pdf_single_vs_pdftotext']} faster (target <= 2); --jobs 2 / --jobs 1 "
              f"x{verdicts['jobs2_vs_single_pdfs']} (target >= 1)")
    if full:
        verdicts["memory_full_vs_small"] = {c: {"client": round(full[c]["client_mb"] / small[c]["client_mb"], 2),
                                                "workers": round(full[c]["worker_mb"] / max(1, small[c]["worker_mb"]),
                                                                 2)} for c in full}
        print(f"peak memory, full archive / small archive: {verdicts['memory_full_vs_small']}")
    print(f"on {os.cpu_count()} CPUs shared with other work")
    print(f"total {time.perf_counter() - started:.0f} s")
    doc = {"engine_items_per_s": engine, "pdftotext_letters_per_s_bundled": floor_pdf,
           "pdftotext_letters_per_s_same": floor_pdf_same, "rows": log, "verdicts": verdicts}
    if args.json:
        args.json.write_text(json.dumps(doc, indent=2))
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
