import logging


def test_health_and_ready(client):
    assert client.get("/healthz").get_json() == {"ok": True}
    body = client.get("/readyz").get_json()
    assert body["database"]["ok"] is True


def test_ready_reports_redis_down_but_stays_up(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        r = client.get("/readyz")
        body = r.get_json()
        assert r.status_code == 200 and body["ok"] is False
        assert body["redis"]["ok"] is False and body["database"]["ok"] is True
    finally:
        app.config["REDIS_URL"] = None


def test_request_id_in_header_and_log(app, client, caplog):
    from conference.logging_setup import KeyValueFormatter, RequestIdFilter

    with caplog.at_level(logging.INFO, logger="conference.access"):
        r = client.get("/healthz", headers={"X-Request-ID": "abc123"})
    assert r.headers["X-Request-ID"] == "abc123"
    access = [rec for rec in caplog.records if rec.name == "conference.access"]
    assert access and access[-1].fields["path"] == "/healthz" and access[-1].fields["status"] == 200
    with app.test_request_context("/x", headers={"X-Request-ID": "rid-9"}):
        app.preprocess_request()
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "签到 完成", None, None)
        RequestIdFilter().filter(record)
        line = KeyValueFormatter().format(record)
    assert "rid=rid-9" in line and 'msg="签到 完成"' in line


def test_audit_page_lists_entries_for_secretariat_only(app, staff_client, login_as, make):
    from conference.audit.services import record
    from conference.extensions import db

    record("seating.move", "sitting:1", {"member": 5}, actor="system")
    db.session.commit()
    page = staff_client.get("/ops/audit").get_data(as_text=True)
    assert "seating.move" in page and "sitting:1" in page
    other = app.test_client()
    login_as(other, "checkin")
    assert other.get("/ops/audit").status_code == 403
