"""The operator's CLI for accounts."""
from aidcoord.accounts import services
from aidcoord.accounts.models import Role


def test_users_create_makes_an_admin(app):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "Root@Example.org", "--role", "admin", "--role", "coordinator",
        "--password", "a long admin password",
    ])
    assert result.exit_code == 0, result.output
    user = services.find_user_by_email("root@example.org")
    assert user.roles == {Role.ADMIN, Role.COORDINATOR}


def test_users_create_reports_bad_input_without_traceback(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "nope", "--password", "a long password"])
    assert result.exit_code != 0 and "valid email" in result.output and "Traceback" not in result.output


def test_grant_revoke_and_deactivate(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "--email", "c@example.org", "--password", "a long password"])
    assert runner.invoke(args=["users", "grant", "--email", "c@example.org", "--role", "coordinator"]).exit_code == 0
    assert services.find_user_by_email("c@example.org").has_role(Role.COORDINATOR)
    assert runner.invoke(args=["users", "revoke", "--email", "c@example.org", "--role", "coordinator"]).exit_code == 0
    assert not services.find_user_by_email("c@example.org").has_role(Role.COORDINATOR)
    assert runner.invoke(args=["users", "deactivate", "--email", "c@example.org", "--reason", "left"]).exit_code == 0
    assert not services.find_user_by_email("c@example.org").active
    assert "c@example.org" in runner.invoke(args=["users", "list"]).output
