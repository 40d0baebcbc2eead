"""A load generator for the API benchmark, run as its own process (so it does not share
the server's interpreter): ``CONCURRENCY`` threads, each with its own keep-alive HTTP
connection, send ``GET BASE+PATH`` back to back for ``DURATION`` seconds after a short
warm-up. Prints one JSON line: requests, errors, requests/s, latency percentiles (ms).

    python benchmarks/_load_gen.py BASE_URL PATH CONCURRENCY DURATION [TOKEN]
"""

from __future__ import annotations

import json
import sys
import threading
import time

import httpx2

WARMUP = 1.0


def main(argv: list[str]) -> int:
    base, path, concurrency, duration = argv[1], argv[2], int(argv[3]), float(argv[4])
    headers = {"Authorization": f"Bearer {argv[5]}"} if len(argv) > 5 else {}
    latencies: list[float] = []
    errors = [0]
    first_error: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter() + WARMUP
    stop = start + duration

    def worker() -> None:
        mine: list[float] = []
        failed = 0
        with httpx2.Client(base_url=base, headers=headers, timeout=60) as http:
            while True:
                t0 = time.perf_counter()
                if t0 >= stop:
                    break
                try:
                    response = http.get(path)
                    ok = response.status_code == 200
                    problem = "" if ok else f"{response.status_code} {response.text[:300]}"
                except httpx2.TransportError as exc:
                    ok, problem = False, repr(exc)[:300]
                if problem and not first_error:
                    first_error.append(problem)
                t1 = time.perf_counter()
                if t0 >= start:  # the warm-up's requests are not counted
                    if ok:
                        mine.append(t1 - t0)
                    else:
                        failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()

    def pct(p: float) -> float | None:
        if not latencies:
            return None
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000, 2)

    print(json.dumps({
        "requests": len(latencies), "errors": errors[0],
        "first_error": first_error[0] if first_error else None,
        "rps": round(len(latencies) / duration, 1),
        "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
