"""Browser tests drive Debian's Chromium through Playwright against Django's live server.

Every page any browser test opens is watched for Content-Security-Policy violations, both the
console errors Chromium prints when it refuses something and the `securitypolicyviolation`
events the page sees; a test with any violation fails.
"""

import contextlib
import os

import pytest
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in this thread; Django refuses database access from
# a thread with a running loop unless told it is safe (these tests are not async code).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
HERE = os.path.dirname(__file__)


def pytest_collection_modifyitems(items):
    """Every test in this folder is marked `browser` (.ci/run skips them in one of its passes)."""
    for item in items:
        if str(item.path).startswith(HERE + os.sep):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def open_page(browser, live_server):
    """Opens a page in a fresh browser context (its own cookies: one login each) on the
    live server; every context is closed before the server stops."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        for page in context.pages:
            _leave_quietly(page)
        context.close()


def _leave_quietly(page) -> None:
    """A page left holding unsaved typing autosaves it as it closes: a beacon the live server
    would write while the test database is being flushed ("database table is locked"). At the
    end of a test, tell the page's scripts its forms are being submitted (as a save does, so
    they send nothing more); the event submits nothing itself."""
    with contextlib.suppress(PlaywrightError):  # a page the test crashed: nothing to send
        page.evaluate(
            "document.querySelectorAll('form').forEach("
            "(form) => form.dispatchEvent(new Event('submit')))"
        )


# Runs in every page before its own scripts, through the debugging protocol, so the policy that
# it watches does not apply to it. Reports each violation on the console, where the test sees it.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


def is_csp_violation(text: str) -> bool:
    return text.startswith("CSP violation:") or "Content Security Policy" in text


@pytest.fixture(autouse=True)
def csp_violations(request, browser):
    """Watches every browser context the test opens; fails the test on any CSP violation."""
    violations: list[str] = []
    original_new_context = browser.new_context

    def on_console(message) -> None:
        if message.type in {"error", "warning"} and is_csp_violation(message.text):
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def new_context(*args, **kwargs):
        context = original_new_context(*args, **kwargs)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", on_console)
        return context

    browser.new_context = new_context
    yield violations
    browser.new_context = original_new_context
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))
