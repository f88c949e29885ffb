"""The rendering's time bound holds even when an alarm lands where Python swallows exceptions."""

import time

import pytest

from sendcli.documents import rendering


def _spin(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass


def test_the_time_bound_fires_again_after_an_alarm_was_swallowed():
    # An exception raised inside a garbage-collector callback or a __del__ is
    # printed and dropped; the catch below stands for that.
    swallowed = False
    started = time.monotonic()
    with pytest.raises(rendering._TemplateBomb):
        with rendering._bounded_time(0.05):
            try:
                _spin(5)
            except rendering._TemplateBomb:
                swallowed = True
            _spin(5)
    assert swallowed
    assert time.monotonic() - started < 4


def test_no_alarm_outlives_the_rendering():
    import signal

    with rendering._bounded_time(0.05):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    _spin(0.2)  # an alarm left running would raise here
