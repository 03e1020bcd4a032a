"""JSON API of the dashboard."""
from aidcoord.common.api import Blueprint
from aidcoord.common.permissions import actor, allow
from aidcoord.reports import services
from aidcoord.reports.schemas import DashboardArgsSchema, DashboardSchema
from aidcoord.reports.views import DASHBOARD_READERS

blp = Blueprint("reports_api", __name__, url_prefix="/api/v1/dashboard",
                description="The coordination picture: arrivals, needs, pledges, housing, jobs, volunteers.")


@blp.route("")
@allow(DASHBOARD_READERS)
@blp.arguments(DashboardArgsSchema, location="query")
@blp.response(200, DashboardSchema)
def dashboard(args):
    """The dashboard's figures.

    Coordinators and admins see every organization's figures, organization members their own organizations'.
    Money per currency and converted with the stored rates of `rates_on`; goods per item and unit."""
    return services.dashboard(actor(), services.DashboardFilters(**args))
