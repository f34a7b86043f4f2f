"""`mtus serve`: start-up time and CDS Hooks latency, on 127.0.0.1 only, beside their floors.

    python bench/serve.py [--runs N] [--hooks N]

Start-up: from spawning `python -m checker serve --port 0` to the first answer of GET /cds-services, N runs;
floor: `python -c pass` spawned the same way. Hook latency: POST /cds-services/mtus-order-sign with two draft
orders and a full prefetch (the first call after start-up reported apart), beside GET /cds-services (the
floor: the same server and connection path doing no work). Targets: start-up < 2 s, hook < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serving import call, running_server  # noqa: E402
from test_serve_cds import NORCO, PREFETCH, hook, service_request  # noqa: E402


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"median {1000 * statistics.median(values):7.1f} ms, p95 {1000 * p95:7.1f} ms, n={len(values)}"


def startup(runs: int) -> tuple[list[float], list[float]]:
    serve, floor = [], []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        floor.append(time.perf_counter() - t)
        t = time.perf_counter()
        with running_server() as url:
            status, _, _ = call(f"{url}/cds-services")
            assert status == 200
            serve.append(time.perf_counter() - t)
    return serve, floor


def hooks(count: int) -> tuple[float, list[float], list[float]]:
    body = hook([NORCO, service_request("sr-mri", "MRI lumbar spine")], PREFETCH)
    with running_server() as url:
        t = time.perf_counter()
        status, _, data = call(f"{url}/cds-services/mtus-order-sign", body)
        first = time.perf_counter() - t
        assert status == 200 and len(json.loads(data)["cards"]) == 2
        latency, floor = [], []
        for _ in range(count):
            t = time.perf_counter()
            status, _, _ = call(f"{url}/cds-services/mtus-order-sign", body)
            latency.append(time.perf_counter() - t)
            t = time.perf_counter()
            call(f"{url}/cds-services")
            floor.append(time.perf_counter() - t)
    return first, latency, floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="start-ups to time")
    parser.add_argument("--hooks", type=int, default=50, help="hook calls to time")
    args = parser.parse_args()
    serve, floor = startup(args.runs)
    print(f"start-up to first answer  mtus serve: {_ms(serve)}   floor (python -c pass): {_ms(floor)}   target < 2 s")
    first, latency, floor = hooks(args.hooks)
    print(f"first order-sign after start-up: {1000 * first:.1f} ms (FHIR models still loading in the background)")
    print(f"order-sign, 2 draft orders + prefetch: {_ms(latency)}   floor (GET /cds-services): {_ms(floor)}   "
          "target < 100 ms")


if __name__ == "__main__":
    main()
