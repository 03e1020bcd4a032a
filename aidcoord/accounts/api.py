"""JSON API for the caller's own account and API tokens."""
from flask_login import current_user

from aidcoord.accounts import services
from aidcoord.accounts.schemas import NewTokenSchema, TokenInputSchema, TokenSchema, UserSchema, UserUpdateSchema
from aidcoord.common.api import Blueprint
from aidcoord.common.permissions import SIGNED_IN, allow

blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1/me", description="The caller's account and API tokens.")


@blp.route("")
@allow(SIGNED_IN)
@blp.response(200, UserSchema)
def me():
    return current_user


@blp.route("", methods=["PATCH"])
@allow(SIGNED_IN)
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
def update_me(data):
    """Change the caller's preferred language (pages, e-mails and notifications to them)."""
    services.set_preferred_language(current_user, data["preferred_language"])
    return current_user


@blp.route("/tokens")
@allow(SIGNED_IN)
@blp.response(200, TokenSchema(many=True))
def list_tokens():
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
    services.revoke_api_token(current_user, token_id)
