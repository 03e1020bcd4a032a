"""The dashboard's charts: small SVG drawn on the server, no JavaScript, no CDN, no inline CSS.

Why not pygal: its SVG carries a <style> element, which the Content-Security-Policy (style-src 'self') blocks,
so its colours and text sizes would be lost; these charts use SVG presentation attributes only.

Colours are the Okabe-Ito palette (told apart with the common colour-vision deficiencies), and no chart carries
meaning by colour alone: every bar is labelled with its series' name and value in text, series are also told
apart by a pattern (solid / hatched), and the page shows each chart's figures as a table.
Drawn 400 units wide and scaled to the container (viewBox), so the text stays readable on a 390 px screen.
"""
from collections.abc import Sequence

from markupsafe import Markup, escape

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
WIDTH = 400
FONT = 'font-family="system-ui, sans-serif" fill="#222"'


def _number(value) -> str:
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else str(value)


def _svg(height: int, description: str, body: list[str], patterns: bool = False) -> Markup:
    defs = ""
    if patterns:  # the second series is hatched, so two series differ in more than colour
        defs = ('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{OKABE_ITO[1]}"/>'
                '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>')
    # Every text put in the SVG went through escape(); the rest is our own markup.
    return Markup(  # noqa: S704
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(description)}" preserveAspectRatio="xMinYMin meet">'
        f'<title>{escape(description)}</title>{defs}{"".join(body)}</svg>')


def bar_chart(rows: Sequence[tuple[str, Sequence[int | float]]], series: Sequence[str], description: str,
              formatted: Sequence[Sequence[str]] | None = None) -> Markup:
    """Horizontal bars, one row per label; with two or more series the bars are stacked in the row and each
    value is written after the bar with its series' name."""
    top = max((sum(values) for _label, values in rows), default=0) or 1
    body, y = [], 4
    full = WIDTH - 8
    for index, (label, values) in enumerate(rows):
        body.append(f'<text x="4" y="{y + 14}" font-size="14" {FONT}>{escape(label)}</text>')
        x = 4.0
        for number, value in enumerate(values):
            width = full * value / top
            fill = "url(#hatch)" if number == 1 else OKABE_ITO[number % len(OKABE_ITO)]
            if width > 0:
                body.append(f'<rect x="{x:.1f}" y="{y + 20}" width="{width:.1f}" height="16" fill="{fill}"/>')
            x += width
        shown = formatted[index] if formatted else [_number(value) for value in values]
        text = " · ".join(f"{name}: {value}" for name, value in zip(series, shown, strict=True)) \
            if len(series) > 1 else shown[0]
        body.append(f'<text x="4" y="{y + 52}" font-size="13" {FONT}>{escape(text)}</text>')
        y += 62
    if len(series) > 1:  # a legend, with the same fills
        x = 4
        for number, name in enumerate(series):
            fill = "url(#hatch)" if number == 1 else OKABE_ITO[number % len(OKABE_ITO)]
            body.append(f'<rect x="{x}" y="{y + 2}" width="14" height="14" fill="{fill}"/>'
                        f'<text x="{x + 20}" y="{y + 14}" font-size="13" {FONT}>{escape(name)}</text>')
            x += 30 + 8 * len(name)
        y += 22
    return _svg(y + 4, description, body, patterns=len(series) > 1)


def line_chart(points: Sequence[tuple[str, int]], description: str, fmt=_number) -> Markup:
    """One series over time: a line with a dot per point, the first and last labels and values in text."""
    height, left, right, top_margin, bottom = 220, 8, WIDTH - 8, 24, 180
    top = max((value for _label, value in points), default=0) or 1
    step = (right - left) / max(len(points) - 1, 1)
    coordinates = [(left + step * index, bottom - (bottom - top_margin) * value / top)
                   for index, (_label, value) in enumerate(points)]
    body = [f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#555" stroke-width="1"/>',
            f'<line x1="{left}" y1="{top_margin}" x2="{right}" y2="{top_margin}" stroke="#bbb" '
            f'stroke-width="1" stroke-dasharray="4 3"/>',
            f'<text x="{left}" y="{top_margin - 6}" font-size="13" {FONT}>{escape(fmt(top))}</text>']
    if coordinates:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        body.append(f'<polyline points="{path}" fill="none" stroke="{OKABE_ITO[0]}" stroke-width="3"/>')
        body.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{OKABE_ITO[0]}"/>' for x, y in coordinates)
        body.append(f'<text x="{left}" y="{bottom + 20}" font-size="13" {FONT}>{escape(points[0][0])}</text>')
        body.append(f'<text x="{right}" y="{bottom + 20}" font-size="13" text-anchor="end" {FONT}>'
                    f'{escape(points[-1][0])}</text>')
        body.append(f'<text x="{right}" y="{bottom + 36}" font-size="13" text-anchor="end" {FONT}>'
                    f'{escape(fmt(points[-1][1]))}</text>')
    return _svg(height, description, body)
