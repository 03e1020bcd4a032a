"""JSON API for the caller's own account and API tokens."""
from flask_login import current_user

from aidcoord.accounts import services
from aidcoord.accounts.schemas import NewTokenSchema, TokenInputSchema, TokenSchema, UserSchema, UserUpdateSchema
from aidcoord.common.api import Blueprint
from aidcoord.common.pagination import ListPager
from aidcoord.common.permissions import SIGNED_IN, allow

blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1/me", description="The caller's account and API tokens.")


@blp.route("")
@allow(SIGNED_IN)
@blp.response(200, UserSchema)
def me():
    """The caller's own account.

    Name, e-mail address, roles and preferred language of whoever the token (or session) belongs to."""
    return current_user


@blp.route("", methods=["PATCH"])
@allow(SIGNED_IN)
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
def update_me(data):
    """Change the caller's preferred language (pages, e-mails and notifications to them) and how notifications
    reach them (preferred channel, phone for SMS)."""
    if "preferred_language" in data:
        services.set_preferred_language(current_user, data["preferred_language"])
    if "preferred_channel" in data or "phone" in data:
        services.set_contact_preferences(current_user, data.get("preferred_channel"), data.get("phone"))
    return current_user


@blp.route("/tokens")
@allow(SIGNED_IN)
@blp.response(200, TokenSchema(many=True))
@blp.paginate(ListPager)
def list_tokens():
    """The caller's API tokens.

    Name, creation and last use of each; the tokens themselves are never shown again."""
    return services.list_api_tokens(current_user)


@blp.route("/tokens", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(TokenInputSchema)
@blp.response(201, NewTokenSchema)
def create_token(data):
    """Create a personal access token; the response is the only time the token is shown."""
    token, plain = services.create_api_token(current_user, data["name"])
    return {**{name: getattr(token, name) for name in TokenSchema().fields}, "token": plain}


@blp.route("/tokens/<id:token_id>", methods=["DELETE"])
@allow(SIGNED_IN)
@blp.response(204)
def revoke_token(token_id):
    """Revoke one of the caller's API tokens.

    It stops working at once; another person's token is not found (404)."""
    services.revoke_api_token(current_user, token_id)
