"""Readable differences between two revision snapshots, line by line, with difflib."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

FIELD_LABELS = {
    "headline": "Headline",
    "slug": "Address (slug)",
    "standfirst": "Standfirst",
    "body": "Body",
    "kind": "Kind",
    "rating": "Rating",
    "film": "Film",
    "critic": "Critic",
    "tags": "Tags",
}


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed" or "gap" (unchanged lines left out)
    text: str


@dataclass
class FieldDiff:
    name: str
    label: str
    lines: list[DiffLine] = field(default_factory=list)


def _as_lines(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [", ".join(str(item) for item in value)] if value else []
    return str(value).splitlines()


def snapshot_diff(older: dict, newer: dict, context: int = 2) -> list[FieldDiff]:
    """The fields that differ between two snapshots, each with its changed lines in context."""
    diffs = []
    for name, label in FIELD_LABELS.items():
        before, after = _as_lines(older.get(name)), _as_lines(newer.get(name))
        if before == after:
            continue
        diff = FieldDiff(name=name, label=label)
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for index, group in enumerate(matcher.get_grouped_opcodes(context)):
            if index or group[0][1] > 0:
                diff.lines.append(DiffLine("gap", "…"))
            for tag, i1, i2, j1, j2 in group:
                if tag == "equal":
                    diff.lines += [DiffLine("same", line) for line in before[i1:i2]]
                    continue
                diff.lines += [DiffLine("removed", line) for line in before[i1:i2]]
                diff.lines += [DiffLine("added", line) for line in after[j1:j2]]
        diffs.append(diff)
    return diffs
