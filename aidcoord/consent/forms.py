"""The forms of a record's consent panel: record a consent, withdraw one."""
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from aidcoord.common.forms import FlaskForm
from aidcoord.common.locale import default_language, language_choices, supported
from aidcoord.consent import texts
from aidcoord.consent.models import ConsentPurpose


class RecordConsentForm(FlaskForm):
    purpose = SelectField(_l("What the person agrees to"))
    language = SelectField(_l("Language the text was shown in"))
    on_behalf_reason = StringField(
        _l("Why you record it for the person"), validators=[Optional(), Length(max=2000)],
        description=_l("For example: agreed in person at the desk after the text was read out."))
    submit = SubmitField(_l("Record consent"))

    def __init__(self, *args, purposes: tuple[ConsentPurpose, ...] = tuple(ConsentPurpose), **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose.choices = [(purpose.value, purpose.label) for purpose in purposes]
        self.language.choices = language_choices()


class WithdrawConsentForm(FlaskForm):
    reason = StringField(_l("Why you withdraw it for the person"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Withdraw consent"))


# The consent details a registration form carries beside its yes/no (see consent.services.answer_from).
def _current_language() -> str:
    return supported(str(get_locale() or "")) or default_language()


def version_field(purpose: ConsentPurpose) -> HiddenField:
    """The version of the consent text the page showed (the current one when it was rendered)."""
    return HiddenField(default=lambda: texts.current_version(purpose))


def language_field() -> SelectField:
    # Not checked against the choices here: the service refuses a language the app is not offered in.
    return SelectField(_l("Language the consent text was read in"), choices=language_choices,
                       default=_current_language, validate_choice=False)


def reason_field() -> StringField:
    return StringField(_l("How the person agreed, when you record it for them"),
                       validators=[Optional(), Length(max=2000)],
                       description=_l("For example: in person at the desk, after the text was read out."))


def answer_of(form) -> dict:
    """The consent details of a form with the three fields above, for the registration services."""
    return {"consent_text_version": form.consent_text_version.data, "consent_language": form.consent_language.data,
            "consent_reason": form.consent_reason.data}
