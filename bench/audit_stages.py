"""Where `mtus audit` spends its time on case files, stage by stage, without a profiler's overhead.

    python bench/audit_stages.py [--cases 3000] [--repeat 3]

Each stage runs over every case before the next one starts (so each is timed alone) on synthetic JSON
case files (``bench/audit_scale.py``'s generator, fixed seed): reading the files, parsing them (as the
audit does: ``loads_plain``, which reads JSON as the YAML loader would), schema
validation, request parsing, derived facts and rule evaluation, output building (the per-item
records and JSON, packed per file as a worker sends them), the hand-off between processes (pickling
chunks of files as ``--jobs`` does, and unpickling them), the statistics and the spool, the SQLite
store (``--db``; its waits for the disk are not CPU time), and rendering the JSON report into a file.
Medians of ``--repeat`` rounds, in microseconds of CPU time (this process's user + system: the machine is shared, and
wall time counts the other processes' turns) per item, beside the engine's own cost per item. The garbage collector is
off while a stage runs: the audit drops each item as soon as it is recorded, but here each stage keeps all
its output for the next, and full collections over that heap would be charged to whichever stage ran into them.
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_scale import make_cases  # noqa: E402

from checker.audit.collect import Source  # noqa: E402
from checker.audit.items import records  # noqa: E402
from checker.audit.run import CHUNK, aggregate  # noqa: E402
from checker.audit.store import Store  # noqa: E402
from checker.audit.work import file_outcome  # noqa: E402
from checker.audit.writers import write_report  # noqa: E402
from checker.core.limits import CASE_FILE_BYTES  # noqa: E402
from checker.core.schema_errors import schema_problems  # noqa: E402
from checker.core.yamlpos import Positions, loads_plain, read_text  # noqa: E402
from checker.engine.evaluate import evaluate  # noqa: E402
from checker.facts.cases import Case  # noqa: E402
from checker.facts.requests import parse_request  # noqa: E402
from checker.rules.ruleset import load_rules  # noqa: E402


def one_round(files: list[Path]) -> dict[str, float]:
    rules = load_rules(None)[0]
    seconds: dict[str, float] = {}

    def timed(name: str, work):  # noqa: ANN001, ANN202
        gc.collect()
        gc.disable()  # the audit drops each item once recorded; here every stage's output is kept for the next
        start = time.process_time()
        out = work()
        seconds[name] = time.process_time() - start
        gc.enable()
        return out

    texts = timed("read files", lambda: [read_text(f, CASE_FILE_BYTES, "case file") for f in files])
    data = timed("parse JSON", lambda: [loads_plain(t, str(f)) for t, f in zip(texts, files, strict=True)])
    pairs = list(zip(data, files, strict=True))
    timed("validate (schema)", lambda: [schema_problems(d, "case", Positions(), str(f)) for d, f in pairs])
    cases = [Case(d, str(f)) for d, f in pairs]
    timed("parse requests", lambda: [parse_request(r["text"]) for c in cases for r in c.data["requests"]])
    items = timed("facts + evaluate", lambda: [evaluate(c, rules) for c in cases])
    outcomes = timed("build records + JSON", lambda: [
        file_outcome(Source(str(f), "case"), records(c, i, rules, None, None), 1)
        for f, c, i in zip(files, cases, items, strict=True)])
    sent = timed("hand-off: pickle", lambda: [pickle.dumps(outcomes[n:n + CHUNK], pickle.HIGHEST_PROTOCOL)
                                              for n in range(0, len(outcomes), CHUNK)])
    timed("hand-off: unpickle", lambda: [pickle.loads(chunk) for chunk in sent])
    result = timed("statistics + spool", lambda: aggregate([str(files[0].parent.parent)], rules, [], outcomes,
                                                           None, None, 20))
    rows = [row for outcome in outcomes for row in outcome.rows]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "runs.sqlite")
        run_id = store.begin_run(rules.provenance, ["bench"], "now")

        def record() -> None:
            for n in range(0, len(rows), 1000):
                store.add_items(run_id, rows[n:n + 1000])
            store.finish_run(run_id, "now", result.stats.summary(), len(files), 0)

        timed("store (SQLite)", record)
        store.close()
    with tempfile.TemporaryFile("w", encoding="utf-8") as out:
        timed("render JSON report", lambda: write_report(result, "json", out))
    result.close()
    seconds["items"] = len(rows)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_cases(Path(tmp) / "cases", args.cases)
        files = sorted(folder.glob("*/*.json"))
        rounds = [one_round(files) for _ in range(args.repeat)]
    items = rounds[0]["items"]
    stages = [k for k in rounds[0] if k != "items"]
    medians = {k: statistics.median(r[k] for r in rounds) for k in stages}
    total = sum(medians.values())
    print(f"{args.cases} case files, {items} items; median of {args.repeat} rounds; CPU time")
    for stage in stages:
        print(f"  {stage:<22} {medians[stage] * 1e6 / items:8.1f} us/item  {medians[stage] / total:6.1%}")
    print(f"  {'total':<22} {total * 1e6 / items:8.1f} us/item  = {items / total:,.0f} items/s")
    print(json.dumps({"items": items, "us_per_item": {k: round(v * 1e6 / items, 1) for k, v in medians.items()}}))


if __name__ == "__main__":
    main()
