"""Every route checks the role: a table of all routes against anonymous visitors, delegates and staff."""
import pytest

from conference.accounts.roles import Role, allowed

PUBLIC = {"main.index", "ops.healthz", "ops.readyz", "accounts.login", "accounts.token_login", "consult.public",
          "static"}
LOGIN_ONLY = {"accounts.logout"}


def _sample(converter):
    name = type(converter).__name__
    if name == "IntegerConverter":
        return 1
    if name == "AnyConverter":
        return next(iter(converter.items))
    return "x"


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint in LOGIN_ONLY:
            continue
        values = {arg: _sample(rule._converters[arg]) for arg in rule.arguments}
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        yield rule.endpoint, method, values


def test_every_non_public_route_declares_its_roles(app):
    missing = [rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint not in PUBLIC | LOGIN_ONLY
               and not getattr(app.view_functions[rule.endpoint], "required_roles", None)]
    assert missing == []


def test_anonymous_visitors_are_sent_to_login(app):
    client = app.test_client()
    with app.test_request_context():
        from flask import url_for
        for endpoint, method, values in _routes(app):
            response = client.open(url_for(endpoint, **values), method=method)
            assert response.status_code in (302, 401), (endpoint, response.status_code)
            if response.status_code == 302:
                assert "/login" in response.headers["Location"], endpoint


@pytest.mark.parametrize("who", [Role.DELEGATE, Role.CHECKIN, Role.SCREEN, Role.PRESIDER])
def test_each_role_is_refused_where_it_does_not_belong(app, make, login_as, who):
    client = app.test_client()
    login_as(client, make.member() if who == Role.DELEGATE else who.value)
    refused = allowed_count = 0
    with app.test_request_context():
        from flask import url_for
        for endpoint, method, values in _routes(app):
            roles = app.view_functions[endpoint].required_roles
            if allowed(who, roles):
                allowed_count += 1
                continue
            response = client.open(url_for(endpoint, **values), method=method)
            assert response.status_code == 403, (who, endpoint, response.status_code)
            refused += 1
    assert refused > 0 and allowed_count > 0
