"""Organization pages: directory, registration, detail, editing, verification, members."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from aidcoord.accounts.forms import ConfirmForm
from aidcoord.audit import services as audit
from aidcoord.common.forms import flash_error, show_service_errors
from aidcoord.common.permissions import ANYONE, SIGNED_IN, actor, allow
from aidcoord.errors import ValidationFailed
from aidcoord.organizations import forms, invitations, services
from aidcoord.organizations.models import OrganizationKind, Sector
from aidcoord.organizations.permissions import acts_for

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


@bp.route("")
@allow(ANYONE)
def directory():
    form = forms.DirectoryFilterForm(request.args)
    page_number = request.args.get("page", 1, type=int)
    filters = services.DirectoryFilters()
    if form.validate():
        filters = services.DirectoryFilters(
            sector=Sector(form.sector.data) if form.sector.data else None,
            kind=OrganizationKind(form.kind.data) if form.kind.data else None,
            region=form.region.data or None,
            verified=False if form.verified.data == "false" else None,
            search=form.q.data or None,
        )
    page = services.list_directory(actor(), filters, max(1, min(page_number, 100_000)))
    return render_template("organizations/directory.html", form=form, page=page)


@bp.route("/new", methods=["GET", "POST"])
@allow(SIGNED_IN)
def register():
    form = forms.OrganizationForm()
    if form.validate_on_submit():
        try:
            organization = services.apply_for_registration(actor(), form.service_data())
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("Thank you. A coordinator will verify the organization before it appears in the directory."),
                  "success")
            return redirect(url_for("organizations.detail", organization_id=organization.id))
    return render_template("organizations/form.html", form=form, organization=None)


@bp.route("/<id:organization_id>")
@allow(ANYONE)
def detail(organization_id):
    organization = services.get_organization(actor(), organization_id)
    can_edit = acts_for(actor(), organization.id)
    return render_template(
        "organizations/detail.html",
        organization=organization,
        can_edit=can_edit,
        members=services.shown_members(actor(), organization) if can_edit else [],
        invitations=invitations.shown_pending_of(actor(), organization) if can_edit else [],
        history=audit.history(services.ENTITY, organization.id) if can_edit else [],
        history_label=forms.history_label,
        verify_form=forms.VerifyForm(),
        reject_form=forms.RejectForm(),
        member_form=forms.AddMemberForm(),
        confirm_form=ConfirmForm(),
    )


@bp.route("/<id:organization_id>/edit", methods=["GET", "POST"])
@allow(SIGNED_IN)
def edit(organization_id):
    organization = services.get_editable_organization(actor(), organization_id)
    form = forms.OrganizationForm(obj=organization)
    if request.method == "GET":
        form.kind.data = organization.kind.value
        form.sectors.data = [sector.value for sector in organization.sectors]
        form.regions.data = list(organization.regions)
    if form.validate_on_submit():
        try:
            services.update_organization(actor(), organization, form.service_data())
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("The changes were saved."), "success")
            return redirect(url_for("organizations.detail", organization_id=organization.id))
    return render_template("organizations/form.html", form=form, organization=organization)


@bp.route("/<id:organization_id>/verify", methods=["POST"])
@allow(SIGNED_IN)
def verify(organization_id):
    organization = services.get_organization(actor(), organization_id)
    form = forms.VerifyForm()
    if form.validate_on_submit():
        services.verify_organization(actor(), organization, form.note.data)
        flash(_("The organization is verified and listed in the directory."), "success")
    return redirect(url_for("organizations.detail", organization_id=organization.id))


@bp.route("/<id:organization_id>/reject", methods=["POST"])
@allow(SIGNED_IN)
def reject(organization_id):
    organization = services.get_organization(actor(), organization_id)
    form = forms.RejectForm()
    if form.validate_on_submit():
        services.reject_organization(actor(), organization, form.reason.data or "")
        flash(_("The organization was rejected."), "success")
    else:
        flash(_("Give the reason for the rejection."), "error")
    return redirect(url_for("organizations.detail", organization_id=organization.id))


@bp.route("/<id:organization_id>/members", methods=["POST"])
@allow(SIGNED_IN)
def add_member(organization_id):
    """Invites the address: the same answer whether or not it has an account."""
    organization = services.get_editable_organization(actor(), organization_id)
    form = forms.AddMemberForm()
    if form.validate_on_submit():
        try:
            invitation = invitations.invite(actor(), organization, form.email.data or "")
        except (ValidationFailed, invitations.TooManyInvitations) as error:
            flash_error(error)
        else:
            flash(_("An invitation was sent to %(email)s. They become a member when they accept it.",
                    email=invitation.email), "success")
    return redirect(url_for("organizations.detail", organization_id=organization.id))


def account_section(user) -> dict:
    """What the account page shows of organizations: the person's own, and invitations waiting for an answer."""
    return {"organizations": services.organizations_of(user), "invitations": invitations.pending_for(user),
            "confirm_form": ConfirmForm()}


@bp.route("/invitations/<token>")
@allow(SIGNED_IN)
def invitation(token):
    """The page the e-mailed link opens (after logging in): the secret in it proves the mailbox is read."""
    return render_template("organizations/invitation.html", invitation=invitations.for_link(actor(), token),
                           token=token, confirm_form=ConfirmForm())


@bp.route("/invitations/<token>/<any(accept, decline):answer>", methods=["POST"])
@allow(SIGNED_IN)
def answer_invitation(token, answer):
    if ConfirmForm().validate_on_submit():
        if answer == "accept":
            membership = invitations.accept(actor(), token)
            flash(_("You are now a member of %(organization)s.", organization=membership.organization.name),
                  "success")
        else:
            invitations.decline(actor(), token)
            flash(_("The invitation was declined."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/<id:organization_id>/members/<id:user_id>/remove", methods=["POST"])
@allow(SIGNED_IN)
def remove_member(organization_id, user_id):
    organization = services.get_editable_organization(actor(), organization_id)
    if ConfirmForm().validate_on_submit():
        services.remove_member(actor(), organization, user_id)
        flash(_("The member was removed."), "success")
    return redirect(url_for("organizations.detail", organization_id=organization.id))
