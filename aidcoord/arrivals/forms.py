"""The form coordinators record a reported count with."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from aidcoord.arrivals.services import MAX_ARRIVALS


class ArrivalForm(FlaskForm):
    reported_at = StringField(_l("Reported at"), validators=[DataRequired(), Length(max=30)],
                              description=_l("Local day (YYYY-MM-DD), or day and time (YYYY-MM-DDTHH:MM)"))
    cumulative_arrivals = IntegerField(_l("People arrived so far"),
                                       validators=[InputRequired(), NumberRange(min=0, max=MAX_ARRIVALS)],
                                       render_kw={"inputmode": "numeric"})
    source = StringField(_l("Source"), validators=[DataRequired(), Length(max=500)],
                         description=_l("Where the figure was published, e.g. a web address"))
    submit = SubmitField(_l("Record the count"))
