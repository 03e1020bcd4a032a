"""Account pages: register, log in, log out, account (password, tokens, and what other slices add to it)."""
from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_login import current_user, login_user, logout_user
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; stubs lag

from aidcoord.accounts import forms, lockout, services
from aidcoord.accounts.models import User
from aidcoord.common.forms import show_service_errors
from aidcoord.common.locale import cookie_name, language_choices, set_language_cookie, supported
from aidcoord.common.permissions import ANYONE, SIGNED_IN, allow
from aidcoord.common.sections import PageSections
from aidcoord.common.web import is_safe_redirect_target
from aidcoord.errors import ValidationFailed
from aidcoord.extensions import csrf, limiter

bp = Blueprint("accounts", __name__)

# What slices above accounts show on a person's account page (their organizations, their housing request):
# accounts never imports them; the app factory adds them here.
account_sections: PageSections[User] = PageSections()


@bp.route("/register", methods=["GET", "POST"])
@allow(ANYONE)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def register():
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            # Required fields: validate_on_submit() has checked that they hold text.
            user = services.register_user(form.email.data or "", form.name.data or "", form.password.data or "",
                                          form.roles.data, language=str(get_locale()))
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            login_user(user)
            flash(_("Welcome, your account is ready."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/register.html", form=form)


def _login_account_key() -> str:
    return "login-account:" + lockout.attempt_key(request.form.get("email", ""))


def _login_failed(response: Response) -> bool:
    """A refused log-in re-renders the form; a successful one redirects and is not counted against the account."""
    return response.status_code != 302


def _account_locked_out(breach: RequestLimit) -> None:
    """The account's limit tripped: its owner hears of it once per lockout window, through the same storage
    that counts (so every worker agrees); the requester's answer is the same 429 whether or not it exists."""
    item = breach.limit
    once = type(item)(1, item.multiples)
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    if limiter.limiter.hit(once, *([prefix] if prefix else []), "login-lockout-notice", _login_account_key()):
        lockout.queue_lockout_notice(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@allow(ANYONE)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], methods=["POST"], key_func=_login_account_key,
               deduct_when=_login_failed, on_breach=_account_locked_out)
def login():
    form = forms.LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.form_errors.append(_("Wrong email or password, or the account is deactivated."))
        else:
            login_user(user)
            chosen = supported(request.cookies.get(cookie_name()))
            if user.preferred_language is None and chosen:  # the picker's choice made before logging in is kept
                services.set_preferred_language(user, chosen)
            flash(_("You are logged in."), "success")
            target = form.next.data
            response = redirect(target if is_safe_redirect_target(target) else url_for("main.home"))
            if user.preferred_language:  # after logging out, the pages stay in the account's language
                set_language_cookie(response, user.preferred_language)
            return response
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@allow(SIGNED_IN)
def logout():
    """Ends this session and every other session of the user (copied cookies included)."""
    services.end_all_sessions(current_user)
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.home"))


def _language_form(form: forms.LanguageForm | None = None) -> forms.LanguageForm:
    form = form or forms.LanguageForm(preferred_language=current_user.preferred_language or str(get_locale()))
    form.preferred_language.choices = [SelectChoice(code, name, render_kw={"lang": code})
                                       for code, name in language_choices()]
    return form


def _account_page(status=200, *, password_form=None, token_form=None, new_token=None, language_form=None):
    page = render_template(
        "accounts/account.html",
        language_form=_language_form(language_form),
        password_form=password_form or forms.ChangePasswordForm(),
        token_form=token_form or forms.CreateTokenForm(),
        confirm_form=forms.ConfirmForm(),
        tokens=services.list_api_tokens(current_user),
        sections=account_sections.render(current_user),
        new_token=new_token,
    )
    return page, status


@bp.route("/account")
@allow(SIGNED_IN)
def account():
    return _account_page()


@bp.route("/account/language", methods=["POST"])
@allow(SIGNED_IN)
def save_language():
    form = _language_form(forms.LanguageForm())
    if form.validate_on_submit():
        try:
            services.set_preferred_language(current_user, form.preferred_language.data or "")
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            with force_locale(current_user.preferred_language):  # confirmed in the language just chosen
                flash(_("Pages and messages will be in this language."), "success")
            response = redirect(url_for("accounts.account"))
            set_language_cookie(response, current_user.preferred_language)
            return response
    return _account_page(422, language_form=form)


@bp.route("/language", methods=["POST"])
@allow(ANYONE)
@csrf.exempt  # anyone may switch the language of the pages they read; an account is changed only with the token
def choose_language():
    """The language picker on every page: a cookie for anyone, and the account's preference when signed in."""
    target = request.form.get("next")
    response = redirect(target if is_safe_redirect_target(target) else url_for("main.home"))
    language = supported(request.form.get("language"))
    if language is None:
        return response
    if current_user.is_authenticated:
        csrf.protect()
        services.set_preferred_language(current_user, language)
    set_language_cookie(response, language)
    return response


def _password_change_key() -> str:
    return f"password-change:{current_user.id}"


def _wrong_current_password(_response: Response) -> bool:
    return bool(g.get("wrong_current_password"))


@bp.route("/account/password", methods=["POST"])
@allow(SIGNED_IN)
# Guesses of the current password (from a session left open, say) are limited per account, as log-ins are;
# only wrong current passwords count, not a new password refused as too weak.
@limiter.limit(lambda: current_app.config["REAUTHENTICATION_RATE_LIMIT"], key_func=_password_change_key,
               deduct_when=_wrong_current_password)
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data or "", form.new_password.data or "")
        except ValidationFailed as error:
            g.wrong_current_password = "current_password" in (error.fields or {})
            show_service_errors(form, error)
        else:
            # This session continues under the new session version. The user itself, not the proxy: a proxy
            # stored as the request's user would resolve to itself for ever.
            login_user(current_user._get_current_object())
            flash(_("Your password was changed; other sessions were logged out."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(422, password_form=form)


@bp.route("/account/tokens", methods=["POST"])
@allow(SIGNED_IN)
def create_token():
    form = forms.CreateTokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            _token, new_token = services.create_api_token(current_user, form.name.data or "")
        except ValidationFailed as error:
            show_service_errors(form, error)
    return _account_page(201 if new_token else 422, token_form=form, new_token=new_token)


@bp.route("/account/tokens/<id:token_id>/revoke", methods=["POST"])
@allow(SIGNED_IN)
def revoke_token(token_id):
    if forms.ConfirmForm().validate_on_submit():
        services.revoke_api_token(current_user, token_id)
        flash(_("The token was revoked."), "success")
    return redirect(url_for("accounts.account"))
