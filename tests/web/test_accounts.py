import pytest

from conference.accounts.services import login_token, member_pin, reissue_credentials
from conference.extensions import db


def test_staff_login_and_logout(app, make):
    make.user(role="secretariat", username="mishu", password="secret-pass")
    client = app.test_client()
    r = client.post("/login", data={"staff-username": "mishu", "staff-password": "wrong", "staff-submit": "1"})
    assert r.status_code == 401 and "用户名或密码错误" in r.get_data(as_text=True)
    r = client.post("/login", data={"staff-username": "mishu", "staff-password": "secret-pass", "staff-submit": "1"})
    assert r.status_code == 302
    assert client.get("/meetings/").status_code == 200
    client.post("/logout")
    assert client.get("/meetings/").status_code == 302


def test_member_pin_and_token_login_and_revocation(app, make):
    member = make.member(name="田富")
    pin, token = member_pin(member), login_token(member)
    client = app.test_client()
    r = client.post("/login", data={"member-member_no": member.member_no, "member-pin": "000000" if pin != "000000" else "111111",
                                    "member-submit": "1"})
    assert r.status_code == 401
    r = client.post("/login", data={"member-member_no": member.member_no, "member-pin": pin, "member-submit": "1"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/me/")
    assert "田富" in client.get("/me/").get_data(as_text=True)

    phone = app.test_client()
    assert phone.get(f"/t/{token}").status_code == 302
    reissue_credentials(member)
    db.session.commit()
    # the old pass no longer logs in, and existing sessions are logged out
    r = app.test_client().get(f"/t/{token}")
    assert r.status_code == 401 and "证件已补办，旧证失效" in r.get_data(as_text=True)
    assert phone.get("/me/").status_code == 302
    assert app.test_client().get(f"/t/{login_token(member)}").status_code == 302


@pytest.mark.parametrize("path", ["/meetings/", "/admin/users"])
def test_roles_are_checked(app, make, login_as, path):
    client = app.test_client()
    assert client.get(path).status_code == 302  # to the login page
    login_as(client, "checkin")
    assert client.get(path).status_code == 403
    delegate = app.test_client()
    login_as(delegate, make.member())
    assert delegate.get(path).status_code == 403


def test_csrf_is_enforced_when_enabled(app, make, login_as):
    client = app.test_client()
    login_as(client, "secretariat")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        r = client.post("/meetings/new", data={"title": "x", "starts_on": "2026-01-01", "ends_on": "2026-01-02"})
        assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_create_staff_account_from_ui(staff_client):
    r = staff_client.post("/admin/users", data={"username": "zhuchi2", "display_name": "主持人", "role": "presider",
                                                "password": "long-enough"}, follow_redirects=True)
    assert "已创建账号 zhuchi2" in r.get_data(as_text=True)
    r = staff_client.post("/admin/users", data={"username": "zhuchi2", "display_name": "主持人", "role": "presider",
                                                "password": "long-enough"}, follow_redirects=True)
    assert "已存在" in r.get_data(as_text=True)


def test_socket_connect_requires_login(app, make, login_as, socket_client):
    anonymous = socket_client(app.test_client())
    assert not anonymous.is_connected()
    client = app.test_client()
    login_as(client, make.member())
    sc = socket_client(client)
    assert sc.is_connected()
    ack = sc.emit("sitting:join", {"sitting_id": 3}, callback=True)
    assert ack == {"ok": True, "room": "sitting:3"}


def test_login_attempts_are_limited_per_account_not_per_address(tmp_path, monkeypatch):
    from config import TestingConfig
    from conference import create_app
    from conference.extensions import limiter
    from conference.registration.models import Member

    class Cfg(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'limits.db'}"
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"

    limited = create_app(Cfg)  # the limiter is one shared object: on for this app and test only
    monkeypatch.setattr(limiter, "enabled", True)
    limiter.reset()
    try:
        with limited.app_context():
            db.create_all()
            member, other = Member(member_no="L001", name="丁一"), Member(member_no="L002", name="王二")
            db.session.add_all([member, other])
            db.session.commit()
            other_pin = member_pin(other)
        client = limited.test_client()
        codes = [client.post("/login", data={"member-member_no": "L001", "member-pin": "000000",
                                             "member-submit": "1"}).status_code for _ in range(12)]
        assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]  # guessing one PIN is stopped
        # another delegate behind the same address (one NAT at the venue) still logs in
        r = client.post("/login", data={"member-member_no": "L002", "member-pin": other_pin, "member-submit": "1"})
        assert r.status_code == 302
    finally:
        limiter.reset()
        with limited.app_context():
            db.session.remove()
            db.engine.dispose()


def test_socket_events_of_a_reissued_or_deactivated_pass_are_refused(app, make, login_as, socket_client, monkeypatch):
    """A delegate's socket is authenticated once at connect, then each event checks the credential version against
    a per-process snapshot: a pass reissued in this process is refused at once, one reissued elsewhere (a plain
    UPDATE here, like another worker) within MEMBER_CREDENTIAL_TTL; a deactivated member likewise."""
    import time

    from conference.registration.models import Member

    monkeypatch.setitem(app.config, "MEMBER_CREDENTIAL_TTL", 0.3)
    sitting = make.sitting()
    a, b, c = make.members(3)

    def join(sc):
        return sc.emit("sitting:join", {"sitting_id": sitting.id}, callback=True)

    phones = {}
    for m in (a, b, c):
        client = app.test_client()
        login_as(client, m)
        phones[m.id] = socket_client(client)
        assert join(phones[m.id])["ok"]

    reissue_credentials(a)  # this process: refused at once
    db.session.commit()
    assert join(phones[a.id])["error"] == "unauthorized"
    assert not phones[a.id].is_connected()

    # another process bumps the version / deactivates: accepted from the snapshot until it expires, then refused
    db.session.execute(db.update(Member).where(Member.id == b.id).values(credential_version=Member.credential_version + 1))
    db.session.execute(db.update(Member).where(Member.id == c.id).values(active=False))
    db.session.commit()
    time.sleep(0.35)
    assert join(phones[b.id])["error"] == "unauthorized"
    assert join(phones[c.id])["error"] == "unauthorized"

    # a new pass of the same member connects and works (the snapshot does not refuse a version it has not seen)
    db.session.expire_all()
    fresh = app.test_client()
    login_as(fresh, db.session.get(Member, a.id))
    assert join(socket_client(fresh))["ok"]
