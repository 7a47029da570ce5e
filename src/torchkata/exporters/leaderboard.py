"""Leaderboards: rank by total points, then by spec time relative to the reference.

Pseudonymous ids (``--anonymize``) are a salted SHA-256 of the learner id: stable for
one salt, unlinkable without it.
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import json
from dataclasses import dataclass

from torchkata.batch import LearnerResult


@dataclass
class Row:
    rank: int
    learner: str
    points: float
    max_points: float
    relative_time: float | None
    katas: dict[str, float]
    integrity: str = "unknown"


def pseudonym(learner: str, salt: str) -> str:
    return "anon-" + hashlib.sha256(f"{salt}\0{learner}".encode("utf-8")).hexdigest()[:10]


def build(learners: list[LearnerResult], reference: LearnerResult | None, salt: str | None = None) -> tuple[list[str], list[Row]]:
    katas = sorted({r.kata for learner in learners for r in learner.results},
                   key=lambda slug: [r.kata for learner in learners for r in learner.results].index(slug))
    ref_time = reference.duration if reference is not None else 0.0
    unsorted = []
    for learner in learners:
        # No time (nothing ran, e.g. missing files) must not beat a real run: it sorts last.
        relative = round(learner.duration / ref_time, 3) if ref_time > 0 and learner.duration > 0 else None
        name = pseudonym(learner.learner, salt) if salt is not None else learner.learner
        zeroed = learner.integrity.get("score_zeroed", False)
        unsorted.append(Row(0, name, learner.points, learner.max_points, relative,
                            {r.kata: 0.0 if zeroed else r.totals.points for r in learner.results},
                            learner.integrity.get("status", "unknown")))
    unsorted.sort(key=lambda row: (-row.points, row.relative_time if row.relative_time is not None else float("inf"),
                                   row.learner))
    rows, previous, rank = [], None, 0
    for position, row in enumerate(unsorted, start=1):
        key = (row.points, row.relative_time)
        rank = rank if key == previous else position       # ties share a rank
        previous = key
        row.rank = rank
        rows.append(row)
    return katas, rows


def _cells(katas: list[str], row: Row) -> list[str]:
    time = "" if row.relative_time is None else f"{row.relative_time:.2f}x"
    return [str(row.rank), row.learner, f"{row.points:g}", f"{row.max_points:g}", time, row.integrity] + \
        [f"{row.katas.get(k, 0):g}" for k in katas]


HEADER = ["rank", "learner", "points", "max_points", "time_vs_reference", "integrity"]


def render_csv(katas: list[str], rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER + katas)
    writer.writerows(_cells(katas, row) for row in rows)
    return buffer.getvalue()


def render_md(katas: list[str], rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER + katas) + " |", "|" + "---|" * (len(HEADER) + len(katas))]
    lines += ["| " + " | ".join(_cells(katas, row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def render_json(katas: list[str], rows: list[Row]) -> str:
    data = {"schema": "torchkata.leaderboard", "version": 2, "katas": katas,
            "rows": [{"rank": r.rank, "learner": r.learner, "points": r.points, "max_points": r.max_points,
                      "time_vs_reference": r.relative_time, "integrity": r.integrity, "katas": r.katas}
                     for r in rows]}
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
<p>Ranked by points, then by spec time relative to the reference solution. Click a column to sort.</p>
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


def render_html(katas: list[str], rows: list[Row]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER + katas)
    body_rows = []
    for row in rows:
        values = [row.rank, row.learner, row.points, row.max_points,
                  row.relative_time if row.relative_time is not None else "", row.integrity] + \
            [row.katas.get(k, 0) for k in katas]
        cells = "".join(f'<td data-value="{html.escape(str(v))}">{html.escape(text)}</td>'
                        for v, text in zip(values, _cells(katas, row)))
        body_rows.append(f"<tr>{cells}</tr>")
    return _PAGE.format(head=head, body="\n".join(body_rows))


RENDERERS = {"csv": render_csv, "md": render_md, "html": render_html, "json": render_json}


def render(learners: list[LearnerResult], reference: LearnerResult | None, fmt: str, salt: str | None = None) -> str:
    katas, rows = build(learners, reference, salt)
    return RENDERERS[fmt](katas, rows)
