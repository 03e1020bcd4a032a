"""WTForms' own messages ("This field is required.", "Not a valid date value.") in the reader's language.

WTForms ships catalogs for many languages, Russian among them, but not Armenian: where WTForms has no
translation of a message, ours is used. Its messages are listed below so that they are extracted into our
catalogs like every other string; the listing is never run.
"""
from flask_babel import get_translations, ngettext
from flask_babel import gettext as _
from flask_wtf.i18n import translations as wtforms_translations


class FormTranslations:
    """What Flask-WTF forms use for WTForms' messages: WTForms' catalog first, then ours."""

    def gettext(self, string: str) -> str:
        translated = wtforms_translations.gettext(string)
        if translated != string:
            return translated
        ours = get_translations()
        return ours.ugettext(string) if ours is not None else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        translated = wtforms_translations.ngettext(singular, plural, n)
        if translated not in (singular, plural):
            return translated
        ours = get_translations()
        return ours.ungettext(singular, plural, n) if ours is not None else translated


FORM_TRANSLATIONS = FormTranslations()


def _extracted_only() -> None:  # pragma: no cover - read by pybabel extract, never called
    _("This field is required.")
    _("Invalid input.")
    _("Invalid email address.")
    _("Invalid URL.")
    _("Not a valid choice.")
    _("Invalid Choice: could not coerce.")
    _("Invalid choice(s): one or more data inputs could not be coerced.")
    _("Not a valid datetime value.")
    _("Not a valid date value.")
    _("Not a valid time value.")
    _("Not a valid integer value.")
    _("Not a valid decimal value.")
    _("Not a valid float value.")
    _("Field must be equal to %(other_name)s.")
    _("Field must be between %(min)d and %(max)d characters long.")
    _("Number must be at least %(min)s.")
    _("Number must be at most %(max)s.")
    _("Number must be between %(min)s and %(max)s.")
    _("Invalid value, must be one of: %(values)s.")
    ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1)
    ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1)
    ngettext("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1)
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field.", 1)
