"""Command line: ``python -m crawler.demo`` serves the demo site in the foreground."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from types import FrameType

from crawler.demo.generator import build_site
from crawler.demo.server import MAX_DAY, DemoServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.demo", description="Serve the demo news site on 127.0.0.1."
    )
    parser.add_argument("--articles", type=int, default=60, help="distinct articles (default 60)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    parser.add_argument(
        "--day", type=int, default=0, help=f"serve day N, 0 to {MAX_DAY} (default 0)"
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument("--log", type=Path, help="write one line per request to this file")
    parser.add_argument(
        "--log-times", action="store_true", help="end each log line with the time (Unix seconds)"
    )
    parser.add_argument("--truth", type=Path, help="write the ground truth here (JSON lines)")
    args = parser.parse_args(argv)
    if not 0 <= args.day <= MAX_DAY:
        parser.error(f"--day must be 0 to {MAX_DAY}")

    site = build_site(args.articles, args.seed, args.day)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    with DemoServer(
        site, port=args.port, log_path=args.log, truth_path=args.truth, log_times=args.log_times
    ) as server:
        print(f"serving {server.url}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
