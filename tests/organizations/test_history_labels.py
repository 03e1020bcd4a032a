"""An organization's history names the fields that changed by the form's labels, in the reader's language, not by
their column names."""
import pytest

from aidcoord.organizations import services as organizations
from tests.catalog_tools import translation
from tests.factories import UserFactory

LABELS = ("Country of registration", "Regions served", "Public contact email")


@pytest.mark.parametrize("language", ["hy", "ru"])
def test_an_organizations_history_names_fields_by_their_labels(pages, language):
    applicant = UserFactory()
    organization = organizations.apply_for_registration(applicant, {
        "name": "Goris Aid", "kind": "ngo", "country": "AM", "regions": ["AM-SU"], "sectors": ["shelter"]})
    pages.login(applicant.email)
    text = pages.client.get(f"/organizations/{organization.id}", headers={"Accept-Language": language}).get_data(
        as_text=True)
    history = text[text.index('class="history"'):]
    for label in LABELS:
        assert translation(language, label) in history
    assert "country" not in history and "contact_email" not in history and "verification_state" not in history
