"""The home page."""
from flask import Blueprint, render_template

from aidcoord.common.permissions import ANYONE, allow

bp = Blueprint("main", __name__)


@bp.route("/")
@allow(ANYONE)
def home():
    return render_template("home.html")

