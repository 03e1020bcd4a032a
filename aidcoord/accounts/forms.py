"""Forms for the account pages (CSRF-protected through Flask-WTF)."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import EmailField, HiddenField, PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length
from wtforms.widgets import CheckboxInput, ListWidget

from aidcoord.accounts.models import SELF_SERVICE_ROLES
from aidcoord.accounts.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from aidcoord.common.forms import FlaskForm


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=lazy_ngettext("At least %(num)d character.", "At least %(num)d characters.", MIN_PASSWORD_LENGTH),
    )
    password_again = PasswordField(
        _l("Password again"), validators=[DataRequired(), EqualTo("password", _l("The passwords do not match."))]
    )
    roles = CheckboxListField(
        _l("I want to help as"), choices=[(role.value, role.label) for role in SELF_SERVICE_ROLES],
    )
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)]
    )
    new_password_again = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", _l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))


class CreateTokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("What the token is for, e.g. 'donations spreadsheet'."))
    submit = SubmitField(_l("Create token"))


class LanguageForm(FlaskForm):
    # Choices are the languages offered (config LANGUAGES), each named in itself; the view fills them in.
    preferred_language = SelectField(_l("Language of pages and messages"), validators=[DataRequired()],
                                     description=_l("E-mails and notifications to you are written in it too."))
    submit = SubmitField(_l("Save language"))


class ConfirmForm(FlaskForm):
    """An empty form: a button that carries the CSRF token (log out, revoke)."""

    submit = SubmitField(_l("Confirm"))
