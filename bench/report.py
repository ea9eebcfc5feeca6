"""Figures, their baselines and targets, as a table and as results.json."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One measured figure; `ratio` is value / baseline; `passed` is None without a target."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    passed: bool | None = None

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None


def machine() -> dict[str, Any]:
    """Where the figures came from."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    import lxml.etree
    import scrapy

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "system": platform.platform(),
        "python": platform.python_version(),
        "scrapy": scrapy.__version__,
        "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)),
    }


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def table(figures: list[Figure]) -> str:
    """A fixed-width table: figure, value, baseline, ratio, target, pass/fail."""
    header = ("figure", "value", "baseline", "ratio", "target", "result")
    rows = [
        (
            f.name,
            f"{_number(f.value)} {f.unit}",
            f"{_number(f.baseline)} ({f.baseline_name})" if f.baseline is not None else "",
            _number(f.ratio),
            f.target,
            {True: "pass", False: "FAIL", None: ""}[f.passed],
        )
        for f in figures
    ]
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
        for row in (header, *rows)
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def write_results(path: Path, figures: list[Figure], details: dict[str, Any]) -> None:
    """results.json: the machine, the figures (with ratios) and the raw measures."""
    data = {
        "machine": machine(),
        "figures": {f.name: {**asdict(f), "ratio": f.ratio} for f in figures},
        "details": details,
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
