"""Pictures of progress: inline SVG charts for the HTML reports.

- :func:`measure_chart`: one measured outcome (its baseline, its readings over
  time, its target), for the plan, the review and the family summary.
- :func:`change_chart`: the median change per group of ``sendcli impact``, one
  chart per measure and unit (units are never mixed on one axis).

Each returns an HTML ``<figure>``: the SVG (``role="img"``, a ``<title>`` and a
``<desc>`` in words, no script, no external reference, so a browser or a PDF
engine prints it as vectors) and, under it, the same numbers as a ``<table>``
for screen readers and for anyone who wants the figures. The same input gives
the same bytes (golden files check it).

Drawn with leather, a small pure-Python charting library that writes SVG
through ElementTree (so every text in it is escaped as XML). It was chosen
over matplotlib's SVG backend by measurement on this project's 2-core
machine: matplotlib took 32-42 ms a chart (and 0.6-1.0 s to import, with
numpy), so ``report --all`` over 500 plans with about two measured outcomes
each would have spent 30-40 s on charts against a 10 s bar; leather takes
about 3 ms a chart and 15 ms to import. It is imported only when a chart is
drawn: a report without a measured outcome never loads it.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date, timedelta
from decimal import Decimal
from html import escape

from sendcli.core.measures import number_text
from sendcli.core.reports import long_date

#: The chart's size in SVG units (it scales to the page's width; print keeps it as vectors).
WIDTH, HEIGHT = 640, 250
#: Colours of the house style (the reports' accent blue; green for the target; ink for the baseline).
READING_COLOUR = "#1d70b8"
TARGET_COLOUR = "#00703c"
BASELINE_COLOUR = "#0b0c0c"
BAR_COLOUR = "#1d70b8"
#: Longest group name drawn beside a bar (the table under the chart has it whole).
BAR_LABEL_LENGTH = 28

_FIGURE_STYLE = "margin:2mm 0 4mm;break-inside:avoid"
_SVG_STYLE = "display:block;width:100%;max-width:160mm;height:auto"
_TABLE_STYLE = "width:auto;font-size:9pt"


# -- numbers ---------------------------------------------------------------------------------------

#: The largest measure a chart places: the record schema's bound on a baseline, target or reading.
#: A record past it fails check, and reports refuse it; a caller that did not check gets the
#: numbers as a table with no picture (leather's ticks fail on such numbers), never an error.
MEASURE_BOUND = 1_000_000_000
#: The largest change a chart places: from one end of a measure's bound to the other.
CHANGE_BOUND = 2 * MEASURE_BOUND


def _placeable(value: object, bound: float) -> bool:
    """A finite number within ``bound`` either way: one the axes can be scaled to."""
    return _is_number(value) and math.isfinite(value) and abs(value) <= bound


def _scale_number(value: float) -> Decimal:
    """A value for leather's scales: Decimal from its short text, so coordinates stay short."""
    return Decimal(number_text(value))


# -- SVG and HTML pieces ------------------------------------------------------------------------

def _leather():
    """leather, with the reports' look: imported here so start-up and chart-free reports never pay."""
    import leather
    from leather import theme

    theme.background_color = "#ffffff"
    for part in ("title", "legend", "axis_title", "tick"):
        setattr(theme, f"{part}_font_family", "Arial, Helvetica, sans-serif")
    theme.title_font_size = theme.legend_font_size = theme.axis_title_font_size = theme.tick_font_size = 12
    theme.legend_font_char_height = theme.axis_title_font_char_height = theme.tick_font_char_height = 12
    theme.legend_font_char_width = theme.axis_title_font_char_width = theme.tick_font_char_width = 7
    theme.axis_title_gap = 20
    theme.tick_color = "#dddddd"
    theme.zero_color = "#505a5f"
    theme.label_color = theme.axis_title_color = theme.legend_color = "#505a5f"
    theme.margin = 0.02
    theme.default_dot_radius = 4
    theme.default_line_width = 2
    return leather


def _line_with_dots(leather):
    """A line with a dot at each reading, one entry in the legend (leather draws them as two series)."""

    class LineWithDots(leather.Line):
        def to_svg(self, width, height, x_scale, y_scale, series, palette):
            group = super().to_svg(width, height, x_scale, y_scale, series, palette)
            group.append(leather.Dots(self._stroke_color).to_svg(width, height, x_scale, y_scale, series, palette))
            return group

    return LineWithDots


def _svg(chart_group, title: str, description: str, height: int = HEIGHT) -> str:
    """The chart's group inside an ``<svg>`` a screen reader names by its title and description."""
    import xml.etree.ElementTree as ET

    key = hashlib.sha256(f"{title}\n{description}".encode()).hexdigest()[:10]
    root = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {height}",
        "width": str(WIDTH), "height": str(height), "role": "img",
        "aria-labelledby": f"chart-{key}-title chart-{key}-desc", "style": _SVG_STYLE,
    })
    ET.SubElement(root, "title", id=f"chart-{key}-title").text = title
    ET.SubElement(root, "desc", id=f"chart-{key}-desc").text = description
    root.append(chart_group)
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def _table(caption: str, header: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    number = ' class="number"'
    head = "".join(f'<th scope="col"{number if i in numeric else ""}>{escape(text)}</th>'
                   for i, text in enumerate(header))
    body = "".join("<tr>" + "".join(f'<td{number if i in numeric else ""}>{escape(text)}</td>'
                                    for i, text in enumerate(row)) + "</tr>\n" for row in rows)
    return (f'<table style="{_TABLE_STYLE}">\n<caption style="text-align:left;color:#505a5f">{escape(caption)}'
            f"</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>")


def _figure(svg: str, caption: str, table: str) -> str:
    return (f'<figure class="chart" style="{_FIGURE_STYLE}">\n'
            f'<figcaption style="font-weight:bold">{escape(caption)}</figcaption>\n{svg}\n{table}\n</figure>\n')


def _short(text: str, length: int) -> str:
    """A text short enough for its place in a drawing (the caption and table have it whole)."""
    return text if len(text) <= length else text[:length - 1] + "…"


def _with_unit(value: float, unit: str | None) -> str:
    return f"{number_text(value)} {unit}" if unit else number_text(value)


# -- one measured outcome -----------------------------------------------------------------------

def measure_chart(series, label: str = "", until: date | None = None) -> str:
    """A measured outcome as a figure: baseline, readings (up to ``until``, where given), target.

    ``series`` is a measured outcome's history (:func:`sendcli.core.measures.outcome_series`:
    the measure and its readings, oldest first, across the cycles that carried it). ``label`` names the outcome ("o1"), before the measure's name in the chart's title
    (record text, like the measure's name and unit: every text here is escaped).
    """
    measure = series.measure
    readings = [reading for reading in series.readings if until is None or reading.day <= until]
    leather = _leather()
    unit = measure.unit
    axis_name = _short(unit or measure.name, 32)

    # Up to a date (the review's, or today for a plan): the axis runs to it, so a gap in readings shows.
    days = [measure.baseline_date, *(reading.day for reading in readings), *([until] if until else [])]
    x_scale = _MonthScale(min(days), max(days))
    values = [measure.baseline, measure.target, *(reading.value for reading in readings)]
    drawable = all(_placeable(value, MEASURE_BOUND) for value in values)
    if drawable:
        group = _measure_group(leather, measure, readings, x_scale, values, axis_name)

    direction = "lower is better" if measure.lower_is_better else "higher is better"
    if readings:
        latest = readings[-1]
        so_far = (f"{len(readings)} reading{'s' * (len(readings) != 1)}, the latest "
                  f"{_with_unit(latest.value, unit)} on {long_date(latest.day)}")
    else:
        so_far = "no readings yet"
    description = (f"{measure.name}: baseline {_with_unit(measure.baseline, unit)} on "
                   f"{long_date(measure.baseline_date)}; {so_far}; target {_with_unit(measure.target, unit)} "
                   f"({direction}).")
    title = f"{label}: {measure.name}" if label else measure.name
    svg = _svg(group, title, description) if drawable else ""
    rows = [["Baseline", long_date(measure.baseline_date), number_text(measure.baseline)]]
    rows += [["Reading", long_date(reading.day), number_text(reading.value)] for reading in readings]
    rows.append(["Target", "", number_text(measure.target)])
    table = _table(f"The numbers ({direction})", ["", "Date", unit or "Value"], rows, {2})
    return _figure(svg, title, table)


def _measure_group(leather, measure, readings, x_scale, values: list[float], axis_name: str):
    """The drawing of a measured outcome (values all placeable): target line, readings, baseline."""
    unit = measure.unit
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1

    chart = leather.Chart()
    chart.set_x_scale(x_scale)
    chart.set_y_scale(leather.Linear(_scale_number(low), _scale_number(high)))
    chart.add_x_axis(tick_formatter=x_scale.label)
    chart.add_y_axis(name=axis_name, ticks=_whole_ticks(values),
                     tick_formatter=lambda value, index, count: number_text(float(value)))
    first_day, last_day = x_scale.first, x_scale.last
    chart.add_line([(first_day, _scale_number(measure.target)), (last_day, _scale_number(measure.target))],
                   name=f"Target {_with_unit(measure.target, unit)}", stroke_color=TARGET_COLOUR,
                   stroke_dasharray="6 4")
    points = [(measure.baseline_date, _scale_number(measure.baseline))] + \
             [(reading.day, _scale_number(reading.value)) for reading in readings]
    if readings:
        chart.add_series(leather.Series(points, name="Readings"), _line_with_dots(leather)(READING_COLOUR))
    chart.add_dots(points[:1], name=f"Baseline {_with_unit(measure.baseline, unit)}", fill_color=BASELINE_COLOUR,
                   radius=5)
    return chart.to_svg_group(WIDTH, HEIGHT)


def _whole_ticks(values: list[float]) -> list[Decimal] | None:
    """Whole-number ticks for a measure counted in whole numbers over a short span (no "1.5
    incidents"); None leaves the ticks to leather."""
    if not all(float(value).is_integer() for value in values):
        return None
    low, high = int(min(values)), int(max(values))
    if high - low < 2 or high - low > 12:
        return None
    step = 1 if high - low <= 6 else 2
    return [Decimal(value) for value in range(low + (-low) % step, high + 1, step)]


class _MonthScale:
    """Dates along the x axis from the first of a month to the first of a later one, ticked by
    month ("Sep 2026", "Oct", ... "Jan 2027"): leather's own date ticks count days from 1970."""

    def __init__(self, first_date: date, last_date: date):
        self.first = first_date.replace(day=1)
        end = last_date.replace(day=1) + timedelta(days=32)
        self.last = end.replace(day=1)
        months = []
        month = self.first
        while month <= self.last:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        step = -(-len(months) // 7)  # at most 7 ticks
        self.months = months[::step]

    # leather's Scale interface
    def contains(self, value) -> bool:
        return self.first <= value <= self.last

    def project(self, value, range_min, range_max):
        span = (self.last - self.first).days
        return Decimal(range_min) + (Decimal(range_max) - Decimal(range_min)) * (value - self.first).days / span

    def project_interval(self, value, range_min, range_max):
        raise NotImplementedError

    def ticks(self):
        return self.months

    def label(self, value: date, index: int, count: int) -> str:
        return f"{value:%b %Y}" if index == 0 or value.month == 1 else f"{value:%b}"


# -- the median change per group ----------------------------------------------------------------

def change_chart(groups: list[dict]) -> str:
    """``sendcli impact``'s groups as bar charts of the median change, one per measure and unit.

    Each group is a mapping with ``group``, ``measure``, ``unit``, ``median_change``,
    ``children``, ``outcomes`` and ``reached_target`` (as the impact report's JSON has
    them). A group without a median change (no reading yet) is in the table, not drawn.
    """
    by_measure: dict[tuple, list[dict]] = {}
    for group in groups:
        by_measure.setdefault((group.get("measure"), group.get("unit")), []).append(group)
    return "".join(_change_figure(measure, unit, members) for (measure, unit), members in by_measure.items())


def _change_figure(measure: str | None, unit: str | None, groups: list[dict]) -> str:
    leather = _leather()
    name = str(measure or "measure")
    axis_name = f"median change in {name} ({unit})" if unit else f"median change in {name}"
    drawn = [group for group in groups if _placeable(group.get("median_change"), CHANGE_BOUND)]
    labels = _bar_labels([str(group.get("group")) for group in drawn])
    title = f"Median change in {name}{f' ({unit})' if unit else ''} by group"
    if drawn:
        changes = [float(group["median_change"]) for group in drawn]
        low, high = min(0.0, *changes), max(0.0, *changes)
        if low == high:
            high = 1.0
        chart = leather.Chart()
        chart.set_x_scale(leather.Linear(_scale_number(low), _scale_number(high)))
        chart.set_y_scale(leather.Ordinal(list(reversed(labels))))
        chart.add_x_axis(name=axis_name, tick_formatter=lambda value, index, count: number_text(float(value)))
        chart.add_bars([(_scale_number(change), label) for change, label in zip(changes, labels)],
                       fill_color=BAR_COLOUR)
        height = max(HEIGHT // 2, 60 + 34 * len(drawn))
        parts = [f"{label}: {_with_unit(change, unit)}" for label, change in zip(labels, changes)]
        description = f"{title}: " + "; ".join(parts) + "."
        svg = _svg(chart.to_svg_group(WIDTH, height), title, description, height)
    else:
        svg = ""
    rows = [[str(group.get("group")), str(group.get("children", "")), str(group.get("outcomes", "")),
             _with_unit(float(group["median_change"]), unit) if _is_number(group.get("median_change")) else "no reading",
             str(group.get("reached_target", ""))] for group in groups]
    table = _table("The numbers",
                   ["Group", "Children", "Outcomes measured", "Median change", "Reached target"], rows, {1, 2, 3, 4})
    return _figure(svg, title, table)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _bar_labels(names: list[str]) -> list[str]:
    """Names short enough to stand beside a bar, each different (leather keys bars by label)."""
    labels: list[str] = []
    for name in names:
        label = _short(name, BAR_LABEL_LENGTH)
        while label in labels:
            label += " "
        labels.append(label)
    return labels
