from conference import realtime
from conference.extensions import db
from conference.registration.models import Sector


def test_emit_only_after_commit(app, make, login_as, socket_client):
    client = app.test_client()
    login_as(client, "secretariat")
    sc = socket_client(client)
    sc.get_received()
    with app.app_context():
        db.session.add(Sector(name="甲", position=1))
        realtime.emit("test:event", {"n": 1}, room="staff")
        assert sc.get_received() == []  # nothing before the commit
        db.session.rollback()
        assert sc.get_received() == []  # and nothing after a rollback
        db.session.add(Sector(name="乙", position=2))
        realtime.emit("test:event", {"n": 2}, room="staff")
        db.session.commit()
    received = [m for m in sc.get_received() if m["name"] == "test:event"]
    assert [m["args"][0] for m in received] == [{"n": 2}]


def test_throttle_coalesces(app):
    calls = []
    with app.app_context():
        for _ in range(100):
            realtime.throttle.touch("k", lambda: calls.append(1))
    assert realtime.throttle.flush() == 1 and calls == [1]
    assert realtime.throttle.flush() == 0


def test_redis_down_degrades_to_local_delivery():
    from conference.realtime import ResilientRedisManager
    from tests.services import require_redis

    down = ResilientRedisManager("redis://127.0.0.1:1/0", channel="t-down", write_only=True)
    delivered = []
    down._handle_emit = delivered.append
    message = {"method": "emit", "event": "checkin:board", "data": [{"present": 1}], "namespace": "/", "room": "x"}
    down._publish(message)
    assert down.degraded and delivered == [message]

    up = ResilientRedisManager(require_redis(), channel="t-up", write_only=True)
    up._handle_emit = delivered.append
    assert up._publish(message) is not None
    assert not up.degraded and len(delivered) == 1
