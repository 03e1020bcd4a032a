"""The 3W page: who does what where, as a table and a map of Armenia's regions (plain links, no JavaScript)."""
from flask import Blueprint, render_template, request

from aidcoord.common.codes import subdivision_name
from aidcoord.common.permissions import SIGNED_IN, allow
from aidcoord.common.web import id_arg
from aidcoord.organizations.models import SECTOR_LABELS, Sector
from aidcoord.reports import regions_map, threew

bp = Blueprint("threew", __name__)
SHOWN = 1000  # rows of the table on the page; the CSV download has them all


def filters_from_query() -> tuple[threew.ThreeWFilters, str]:
    """The page's filters and measure; values it does not know are ignored (a page, not the API)."""
    region = request.args.get("region", "").strip().upper()
    sector = request.args.get("sector", "")
    measure = request.args.get("measure", threew.DEFAULT_MEASURE)
    return (threew.ThreeWFilters(
        region=region if region in regions_map.codes() else None,
        sector=Sector(sector) if sector in {s.value for s in Sector} else None,
        organization_id=id_arg("organization_id")),
        measure if measure in threew.MEASURES else threew.DEFAULT_MEASURE)


@bp.route("/3w")
@allow(SIGNED_IN)
def page():
    """Organizations x sectors x regions; the map shows every region (coloured by the chosen measure under the
    other filters), a click on one filters the table to it."""
    filters, measure = filters_from_query()
    everywhere = threew.who_does_what_where(threew.ThreeWFilters(sector=filters.sector,
                                                                 organization_id=filters.organization_id))
    rows = [row for row in everywhere if filters.region is None or row.region == filters.region]
    totals = threew.region_totals(everywhere, measure)
    outline = regions_map.outline()
    legend = regions_map.classes(totals.get(region.code, 0) for region in outline.regions)
    regions = [{"code": region.code, "name": subdivision_name(region.code), "path": region.path,
                "value": totals.get(region.code, 0),
                "colour": regions_map.colour_of(totals.get(region.code, 0), legend)}
               for region in outline.regions]
    organizations = sorted({(row.organization_id, row.organization) for row in everywhere},
                           key=lambda o: o[1].casefold())
    base = {"sector": filters.sector.value if filters.sector else None, "organization_id": filters.organization_id,
            "measure": measure}
    return render_template("reports/threew.html", rows=rows[:SHOWN], more_rows=max(0, len(rows) - SHOWN),
                           regions=regions, outline=outline, legend=legend,
                           filters=filters, measure=measure, measures=threew.MEASURES, sectors=SECTOR_LABELS,
                           organizations=organizations, base=base, attribution=regions_map.ATTRIBUTION,
                           export_args={k: v for k, v in {**base, "region": filters.region}.items()
                                        if v is not None and k != "measure"})
