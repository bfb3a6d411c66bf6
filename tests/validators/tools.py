"""The real validators, run from the lock files: the Nu HTML Checker (npm vnu-jar, with Java),
feedparser, xmlschema with the sitemaps.org schemas, extruct."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCHEMAS = Path(__file__).resolve().parent / "schemas"


def nu_errors(documents: dict[str, bytes], folder: Path) -> dict[str, list[str]]:
    """The Nu HTML Checker's errors for each document, by name (only the documents with any).

    All documents go to one run of the checker: the JVM starts once.
    """
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.fail(
            "The HTML checks need Java and node_modules/vnu-jar (`npm ci`; apt-get install "
            "default-jre-headless); .ci/run installs both."
        )
    names = {}
    for number, (name, content) in enumerate(documents.items()):
        path = folder / f"page-{number}.html"
        path.write_bytes(content)
        names[path.name] = name
    result = subprocess.run(
        [
            java,
            "-Xss1m",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            *(str(folder / f"page-{number}.html") for number in range(len(documents))),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        url = message.get("url", "")
        name = names.get(url.rsplit("/", 1)[-1], url)
        where = f"line {message.get('lastLine')}: " if message.get("lastLine") else ""
        extract = message.get("extract", "").strip()
        errors.setdefault(name, []).append(f"{where}{message['message']} [{extract}]")
    return errors
