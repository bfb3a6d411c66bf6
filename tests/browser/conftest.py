"""Browser tests drive Debian's Chromium through Playwright against Django's live server."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses database access from
# a thread with a running loop unless told it is safe (these tests are not async code).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


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
        context.close()
