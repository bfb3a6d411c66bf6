"""Print a benchmark result (bench-results/*.json) as Markdown tables, for docs and notes.

.venv/bin/python bench/report.py bench-results/latest.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    results = json.loads(
        Path(sys.argv[1] if len(sys.argv) > 1 else "bench-results/latest.json").read_text()
    )
    sizes = sorted(results["sizes"], key=int)
    smallest, largest = sizes[0], sizes[-1]
    print(
        f"Run {results['started']}, {results['database']}, {results['duration_s']} s per page, "
        f"{results['workers']} sync workers.\n"
    )
    for size in sizes:
        for phase, rows in results["sizes"][size]["phases"].items():
            print(f"**{int(size):,} reviews, {phase}**\n")
            header = (
                "| page | req/s | p50 ms | p99 ms | queries | CPU ms | x floor | x floor CPU "
                "| errors |"
            )
            if size == largest and len(sizes) > 1:
                header += f" p50 {int(largest) // 1000}k/{int(smallest) // 1000}k |"
            print(header)
            print("|" + "---|" * (header.count("|") - 1))
            for name, row in rows.items():
                if not row["requests"]:
                    print(f"| {name} | no request finished within the run |")
                    continue
                line = (
                    f"| {name} | {row['rps']:.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | "
                    f"{row['queries']} | {row['cpu_ms']:.2f} | {row['ratio_to_floor']:.2f} | "
                    f"{row['cpu_ratio_to_floor']:.2f} | {row['errors']} |"
                )
                if size == largest and len(sizes) > 1:
                    base = results["sizes"][smallest]["phases"][phase].get(name)
                    ok = base and base["requests"]
                    line += f" {row['p50_ms'] / base['p50_ms']:.2f} |" if ok else " |"
                print(line)
            print()


if __name__ == "__main__":
    main()
