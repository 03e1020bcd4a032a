"""Error messages built from an uploaded CSV (its header, its cells) are escaped on the check page: flask_babel's
lazy strings would otherwise pass through Jinja as trusted markup."""
import io

from tests.factories import OrganizationFactory, UserFactory
from tests.housing.test_imports import SOON


def test_errors_built_from_uploaded_content_are_escaped_on_the_import_page(app, pages):
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    pages.login(member.email)
    header = "external_ref,region,locality,address,beds,whole_dwelling,available_from,languages,pets_accepted"
    upload = f"{header},<b>zq</b>\nH-1,AM-SU,Goris,1 Main St,4,no,{SOON},<b>zq</b>,yes,x\n"
    page = pages.post(f"/housing/import/offers?organization_id={organization.id}",
                      data={"file": (io.BytesIO(upload.encode()), "offers.csv")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "&lt;b&gt;zq&lt;/b&gt;" in page and "<b>zq" not in page

    cell_only = f"{header}\nH-1,AM-SU,Goris,1 Main St,4,no,{SOON},<b>zq</b>,yes\n"
    page = pages.post(f"/housing/import/offers?organization_id={organization.id}",
                      data={"file": (io.BytesIO(cell_only.encode()), "offers.csv")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "&lt;b&gt;zq&lt;/b&gt;" in page and "<b>zq" not in page
