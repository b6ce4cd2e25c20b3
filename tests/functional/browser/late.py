"""A read held by the browser and answered late (A11: a late answer never draws over what the user chose since):
the browser tests hold the first read a choice starts, make the next choice, then release the first and check the
screen still shows the second."""

from __future__ import annotations


def hold(page, pattern):
    """Every request matching ``pattern`` held (not sent) until released; the list of the held routes."""
    held = []
    page.route(pattern, lambda route: held.append(route))
    return held


def wait_until_held(page, held, what: str) -> None:
    for _ in range(100):
        if held:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{what} was never asked for")


def release(page, held, pattern, settle_ms: int = 300) -> None:
    """The first held read answers now, after the later one; its answer is handled before the screen is checked."""
    with page.expect_response(pattern):
        held[0].continue_()
    page.unroute(pattern)
    page.wait_for_timeout(settle_ms)
