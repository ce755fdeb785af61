"""The data-quality report: one row per problem cell (docs/data-contract.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.dataset import QUALITY_COLUMNS, empty_quality

VALUE_WIDTH = 200  # longest value quoted in the report (captions can be long)
EMPTY_QUALITY = empty_quality()


@dataclass
class _Finding:
    column: str
    problem: str
    action: str | np.ndarray
    lines: np.ndarray  # file rows, -1 when unknown
    values: np.ndarray  # object array of str, aligned with lines
    total: int


class Report:
    """Collect one file's findings, capped per (column, problem) as they arrive."""

    def __init__(self, file: str, cap: int):
        self.file = file
        self.cap = cap
        self.notes: list[tuple[str, str, str, str]] = []
        self.findings: dict[tuple[str, str], list[_Finding]] = {}

    def note(self, problem: str, action: str, column: str = "", value: str = "") -> None:
        """Add a finding about the whole file or a whole column (empty row)."""
        self.notes.append((column, value, problem, action))

    def rows(
        self,
        column: str,
        problem: str,
        action: str | np.ndarray,
        positions: np.ndarray,
        values: pd.Series | np.ndarray | str,
        lines: np.ndarray,
    ) -> None:
        """
        Add one finding per position.

        ``values`` and ``lines`` (and ``action`` when it is an array) are full-length arrays indexed by
        ``positions``; only the first ``cap`` positions are materialised.
        """
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return
        kept = positions[: self.cap]
        if isinstance(values, str):
            shown = np.full(kept.size, values, dtype=object)
        else:
            taken = values.iloc[kept] if isinstance(values, pd.Series) else np.asarray(values)[kept]
            shown = np.array([show(v) for v in taken], dtype=object)
        kept_action = action if isinstance(action, str) else np.asarray(action, dtype=object)[kept]
        self.findings.setdefault((column, problem), []).append(
            _Finding(column, problem, kept_action, np.asarray(lines)[kept], shown, int(positions.size))
        )

    def frame(self) -> pd.DataFrame:
        """Return the findings as data-quality rows: whole-file notes first, then one block per problem."""
        blocks = []
        if self.notes:
            column, value, problem, action = zip(*self.notes, strict=True)
            blocks.append(_quality_block(self.file, np.full(len(column), -1), column, value, problem, action))
        for (column, problem), parts in self.findings.items():
            lines = np.concatenate([p.lines for p in parts])
            values = np.concatenate([p.values for p in parts])
            actions = np.concatenate(
                [
                    np.full(p.lines.size, p.action, dtype=object) if isinstance(p.action, str) else p.action
                    for p in parts
                ]
            )
            order = np.argsort(lines, kind="stable")[: self.cap]
            blocks.append(
                _quality_block(self.file, lines[order], column, values[order], problem, actions[order])
            )
            more = sum(p.total for p in parts) - order.size
            listed = set(actions[order])
            if more > 0:
                blocks.append(
                    _quality_block(
                        self.file,
                        np.array([-1]),
                        column,
                        "",
                        f"{problem} ({more:,} more rows not listed)",
                        listed.pop() if len(listed) == 1 else "as in the rows listed above",
                    )
                )
        if not blocks:
            return EMPTY_QUALITY.copy()
        return pd.concat(blocks, ignore_index=True)


def _quality_block(file, lines, column, value, problem, action) -> pd.DataFrame:
    lines = np.asarray(lines, dtype=np.int64)
    size = lines.size
    frame = pd.DataFrame(
        {
            "file": pd.array(np.full(size, file, dtype=object), dtype="string"),
            "row": pd.array(np.where(lines < 0, None, lines), dtype="Int64"),
        }
    )
    for name, content in (("column", column), ("value", value), ("problem", problem), ("action", action)):
        array = (
            np.full(size, content, dtype=object)
            if isinstance(content, str)
            else np.asarray(content, dtype=object)
        )
        frame[name] = pd.array(array, dtype="string")
    return frame[QUALITY_COLUMNS]


def show(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    text = str(value)
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def one_line(text: str) -> str:
    return " ".join(str(text).split())
