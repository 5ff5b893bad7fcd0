"""Charts drawn on the server as SVG: no script, no inline style (the CSP allows neither), readable
without JavaScript; colours come from classes in static/css/app.css."""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 22, 6, 56, 640


def horizontal_bars(title: str, rows: list[tuple[str, int, str]]) -> Markup:
    """One bar per (label, value, caption), longest first as given; the caption is printed after the bar."""
    height = max(len(rows), 1) * (BAR_HEIGHT + GAP) + GAP
    largest = max((value for _, value, _ in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 150
    parts = []
    for index, (label, value, caption) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = max(round(value / largest * room), 1 if value else 0)
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 6}" text-anchor="end">'
            f'{escape(label)}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}"></rect>'
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 6}" y="{y + BAR_HEIGHT - 6}">'
            f'{escape(caption)}</text>')
    return _svg(title, WIDTH, height, parts)


def columns(title: str, rows: list[tuple[str, str, int]]) -> Markup:
    """One column per (label, second line, value), in the order given (months: the month's short
    name, the year under the first and under each January)."""
    height, base, top = 236, 190, 24
    slot = (WIDTH - 20) / max(len(rows), 1)
    largest = max((value for _, _, value in rows), default=0) or 1
    parts = [f'<line class="chart-axis" x1="10" y1="{base}" x2="{WIDTH - 10}" y2="{base}"></line>']
    for index, (label, second, value) in enumerate(rows):
        x = 10 + index * slot
        tall = round(value / largest * (base - top))
        parts.append(
            f'<rect class="chart-bar" x="{x + slot * 0.15:.1f}" y="{base - tall}" width="{slot * 0.7:.1f}" '
            f'height="{tall}"></rect>'
            f'<text class="chart-value" x="{x + slot / 2:.1f}" y="{base - tall - 4}" text-anchor="middle">'
            f'{value}</text>'
            f'<text class="chart-label" x="{x + slot / 2:.1f}" y="{base + 16}" text-anchor="middle">{escape(label)}'
            f'</text>')
        if second:
            parts.append(f'<text class="chart-label" x="{x + slot / 2:.1f}" y="{base + 32}" text-anchor="middle">'
                         f'{escape(second)}</text>')
    return _svg(title, WIDTH, height, parts)


def _svg(title: str, width: int, height: int, parts: list[str]) -> Markup:
    return Markup(  # noqa: S704 - every value above is a number or escaped
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{"".join(parts)}</svg>')
