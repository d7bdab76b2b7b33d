"""`python -m local.lex --port 8000`: the local Lex V2 runtime for boto3, the AWS CLI and the chat client."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading

from local.emulators.lex.server import PortInUseError
from local.lex.runtime import start_runtime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.lex", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port for the Lex runtime; 0 picks a free one")
    parser.add_argument("--aws-port", type=int, default=0, help="port for the in-process moto server (default: free)")
    parser.add_argument("--aws-endpoint", help="use this AWS endpoint (e.g. the local stack) instead of starting moto")
    parser.add_argument("--users-table", help="users table name at --aws-endpoint")
    parser.add_argument("--user-pool-id", help="user pool id at --aws-endpoint")
    parser.add_argument("--verbose", action="store_true", help="log requests and the code hook's logs and metrics")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")

    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        runtime = start_runtime(
            host=args.host,
            port=args.port,
            aws_port=args.aws_port,
            aws_endpoint=args.aws_endpoint,
            users_table=args.users_table,
            user_pool_id=args.user_pool_id,
            verbose=args.verbose,
        )
    except PortInUseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for line in runtime.describe():
        print(line, flush=True)
    print("Ready. Ctrl-C stops.", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    runtime.stop()
    print("Stopped.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
