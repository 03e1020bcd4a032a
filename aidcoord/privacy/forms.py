"""The erasure form: a person confirms they understand what erasure means."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from aidcoord.common.forms import FlaskForm


class ErasureForm(FlaskForm):
    understood = BooleanField(_l("I understand: my personal data will be erased and my account closed."),
                              validators=[DataRequired(_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Erase my data"))
