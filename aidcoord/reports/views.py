"""The dashboard page: every figure with its chart, its table and a link to the list behind it."""
from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

from aidcoord.common.codes import subdivision_name
from aidcoord.common.formats import format_day, format_number
from aidcoord.common.permissions import Rule, actor, allow
from aidcoord.matching.models import MatchState
from aidcoord.needs.models import Unit
from aidcoord.organizations.models import Sector
from aidcoord.reports import charts, services
from aidcoord.reports.forms import DashboardFilterForm

bp = Blueprint("reports", __name__)

DASHBOARD_READERS = Rule("coordinator, admin or organization member", services.may_see_dashboard)


@bp.route("/dashboard")
@allow(DASHBOARD_READERS)
def dashboard():
    form = DashboardFilterForm(request.args, meta={"csrf": False})
    filters = services.DashboardFilters()
    if request.args and form.validate():
        filters = services.DashboardFilters(start=form.start.data, end=form.end.data, region=form.region.data or None,
                                            rates_on=form.rates_on.data)
    figures = services.dashboard(actor(), filters)
    return render_template("reports/dashboard.html", form=form, figures=figures, charts=_charts(figures),
                           band_names=band_names(), filter_args=_filter_args(filters), three_w_url=_three_w_url(),
                           sector_label=lambda code: Sector(code).label, unit_label=lambda code: Unit(code).label,
                           step_label=lambda code: MatchState(code).label), 200 if not form.errors else 422


def _three_w_url() -> str | None:
    """The who-does-what-where page, when the app has one."""
    rule = next((rule for rule in current_app.url_map.iter_rules() if rule.rule == "/3w"), None)
    return url_for(rule.endpoint) if rule is not None else None


def band_names() -> dict[str, str]:
    return {"high": _("High priority"), "medium": _("Medium priority"), "standard": _("Standard priority")}


def _filter_args(filters: services.DashboardFilters) -> dict:
    return {"region": filters.region} if filters.region else {}


def _charts(figures: services.Dashboard) -> dict:
    days = figures.arrivals.days
    housing = figures.housing
    names = band_names()
    return {
        "arrivals_total": charts.line_chart(
            [(format_day(day.day), day.cumulative) for day in days],
            _("Arrivals so far, by day: %(total)s by %(day)s.", total=format_number(figures.arrivals.total),
              day=format_day(figures.arrivals.as_of) if figures.arrivals.as_of else "-"),
            fmt=format_number),
        "arrivals_daily": charts.bar_chart(
            [(format_day(day.day), [day.arrived]) for day in days], [_("Arrived")],
            _("People arrived each day; the table below gives the figures."),
            formatted=[[format_number(day.arrived)] for day in days]),
        "beds": charts.bar_chart(
            [(subdivision_name(row["region"]), [row["taken"], row["free"]]) for row in housing.beds],
            [_("Taken or held"), _("Free")], _("Beds of verified offers by region; the table below gives the figures."),
            formatted=[[format_number(row["taken"]), format_number(row["free"])] for row in housing.beds]),
        "bands": charts.bar_chart(
            [(names[band["band"]], [band["households"]]) for band in housing.bands], [_("Households")],
            _("Households waiting by priority band; the table below gives the figures."),
            formatted=[[format_number(band["households"])] for band in housing.bands]),
    }
