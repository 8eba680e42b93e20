"""The venue mode: HTTPS with the self-signed certificate that `./scripts/run --lan` makes. Phones refuse the
camera on plain http, so the station and delegate pages must work over it (secure context, live socket)."""
import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, LiveServer, staff_login

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lan")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run([sys.executable, "scripts/make_cert.py", str(cert), str(key)], cwd=ROOT, check=True)
    server = LiveServer(tmp, env={"E2E_CERT": str(cert), "E2E_KEY": str(key)}).start()
    yield server
    server.stop()


def test_certificate_names_the_machine(https_server, tmp_path_factory):
    from cryptography import x509

    cert = x509.load_pem_x509_certificate((https_server.tmp / "cert.pem").read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "127.0.0.1" in [str(ip) for ip in names.get_values_for_type(x509.IPAddress)]


def test_station_and_delegate_pages_over_https(https_server, browser):
    context = browser.new_context(ignore_https_errors=True, locale="zh-CN")
    page = context.new_page()
    assert https_server.url.startswith("https://")
    staff_login(page, https_server.url, "qiandao")
    page.goto(f"{https_server.url}/checkin/sittings/1/station")
    assert page.evaluate("window.isSecureContext") is True
    assert page.evaluate("!!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)") is True
    context.close()

    phone = browser.new_context(ignore_https_errors=True, locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True)
    me = phone.new_page()
    with https_server.app_context():
        from conference.accounts.services import login_token
        from conference.extensions import db
        from conference.registration.models import Member

        member = db.session.scalar(db.select(Member).order_by(Member.id))
        token, name = login_token(member), member.name
    me.goto(f"{https_server.url}/t/{token}")
    me.wait_for_url("**/me/")
    assert name in me.content()
    assert me.evaluate("window.isSecureContext") is True
    # the live channel connects over wss
    me.wait_for_function("document.getElementById('conn-state').textContent === '● 实时'", timeout=15000)
    phone.close()
