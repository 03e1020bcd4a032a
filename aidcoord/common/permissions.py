"""The one place where role checks live for views and API endpoints."""
from functools import wraps

from flask_login import current_user, login_required

from aidcoord.errors import PermissionDenied


def roles_required(*roles):
    """Allow the endpoint to logged-in users holding any of `roles` (401/redirect if anonymous, else 403)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.has_role(*roles):
                raise PermissionDenied()
            return view(*args, **kwargs)
        return wrapper
    return decorator


def actor():
    """The current user, or None when anonymous: what services take as `actor`."""
    return current_user if current_user.is_authenticated else None
