"""The one place battledecks writes to the terminal outside Textual's frames.

``battledecks.ui.raw_output.write_raw`` uses Textual's private driver (Textual 8
has no public way to write raw bytes). These tests fail when Textual changes it.
"""

from __future__ import annotations

from textual.app import App
from textual.driver import Driver

from battledecks.ui.raw_output import write_raw


def test_textual_still_has_the_driver_write_raw_uses() -> None:
    app: App[None] = App()
    assert hasattr(app, "_driver"), "App._driver is gone: fix battledecks.ui.raw_output.write_raw"
    assert app._driver is None
    assert callable(getattr(Driver, "write", None)) and callable(getattr(Driver, "flush", None)), (
        "Driver.write/flush are gone: fix battledecks.ui.raw_output.write_raw"
    )


async def test_write_raw_reaches_the_running_apps_driver() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        driver = app._driver
        assert isinstance(driver, Driver)
        seen: list[str] = []
        original = driver.write
        driver.write = lambda data: (seen.append(data), original(data))[1]  # type: ignore[method-assign]
        try:
            assert write_raw(app, "\x1b_Ga=d,d=a,q=2\x1b\\") == len("\x1b_Ga=d,d=a,q=2\x1b\\")
            assert write_raw(app, "") == 0
        finally:
            driver.write = original  # type: ignore[method-assign]
        await pilot.pause()
    assert seen == ["\x1b_Ga=d,d=a,q=2\x1b\\"]
