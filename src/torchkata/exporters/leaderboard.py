"""Leaderboards: learners ranked by total points; equal points share a rank.

With ``speeds`` (from :func:`torchkata.speed.measure`, `kata leaderboard --speed`), a
``time_vs_reference`` column shows each learner's time relative to the reference over the
katas both passed, or "≈" where the measurement cannot tell. Speed never changes a rank: among
learners with equal points it only orders the rows.

Pseudonymous ids (``secret``, `--anonymize`) are HMAC-SHA256 of the learner id under the
instructor's secret, 64 bits shown: stable for one secret, unlinkable without it.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import html
import io
import json
from dataclasses import dataclass

from torchkata.batch import LearnerResult
from torchkata.exporters.text import clean, markdown_inline, spreadsheet_cell
from torchkata.speed import Speed

PSEUDONYM_HEX = 16            # 64 bits


@dataclass
class Row:
    rank: int
    learner: str
    points: float
    max_points: float
    speed: Speed | None
    katas: dict[str, float]
    integrity: str = "unknown"


def pseudonym(learner: str, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), learner.encode("utf-8"), hashlib.sha256).hexdigest()
    return "anon-" + digest[:PSEUDONYM_HEX]


def build(learners: list[LearnerResult], secret: str | None = None,
          speeds: dict[str, Speed] | None = None) -> tuple[list[str], list[Row]]:
    katas: list[str] = []
    for learner in learners:
        katas += [r.kata for r in learner.results if r.kata not in katas]
    rows = []
    for learner in learners:
        zeroed = learner.integrity.get("score_zeroed", False)
        name = pseudonym(learner.learner, secret) if secret is not None else clean(learner.learner, 200)
        rows.append(Row(0, name, learner.points, learner.max_points,
                        None if speeds is None else speeds.get(learner.learner, Speed(None, None, 0)),
                        {r.kata: 0.0 if zeroed else r.totals.points for r in learner.results},
                        clean(learner.integrity.get("status", "unknown"), 50)))
    rows.sort(key=lambda row: (-row.points, _speed_key(row.speed), row.learner))
    previous = None
    for position, row in enumerate(rows, start=1):
        row.rank = previous.rank if previous is not None and previous.points == row.points else position
        previous = row
    return katas, rows


def _speed_key(speed: Speed | None) -> float:
    """Order within equal points: reported speeds first, fastest first; "≈" and none after, unordered."""
    return speed.ratio if speed is not None and speed.reported else float("inf")


def header(katas: list[str], speed: bool) -> list[str]:
    return ["rank", "learner", "points", "max_points", *(["time_vs_reference"] if speed else []), "integrity", *katas]


def _cells(katas: list[str], row: Row, speed: bool) -> list[str]:
    return [str(row.rank), row.learner, f"{row.points:g}", f"{row.max_points:g}",
            *([row.speed.shown if row.speed else ""] if speed else []), row.integrity] + \
        [f"{row.katas.get(k, 0):g}" for k in katas]


def render_csv(katas: list[str], rows: list[Row], speed: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([spreadsheet_cell(h) for h in header(katas, speed)])
    writer.writerows([spreadsheet_cell(cell) for cell in _cells(katas, row, speed)] for row in rows)
    return buffer.getvalue()


def render_md(katas: list[str], rows: list[Row], speed: bool = False) -> str:
    names = header(katas, speed)
    lines = ["| " + " | ".join(markdown_inline(h) for h in names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join(markdown_inline(c) for c in _cells(katas, row, speed)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def render_json(katas: list[str], rows: list[Row], speed: bool = False) -> str:
    def timing(row: Row) -> dict | None:
        if row.speed is None or row.speed.ratio is None:
            return None
        return {"ratio": row.speed.ratio, "stderr": row.speed.stderr, "katas": row.speed.katas,
                "reported": row.speed.reported, "shown": row.speed.shown}
    data = {"schema": "torchkata.leaderboard", "version": 3, "katas": katas,
            "rows": [{"rank": r.rank, "learner": r.learner, "points": r.points, "max_points": r.max_points,
                      **({"time_vs_reference": timing(r)} if speed else {}), "integrity": r.integrity,
                      "katas": r.katas} for r in rows]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>torchkata leaderboard</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}}
table{{border-collapse:collapse}} th,td{{padding:.35rem .7rem;border-bottom:1px solid #ddd;text-align:right}}
th{{cursor:pointer;background:#f4f4f4;user-select:none}} td:nth-child(2),th:nth-child(2){{text-align:left}}
th[aria-sort=ascending]::after{{content:" ▲"}} th[aria-sort=descending]::after{{content:" ▼"}}
</style></head><body>
<h1>torchkata leaderboard</h1>
<p>Ranked by points; equal points share a rank. Click a column to sort.</p>
<table id="board"><thead><tr>{head}</tr></thead><tbody>
{body}
</tbody></table>
<script>
document.querySelectorAll("#board th").forEach(function (th, column) {{
  th.addEventListener("click", function () {{
    var body = document.querySelector("#board tbody");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    document.querySelectorAll("#board th").forEach(function (h) {{ h.removeAttribute("aria-sort"); }});
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {{
      var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
      var nx = parseFloat(x), ny = parseFloat(y);
      var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return ascending ? order : -order;
    }});
    rows.forEach(function (row) {{ body.appendChild(row); }});
  }});
}});
</script>
</body></html>
"""


def render_html(katas: list[str], rows: list[Row], speed: bool = False) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header(katas, speed))
    body_rows = []
    for row in rows:
        timing = row.speed.ratio if row.speed is not None and row.speed.reported else ""
        values = [row.rank, row.learner, row.points, row.max_points, *([timing] if speed else []), row.integrity] + \
            [row.katas.get(k, 0) for k in katas]
        cells = "".join(f'<td data-value="{html.escape(str(v))}">{html.escape(text)}</td>'
                        for v, text in zip(values, _cells(katas, row, speed)))
        body_rows.append(f"<tr>{cells}</tr>")
    return _PAGE.format(head=head, body="\n".join(body_rows))


RENDERERS = {"csv": render_csv, "markdown": render_md, "html": render_html, "json": render_json}


def render(learners: list[LearnerResult], fmt: str, secret: str | None = None,
           speeds: dict[str, Speed] | None = None) -> str:
    katas, rows = build(learners, secret, speeds)
    return RENDERERS["markdown" if fmt == "md" else fmt](katas, rows, speeds is not None)
