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
    "lead_image": "Lead image",
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


# difflib's matching is quadratic in the changed lines at worst (a 12,000-line body took 15 s).
# Lines the two versions share at the start and end are skipped in linear time first; when the
# changed middle is still larger than this many line pairs, it is shown as removed and added
# whole instead of being matched line by line.
MAX_COMPARED_LINE_PAIRS = 1_000_000


def _opcodes(before: list[str], after: list[str]) -> tuple[list[tuple], bool]:
    """difflib opcodes turning before into after, and whether the middle was too large to match
    line by line (then it is one replace)."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end_before, end_after = len(before), len(after)
    while (
        end_before > start and end_after > start and before[end_before - 1] == after[end_after - 1]
    ):
        end_before -= 1
        end_after -= 1
    middle_before, middle_after = before[start:end_before], after[start:end_after]
    too_large = len(middle_before) * len(middle_after) > MAX_COMPARED_LINE_PAIRS
    if too_large:
        middle = [("replace", 0, len(middle_before), 0, len(middle_after))]
    else:
        matcher = difflib.SequenceMatcher(a=middle_before, b=middle_after, autojunk=False)
        middle = matcher.get_opcodes()
    opcodes = [("equal", 0, start, 0, start)] if start else []
    opcodes += [
        (tag, i1 + start, i2 + start, j1 + start, j2 + start)
        for tag, i1, i2, j1, j2 in middle
        if i1 != i2 or j1 != j2
    ]
    if end_before < len(before):
        opcodes.append(("equal", end_before, len(before), end_after, len(after)))
    return opcodes, too_large


def _grouped(opcodes, context: int):
    """difflib's get_grouped_opcodes, for opcodes worked out above."""
    matcher = difflib.SequenceMatcher()
    matcher.opcodes = opcodes
    return matcher.get_grouped_opcodes(context)


def snapshot_diff(older: dict, newer: dict, context: int = 2) -> list[FieldDiff]:
    """The fields that differ between two snapshots, each with its changed lines in context;
    bounded work whatever the snapshots hold."""
    diffs = []
    for name, label in FIELD_LABELS.items():
        before, after = _as_lines(older.get(name)), _as_lines(newer.get(name))
        if before == after:
            continue
        diff = FieldDiff(name=name, label=label)
        opcodes, too_large = _opcodes(before, after)
        if too_large:
            diff.lines.append(
                DiffLine("gap", "… too many changed lines to match one by one: shown whole")
            )
        for index, group in enumerate(_grouped(opcodes, context)):
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
