"""The local console leaves out the functions' EMF metric lines and keeps everything else."""

from __future__ import annotations

import io
import sys

from local.emulators.console import WithoutMetrics, hide_metric_lines, show_metric_lines


def test_metric_lines_and_their_newlines_are_dropped_the_rest_passes() -> None:
    out = io.StringIO()
    console = WithoutMetrics(out)
    print('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"OrdersPlaced":[1.0]}', file=console)
    print("Order placed", file=console)
    print("", file=console)
    print('{"not": "a metric"}', file=console)
    assert out.getvalue() == 'Order placed\n\n{"not": "a metric"}\n'


def test_hiding_wraps_stdout_once_and_showing_restores_it() -> None:
    original = sys.stdout
    previous = hide_metric_lines()
    try:
        assert isinstance(sys.stdout, WithoutMetrics)
        wrapped = sys.stdout
        hide_metric_lines()
        assert sys.stdout is wrapped  # already wrapped: nothing more
    finally:
        show_metric_lines(previous)
    assert sys.stdout is original
