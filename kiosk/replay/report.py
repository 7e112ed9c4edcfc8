"""The HTML report of a replay run: summary table, per-bundle table, plots of stage times and scores."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any


def _plots(folder: Path, records: list[dict[str, Any]]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    stages = sorted({k for r in records for k in r.get("stage_ms", {})})
    if stages:
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.boxplot([[r["stage_ms"].get(s, 0.0) for r in records if s in r.get("stage_ms", {})] for s in stages],
                   tick_labels=stages)
        ax.set_ylabel("compute ms")
        ax.set_title("Stage compute time per traveller")
        fig.tight_layout()
        fig.savefig(folder / "stage_ms.png", dpi=90)
        plt.close(fig)
        names.append("stage_ms.png")
    for score in ("face", "finger", "liveness"):
        by_case: dict[str, list[float]] = {}
        for r in records:
            if score in r.get("scores", {}):
                by_case.setdefault(r["case"], []).append(float(r["scores"][score]))
        if not by_case:
            continue
        fig, ax = plt.subplots(figsize=(8, 4))
        for case, values in sorted(by_case.items()):
            ax.hist(values, bins=20, alpha=0.5, label=f"{case} ({len(values)})")
        threshold = next((r["scores"].get(f"{score}_threshold") for r in records
                          if f"{score}_threshold" in r.get("scores", {})), None)
        if threshold is not None:
            ax.axvline(float(threshold), color="k", linestyle="--", label="threshold")
        ax.set_xlabel(f"{score} score")
        ax.legend(fontsize=7)
        ax.set_title(f"{score} score by case")
        fig.tight_layout()
        fig.savefig(folder / f"{score}_scores.png", dpi=90)
        plt.close(fig)
        names.append(f"{score}_scores.png")
    lanes = [r["lane_s"] for r in records if "lane_s" in r]
    if lanes:
        fig, ax = plt.subplots(figsize=(8, 3))
        ax.hist(lanes, bins=20)
        ax.set_xlabel("simulated lane time per traveller, s")
        fig.tight_layout()
        fig.savefig(folder / "lane_s.png", dpi=90)
        plt.close(fig)
        names.append("lane_s.png")
    return names


def write_report(folder: Path, records: list[dict[str, Any]], summary: dict[str, Any]) -> Path:
    """Write ``index.html`` (and its PNG plots and ``results.jsonl``) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    plots = _plots(folder, records)
    (folder / "results.jsonl").write_text("".join(json.dumps(r, default=str) + "\n" for r in records),
                                          encoding="utf-8")
    rows = "".join(
        f"<tr class='{'ok' if r['decision'] == r['expected'] else 'bad'}'><td>{html.escape(str(r['bundle']))}</td>"
        f"<td>{html.escape(str(r['case']))}</td><td>{r['expected']}</td><td>{r['decision']}</td>"
        f"<td>{html.escape('; '.join(r.get('reasons', [])) or str(r.get('error', '')))}</td>"
        f"<td>{html.escape(json.dumps(r.get('scores', {})))}</td><td>{r.get('total_ms', '')}</td>"
        f"<td>{r.get('lane_s', '')}</td></tr>"
        for r in records
    )
    cases = "".join(f"<tr><td>{html.escape(c)}</td><td>{v['n']}</td><td>{v['correct']}</td></tr>"
                    for c, v in sorted(summary["by_case"].items()))
    images = "".join(f"<p><img src='{name}' alt='{name}'></p>" for name in plots)
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>Gate replay report</title>
<style>body{{font-family:sans-serif}} td,th{{border:1px solid #ccc;padding:2px 6px;font-size:12px}}
table{{border-collapse:collapse}} tr.bad{{background:#fdd}}</style></head><body>
<h1>Gate replay report</h1><pre>{html.escape(json.dumps({k: v for k, v in summary.items() if k != 'by_case'},
                                                             indent=1))}</pre>
<h2>By case</h2><table><tr><th>case</th><th>n</th><th>correct</th></tr>{cases}</table>
<h2>Plots</h2>{images}
<h2>Bundles</h2><table><tr><th>bundle</th><th>case</th><th>expected</th><th>decision</th><th>reasons</th>
<th>scores</th><th>engine ms</th><th>lane s</th></tr>{rows}</table></body></html>
"""
    path = folder / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
