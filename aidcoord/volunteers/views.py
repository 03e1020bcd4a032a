"""Volunteer pages: open shifts near me, my shifts, my profile, posting shifts, an organization's roster."""
from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aidcoord.accounts.forms import ConfirmForm
from aidcoord.accounts.models import Role
from aidcoord.common.forms import flash_error, show_service_errors
from aidcoord.common.permissions import ANYONE, SIGNED_IN, STAFF, actor, allow, has_role
from aidcoord.errors import DomainError, ValidationFailed
from aidcoord.matching.services import CapacityInUse
from aidcoord.organizations import services as organizations
from aidcoord.organizations.permissions import acts_for
from aidcoord.volunteers import forms, services
from aidcoord.volunteers.models import skill_names

bp = Blueprint("volunteers", __name__, url_prefix="/volunteers")


@bp.route("/shifts")
@allow(ANYONE)
def open_shifts():
    form = forms.ShiftFilterForm(request.args)
    filters = services.ShiftFilters()
    if form.validate():
        day = datetime.combine(form.day.data, datetime.min.time(), tzinfo=UTC) if form.day.data else None
        filters = services.ShiftFilters(region=form.region.data or None, day=day, skill=form.skill.data or None)
    return render_template("volunteers/shifts.html", form=form, shifts=services.open_shifts(filters))


@bp.route("/shifts/<id:shift_id>")
@allow(ANYONE)
def shift_detail(shift_id):
    return _shift_page(services.get_shift(shift_id))


def _shift_page(shift, slots_form=None, status: int = 200):
    can_manage = acts_for(actor(), shift.organization_id)
    mine = next((e for e in services.my_shifts(current_user) if e.shift_id == shift.id), None) \
        if current_user.is_authenticated else None
    return render_template("volunteers/shift.html", shift=shift, mine=mine, confirm_form=ConfirmForm(),
                           skill_names=skill_names,
                           roster=services.roster(actor(), shift) if can_manage else [], can_manage=can_manage,
                           attendance_form=forms.AttendanceForm(),
                           slots_form=slots_form or forms.SlotsForm(slots=shift.slots)), status


@bp.route("/shifts/<id:shift_id>/slots", methods=["POST"])
@allow(SIGNED_IN)
def change_slots(shift_id):
    """Fewer places than volunteers signed up: the shift page again, the numbers on the field, with 409."""
    shift = services.get_shift(shift_id)
    form = forms.SlotsForm()
    if not form.validate_on_submit():
        return _shift_page(shift, form, 422)
    try:
        services.change_slots(actor(), shift, form.slots.data)
    except (ValidationFailed, CapacityInUse) as error:
        show_service_errors(form, error)
        return _shift_page(services.get_shift(shift_id), form, error.status)
    flash(_("The number of places is changed."), "success")
    return redirect(url_for("volunteers.shift_detail", shift_id=shift_id))


@bp.route("/shifts/<id:shift_id>/sign-up", methods=["POST"])
@allow(has_role(Role.VOLUNTEER))
def sign_up(shift_id):
    if ConfirmForm().validate_on_submit():
        try:
            services.sign_up(current_user, services.get_shift(shift_id))
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("You are signed up. Thank you!"), "success")
    return redirect(url_for("volunteers.shift_detail", shift_id=shift_id))


@bp.route("/sign-ups/<id:sign_up_id>/cancel", methods=["POST"])
@allow(SIGNED_IN)
def cancel(sign_up_id):
    entry = services.get_sign_up(sign_up_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.cancel_sign_up(current_user, entry)
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("Your sign-up is cancelled."), "success")
    return redirect(url_for("volunteers.shift_detail", shift_id=entry.shift_id))


@bp.route("/sign-ups/<id:sign_up_id>/attendance", methods=["POST"])
@allow(SIGNED_IN)
def attendance(sign_up_id):
    entry = services.get_sign_up(sign_up_id)
    form = forms.AttendanceForm()
    if form.validate_on_submit():
        try:
            services.mark_attendance(actor(), entry, form.attended.data, form.hours.data)
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("Recorded."), "success")
    return redirect(url_for("volunteers.shift_detail", shift_id=entry.shift_id))


@bp.route("/me", methods=["GET", "POST"])
@allow(SIGNED_IN)
def my_page():
    profile = services.profile_of(current_user)
    form = forms.ProfileForm(obj=None)
    if request.method == "GET" and profile is not None:
        form.skills.data, form.languages.data = list(profile.skills), list(profile.languages)
        form.regions.data, form.availability.data = list(profile.regions), profile.availability
    if form.validate_on_submit():
        try:
            services.save_profile(current_user, {name: getattr(form, name).data
                                                 for name in ("skills", "languages", "regions", "availability")})
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("volunteers.my_page"))
    return render_template("volunteers/me.html", form=form, profile=profile, sign_ups=services.my_shifts(current_user),
                           hours=sum((e.hours or 0) for e in services.my_shifts(current_user)))


@bp.route("/organizations/<id:organization_id>")
@allow(SIGNED_IN)
def organization_page(organization_id):
    """An organization's shifts and the hours its volunteers gave (members and coordinators)."""
    organization = organizations.get_editable_organization(actor(), organization_id)
    hours = services.organization_hours(actor(), organization)
    return render_template("volunteers/organization.html", organization=organization, hours=hours,
                           total=sum(h for _v, h in hours), shifts=services.organization_shifts(actor(), organization))


@bp.route("/hours")
@allow(STAFF)
def hours_page():
    return render_template("volunteers/hours.html", rows=services.hours_by_organization(actor()))


@bp.route("/organizations/<id:organization_id>/shifts/new", methods=["GET", "POST"])
@allow(SIGNED_IN)
def post_shift(organization_id):
    organization = organizations.get_editable_organization(actor(), organization_id)
    form = forms.ShiftForm()
    if form.validate_on_submit():
        try:
            shift = services.post_shift(actor(), organization, form.service_data())
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("The shift is posted."), "success")
            return redirect(url_for("volunteers.shift_detail", shift_id=shift.id))
    return render_template("volunteers/shift_form.html", form=form, organization=organization)
