"""A minimal DevTools-protocol client for Debian's headless `chromium`, over `--remote-debugging-pipe`
(no port, no websocket, no browser download): open a page, run JavaScript, click, take screenshots.

Used by tests/test_review_browser.py, benchmarks/review.py and tools/review_screenshot.py.

    with Chromium(width=1400, height=900) as b:
        b.open("file:///…/index.html")
        b.evaluate("document.title")
        b.click(x, y)
        png = b.screenshot()
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from typing import Any, Optional

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> Optional[str]:
    env = os.environ.get("BAOCAO_CHROMIUM")
    if env:
        return env
    for name in CANDIDATES:
        p = shutil.which(name)
        if p:
            return p
    return None


class ChromiumError(RuntimeError):
    pass


class Chromium:
    def __init__(self, width: int = 1400, height: int = 900, timeout: float = 60.0):
        self.width, self.height, self.timeout = width, height, timeout
        self.proc: Optional[subprocess.Popen] = None
        self._id = 0
        self._buf = b""
        self.events: list[dict] = []
        self.session: Optional[str] = None

    # --- process and pipe -------------------------------------------------------------------------
    def __enter__(self) -> "Chromium":
        exe = chromium_path()
        if exe is None:
            raise ChromiumError("chromium not found (apt-get install chromium)")
        self._profile = tempfile.mkdtemp(prefix="baocao-chromium-")
        # the browser reads commands on fd 3 and writes answers on fd 4 (pass_fds keeps those two open:
        # subprocess closes the other descriptors after preexec_fn has run)
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def fds():  # in the child: the pipe ends onto fds 3 and 4 (copied first: one may already be 3 or 4)
            r, w = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        args = [exe, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
                "--mute-audio", "--disable-extensions", "--disable-background-networking",
                f"--user-data-dir={self._profile}", f"--window-size={self.width},{self.height}", "about:blank"]
        self.proc = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=fds,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False})
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.proc and self.proc.poll() is None:
                try:
                    self.call("Browser.close", session=False, wait=False)
                    self.proc.wait(timeout=10)
                except Exception:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
        finally:
            for fd in (getattr(self, "_to_child", None), getattr(self, "_from_child", None)):
                if fd is not None:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            shutil.rmtree(getattr(self, "_profile", ""), ignore_errors=True)

    def _send(self, msg: dict) -> None:
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")

    def _read(self, deadline: float) -> dict:
        import select

        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChromiumError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise ChromiumError("chromium closed the pipe")
                self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, params: Optional[dict] = None, session: bool = True, wait: bool = True) -> Any:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        self._send(msg)
        if not wait:
            return None
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise ChromiumError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method: str, deadline_s: Optional[float] = None) -> dict:
        for i, m in enumerate(self.events):
            if m.get("method") == method:
                return self.events.pop(i)
        deadline = time.monotonic() + (deadline_s or self.timeout)
        while True:
            m = self._read(deadline)
            if m.get("method") == method:
                return m
            self.events.append(m)

    # --- what the tests use -----------------------------------------------------------------------
    def open(self, url: str) -> float:
        """Navigate and wait for the load event (images included, lazy ones in view); seconds taken."""
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        t0 = time.perf_counter()
        self.call("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")
        return time.perf_counter() - t0

    def evaluate(self, expression: str) -> Any:
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise ChromiumError(f"JavaScript error: {r['exceptionDetails'].get('exception', r['exceptionDetails'])}")
        return r.get("result", {}).get("value")

    def click(self, x: float, y: float) -> None:
        """A real mouse click (pressed, released) at viewport coordinates."""
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                   "clickCount": 1 if kind != "mouseMoved" else 0})

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])
