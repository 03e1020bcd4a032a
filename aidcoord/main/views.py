"""The home page and health check."""
from flask import Blueprint, render_template
from sqlalchemy import text

from aidcoord.common.permissions import ANYONE, allow
from aidcoord.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
@allow(ANYONE)
def home():
    return render_template("home.html")


@bp.route("/healthz")
@allow(ANYONE)
def health():
    """For load balancers: the app answers and the database is reachable."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
