"""``faredesk-sim``: run a device simulator as its own process.

    faredesk-sim printer --port 9100 [--dir var/sim/printer] [--width 80] [--mode paper_low]
    faredesk-sim terminal [--mode decline]        # prints serial:///dev/pts/N
    faredesk-sim cardreader [--mode no_card]
    faredesk-sim display

The first line on stdout says where the device is. After that the simulator reads control
commands on stdin, one per line, and answers each with one line on stdout:

    mode <name>                     switch fault mode (see `modes`)
    modes                           list the modes
    state                           JSON of the device state (charges, card, paper, jobs...)
    card present [key=value ...]    card reader: put a card on it (serial, category, value, status)
    card remove                     card reader: take the card away
    batch                           terminal: the open batch (settlement) total, as its report shows it
    batch settle                    terminal: settle (close) the open batch and start the next
    drawer close | drawer open      printer: the cash drawer is pushed shut (or opened by hand)
    quit
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hardware.ports import open_pty
from hardware.sim.cardreader import CardReaderSimulator, SimCard
from hardware.sim.display import DisplaySimulator
from hardware.sim.printer import PrinterSimulator
from hardware.sim.terminal import Batch, TerminalSimulator


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _state(sim: Any) -> dict[str, Any]:
    if isinstance(sim, TerminalSimulator):
        return {
            "mode": sim.mode,
            "charges": [asdict(c) for c in sim.charges],
            "charged_total": sim.charged_total(),
            "batch": {**asdict(sim.batch()), "net_cents": sim.batch().net_cents},
            "requests": len(sim.frames_received),
        }
    if isinstance(sim, CardReaderSimulator):
        card = sim.card.record() if sim.card else None
        return {
            "mode": sim.mode,
            "card": None
            if card is None
            else {
                "serial": card.serial,
                "fare_category": card.fare_category,
                "status": card.status,
                "stored_value_cents": card.stored_value_cents,
                "last_txn_id": card.last_txn_id,
                "products": [p.encode() for p in card.products],
            },
            "writes": sim.writes,
        }
    if isinstance(sim, PrinterSimulator):
        return {
            "state": asdict(sim.state),
            "jobs": [
                {"number": j.number, "printed": j.printed, "txt": str(j.txt_path), "kicks": j.kicks}
                for j in sim.jobs
            ],
        }
    if isinstance(sim, DisplaySimulator):
        return {"mode": sim.mode, "lines": list(sim.text)}
    return {}


def _command(sim: Any, line: str) -> str:
    words = line.split()
    if not words:
        return ""
    try:
        if words[0] == "mode" and len(words) == 2:
            sim.control(words[1])
            return f"ok mode {words[1]}"
        if words[0] == "modes":
            return "ok " + " ".join(sim.modes)
        if words[0] == "state":
            return "ok " + json.dumps(_state(sim), default=str)
        if words[0] == "card" and isinstance(sim, CardReaderSimulator) and words[1:2] == ["remove"]:
            sim.remove()
            return "ok card removed"
        if words[0] == "card" and isinstance(sim, CardReaderSimulator) and words[1:2] == ["present"]:
            fields = dict(w.split("=", 1) for w in words[2:] if "=" in w)
            card = SimCard(
                serial=fields.get("serial", SimCard.serial),
                fare_category=fields.get("category", SimCard.fare_category),
                status=fields.get("status", "active"),
                stored_value_cents=int(fields.get("value", SimCard.stored_value_cents)),
            )
            sim.present(card)
            return "ok card present"
        if words[0] == "batch" and isinstance(sim, TerminalSimulator) and words[1:] in ([], ["settle"]):
            batch = sim.settle_batch() if words[1:] == ["settle"] else sim.batch()
            return "ok " + _batch_report(batch, settled=bool(words[1:]))
        if words[0] == "drawer" and isinstance(sim, PrinterSimulator) and words[1:] in (["close"], ["open"]):
            sim.control("drawer_closed" if words[1] == "close" else "drawer_open")
            return f"ok drawer {'closed' if words[1] == 'close' else 'open'}"
    except (ValueError, KeyError) as exc:
        return f"error {exc}"
    return f"error unknown command {line.strip()!r}"


def _batch_report(batch: Batch, *, settled: bool) -> str:
    """The batch report line a clerk copies into the shift close (dollars as the terminal prints)."""
    def dollars(cents: int) -> str:
        return f"{'-' if cents < 0 else ''}${abs(cents) // 100}.{abs(cents) % 100:02d}"

    return (
        f"batch {batch.number}{' settled' if settled else ''}: "
        f"sales {batch.sale_count} {dollars(batch.sale_cents)}, "
        f"refunds {batch.refund_count} {dollars(batch.refund_cents)}, net {dollars(batch.net_cents)}"
    )


def _control_loop(sim: Any, stop: threading.Event) -> None:
    """Commands from stdin until `quit`; with no stdin (run in the background) serve until killed."""
    for line in sys.stdin:
        if line.strip() == "quit":
            stop.set()
            return
        reply = _command(sim, line)
        if reply:
            _say(reply)
    stop.wait()


def _run_serial(sim: Any, kind: str) -> None:
    port, path, _slave_fd = open_pty()  # the slave fd stays open so the master never sees EOF
    _say(f"faredesk-sim {kind}: serial://{path}")
    stop = threading.Event()
    threading.Thread(target=_control_loop, args=(sim, stop), daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        sim.serve(port, stop)


def _serve_display(sim: DisplaySimulator) -> None:
    sim.on_change = lambda lines: _say(f"display |{lines[0]}|{lines[1]}|")
    _run_serial(sim, "display")


def _serve_printer(args: argparse.Namespace) -> None:
    sim = PrinterSimulator(Path(args.dir), width_mm=args.width, slow_seconds=args.slow)
    sim.on_job = lambda job: _say(
        f"job {job.number}: {job.txt_path} ({'printed' if job.printed else 'NOT printed'}"
        f"{', drawer kick' if job.kicks else ''})"
    )
    for mode in args.mode or []:
        sim.control(mode)
    stop = threading.Event()
    ready = threading.Event()
    server = threading.Thread(target=sim.serve_tcp, args=(args.host, args.port, stop, ready), daemon=True)
    server.start()
    if not ready.wait(5):
        raise SystemExit(f"could not listen on {args.host}:{args.port}")
    _say(f"faredesk-sim printer: tcp://{args.host}:{sim.bound_port} (jobs in {args.dir})")
    try:
        _control_loop(sim, stop)
    except KeyboardInterrupt:
        stop.set()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="faredesk-sim", description="Run a simulated counter device.")
    sub = parser.add_subparsers(dest="device", required=True)
    printer = sub.add_parser("printer", help="ESC/POS receipt printer on a TCP port")
    printer.add_argument("--host", default="127.0.0.1")
    printer.add_argument("--port", type=int, default=9100, help="0 picks a free port")
    printer.add_argument("--dir", default=os.path.join("var", "sim", "printer"))
    printer.add_argument("--width", type=int, choices=(58, 80), default=80)
    printer.add_argument("--slow", type=float, default=2.0, help="seconds per write in slow mode")
    printer.add_argument("--mode", action="append", choices=PrinterSimulator.modes)
    terminal = sub.add_parser("terminal", help="payment terminal on a pseudo-terminal")
    terminal.add_argument("--mode", choices=(TerminalSimulator.default_mode, *TerminalSimulator.modes))
    terminal.add_argument("--step", type=float, default=0.4, help="seconds between prompts")
    terminal.add_argument("--slow", type=float, default=3.0, help="seconds a slow transaction takes")
    reader = sub.add_parser("cardreader", help="fare card reader/encoder on a pseudo-terminal")
    reader.add_argument("--mode", choices=(CardReaderSimulator.default_mode, *CardReaderSimulator.modes))
    reader.add_argument("--cap", type=int, default=40000, help="stored-value cap in cents")
    reader.add_argument("--slow", type=float, default=2.0)
    display = sub.add_parser("display", help="2x20 customer display on a pseudo-terminal")
    display.add_argument("--mode", choices=DisplaySimulator.modes)
    args = parser.parse_args(argv)

    if args.device == "printer":
        _serve_printer(args)
    elif args.device == "terminal":
        _run_serial(TerminalSimulator(args.mode, step_seconds=args.step, slow_seconds=args.slow), "terminal")
    elif args.device == "cardreader":
        _run_serial(CardReaderSimulator(args.mode, cap_cents=args.cap, slow_seconds=args.slow), "cardreader")
    else:
        _serve_display(DisplaySimulator(args.mode))


if __name__ == "__main__":
    main()
