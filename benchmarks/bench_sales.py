"""Counter kiosk sales under load, on PostgreSQL (issue 4, item 14).

Setup (untimed): drop and re-create FAREDESK_BENCH_SALES_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/faredesk_bench_sales), `faredesk migrate`,
`faredesk seed-demo`, then 32 terminals at the demo CENTRAL location, each with an enrolled
browser and its own clerk (benchmarks/sales_setup.py). The server is a separate process:
`python -m uvicorn app.asgi:app --workers 2` on a free loopback port, all devices sim://.

This process drives it over loopback with a small keep-alive HTTP/1.1 client
(benchmarks/http_client.py; httpx spent as much CPU per request as the server's own routing, on
the same two cores), one connection and cookie jar per kiosk:
each kiosk signs its clerk in with the PIN and opens its shift through the kiosk pages, then
sells in a closed loop with no think time (benchmarks/sales_kiosk.py: add two products, open
the cash dialog, pay cash, load the done screen). Phases at 1, 8 and 32 concurrent kiosks, each
bounded by a sale count and a time limit, after a warm-up sale per kiosk.

Figures (latencies are client-side wall time of one request, in ms):

* sale_rps_cN: completed sales per second at N kiosks (whole flow, 5 requests per sale);
* sale_p50/p95/p99_ms_cN: POST /kiosk/pay/cash, the request that completes the sale (one
  transaction: sale, lines, tender, postings, receipt number, print job; then drawer kick,
  receipt printed on the simulator, customer display);
* sale_flow_p50/p95_ms_cN: the whole five-request flow of one customer;
* cart_add_p50/p95_ms_cN: POST /kiosk/cart/add; cart_add_p95_ms is the figure at 32 kiosks
  (the same load as the sale target);
* server/db/client_cpu_ms_per_sale_cN: CPU time of the uvicorn processes, of the database's
  backends and of this driver per completed sale (benchmarks/sales_cpu.py);
* sale_paced_*_c32: the 32 kiosks again, but each starts a customer every PACE_SECONDS instead
  of back to back -- the latency a clerk sees when the server is not saturated.

The closed-loop phases saturate the server (no think time), so there latency is mostly queueing:
by Little's law mean latency ~ kiosks / throughput.

Targets on the 2-core machine: sale p99 < 150 ms at 32 kiosks, add-to-cart p95 < 25 ms.
Afterwards the database must hold exactly the sales the kiosks saw and the postings must sum
to zero. The load average (`os.getloadavg`) before and after is recorded: other work on the
machine shows up in the figures.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_URL = os.environ.get("FAREDESK_BENCH_SALES_DATABASE_URL",
                           "postgresql://postgres@127.0.0.1:5432/faredesk_bench_sales")
VAR_DIR = Path(os.environ.get("FAREDESK_BENCH_SALES_VAR_DIR", "/tmp/faredesk-bench-sales-var"))
os.environ["FAREDESK_DATABASE_URL"] = BENCH_URL
os.environ["FAREDESK_VAR_DIR"] = str(VAR_DIR)
os.environ["FAREDESK_ENV"] = "development"
os.environ.setdefault("FAREDESK_SECRET_KEY", "bench-sales-secret-" + "x" * 40)
os.environ["PICCOLO_CONF"] = "app.piccolo_conf"
os.environ.setdefault("FAREDESK_LOG_LEVEL", "WARNING")
for _device in ("PRINTER", "TERMINAL", "CARDREADER", "DISPLAY"):
    os.environ[f"FAREDESK_{_device}_URL"] = "sim://"

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
CONCURRENCY = (1, 8, 32)
#: Per phase: stop after this many sales in total, or after this many seconds.
MAX_SALES = {1: 200, 8: 600, 32: 1200}
MAX_SECONDS = {1: 15.0, 8: 20.0, 32: 25.0}


#: The paced phase: every kiosk starts a customer every PACE_SECONDS (staggered), for
#: PACED_SECONDS -- 32 kiosks each selling every 10 s, a far busier counter than real clerks.
PACE_SECONDS = 10.0
PACED_SECONDS = 25.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    log = open(VAR_DIR / "uvicorn.log", "wb")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1", "--port",
         str(port), "--workers", str(WORKERS), "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


async def wait_ready(base_url: str, server: subprocess.Popen[bytes]) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base_url, timeout=2.0) as client:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError("the server exited; see " + str(VAR_DIR / "uvicorn.log"))
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.25)
    raise RuntimeError("the server did not answer /healthz within 60 s")


def pct(samples: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, -(-int(q * 10) * len(ordered) // 1000))  # ceil(q% of n)
    return ordered[rank - 1]


async def phase(clients: list[Any], concurrency: int) -> tuple[Any, float]:
    from benchmarks.sales_kiosk import Timings

    timings = Timings()
    budget = MAX_SALES[concurrency]
    deadline = time.perf_counter() + MAX_SECONDS[concurrency]
    taken = 0

    async def kiosk_loop(client: Any) -> None:
        nonlocal taken
        while taken < budget and time.perf_counter() < deadline:
            taken += 1
            await client.sale(timings)

    started = time.perf_counter()
    await asyncio.gather(*(kiosk_loop(c) for c in clients[:concurrency]))
    return timings, time.perf_counter() - started


async def paced_phase(clients: list[Any]) -> tuple[Any, float]:
    from benchmarks.sales_kiosk import Timings

    timings = Timings()
    started = time.perf_counter()
    deadline = started + PACED_SECONDS

    async def kiosk_loop(i: int, client: Any) -> None:
        next_start = started + i * PACE_SECONDS / len(clients)
        while next_start < deadline:
            await asyncio.sleep(max(0.0, next_start - time.perf_counter()))
            await client.sale(timings)
            next_start += PACE_SECONDS

    await asyncio.gather(*(kiosk_loop(i, c) for i, c in enumerate(clients)))
    return timings, time.perf_counter() - started


async def run(results: dict[str, Any]) -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    from benchmarks import sales_setup
    from benchmarks.sales_cpu import CpuMeter
    from benchmarks.sales_kiosk import KioskClient

    shutil.rmtree(VAR_DIR, ignore_errors=True)
    VAR_DIR.mkdir(parents=True)
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    await sales_setup.recreate_database(BENCH_URL)
    sales_setup.faredesk_command("migrate")
    sales_setup.faredesk_command("seed-demo")
    migrated_s = time.perf_counter() - t0
    from app.db import close_pool, start_pool

    await start_pool()
    try:
        kiosks, products = await sales_setup.make_kiosks(max(CONCURRENCY))
    finally:
        await close_pool()
    setup_s = time.perf_counter() - t0
    print(f"setup: database and demo agency in {migrated_s:.1f} s, {len(kiosks)} kiosks in "
          f"{setup_s - migrated_s:.1f} s", flush=True)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = start_server(port)
    clients: list[KioskClient] = []
    figures: dict[str, Any] = {}
    sold = 0
    try:
        await wait_ready(base_url, server)
        clients = [KioskClient(base_url, k, products) for k in kiosks]
        t1 = time.perf_counter()
        for i in range(0, len(clients), 8):  # PIN checks are deliberately slow: 8 at a time
            await asyncio.gather(*(c.start() for c in clients[i:i + 8]))
        print(f"{len(clients)} clerks signed in, shifts open in {time.perf_counter() - t1:.1f} s",
              flush=True)
        for _ in range(2):  # warm-up: every worker has rendered every screen, pools are open
            await asyncio.gather(*(c.sale(None) for c in clients))
            sold += len(clients)
        meter = CpuMeter(server.pid, BENCH_URL)
        for concurrency in CONCURRENCY:
            await meter.start()
            client_cpu = sum(os.times()[:2])
            timings, took = await phase(clients, concurrency)
            client_cpu_ms = (sum(os.times()[:2]) - client_cpu) * 1000
            server_cpu_ms, db_cpu_ms = await meter.stop()
            n = len(timings.sale_ms)
            sold += n
            assert len(set(timings.sale_ids)) == n, "every paid cart became its own sale"
            rps = n / took
            figures.update({
                f"sale_rps_c{concurrency}": round(rps, 1),
                f"sale_p50_ms_c{concurrency}": round(statistics.median(timings.sale_ms), 1),
                f"sale_p95_ms_c{concurrency}": round(pct(timings.sale_ms, 95), 1),
                f"sale_p99_ms_c{concurrency}": round(pct(timings.sale_ms, 99), 1),
                f"sale_flow_p50_ms_c{concurrency}": round(statistics.median(timings.flow_ms), 1),
                f"sale_flow_p95_ms_c{concurrency}": round(pct(timings.flow_ms, 95), 1),
                f"cart_add_p50_ms_c{concurrency}": round(statistics.median(timings.cart_add_ms),
                                                         1),
                f"cart_add_p95_ms_c{concurrency}": round(pct(timings.cart_add_ms, 95), 1),
                f"sale_count_c{concurrency}": n,
                f"server_cpu_ms_per_sale_c{concurrency}": round(server_cpu_ms / n, 1),
                f"db_cpu_ms_per_sale_c{concurrency}": round(db_cpu_ms / n, 1),
                f"client_cpu_ms_per_sale_c{concurrency}": round(client_cpu_ms / n, 1),
            })
            print(f"c{concurrency}: {n} sales in {took:.1f} s = {rps:.1f}/s; pay p50 "
                  f"{statistics.median(timings.sale_ms):.0f} p95 {pct(timings.sale_ms, 95):.0f} "
                  f"p99 {pct(timings.sale_ms, 99):.0f} ms; add p95 "
                  f"{pct(timings.cart_add_ms, 95):.0f} ms; flow p50 "
                  f"{statistics.median(timings.flow_ms):.0f} ms; CPU per sale: server "
                  f"{server_cpu_ms / n:.0f} ms, PostgreSQL {db_cpu_ms / n:.0f} ms, this "
                  f"client {client_cpu_ms / n:.0f} ms; load {os.getloadavg()[0]:.1f}", flush=True)
        paced, took = await paced_phase(clients)
        sold += len(paced.sale_ms)
        figures.update({
            "sale_paced_rps_c32": round(len(paced.sale_ms) / took, 2),
            "sale_paced_p50_ms_c32": round(statistics.median(paced.sale_ms), 1),
            "sale_paced_p95_ms_c32": round(pct(paced.sale_ms, 95), 1),
            "sale_paced_p99_ms_c32": round(pct(paced.sale_ms, 99), 1),
            "cart_add_paced_p95_ms_c32": round(pct(paced.cart_add_ms, 95), 1),
            "sale_paced_count_c32": len(paced.sale_ms),
        })
        print(f"c32 paced (a customer per kiosk every {PACE_SECONDS:.0f} s): "
              f"{len(paced.sale_ms)} sales; pay p50 {statistics.median(paced.sale_ms):.0f} p95 "
              f"{pct(paced.sale_ms, 95):.0f} p99 {pct(paced.sale_ms, 99):.0f} ms; add p95 "
              f"{pct(paced.cart_add_ms, 95):.0f} ms; load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
        stop_server(server)
    load_after = os.getloadavg()
    in_db, balance = await sales_setup.ledger_check(BENCH_URL)
    assert in_db == sold, f"the kiosks completed {sold} sales, the database holds {in_db}"
    assert balance == 0, f"postings sum to {balance} cents, not zero"
    figures["cart_add_p95_ms"] = figures[f"cart_add_p95_ms_c{max(CONCURRENCY)}"]
    figures.update({
        "sales_bench_server_workers": WORKERS,
        "sales_bench_kiosks": len(kiosks),
        "sales_bench_total_sales": in_db,
        "sales_bench_loadavg_before": round(load_before[0], 2),
        "sales_bench_loadavg_after": round(load_after[0], 2),
        "sales_bench_cpus": os.cpu_count(),
        "sales_bench_setup_s": round(setup_s, 1),
    })
    results.update(figures)
