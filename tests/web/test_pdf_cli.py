"""Every meeting document is reachable from the command line: ``flask pdf <kind> --param key=ID -o FILE``."""
import pytest
from pypdf import PdfReader

from conference.extensions import db


@pytest.fixture
def demo(ctx):
    from conference.demo import load_demo
    from conference.voting import services as voting

    demo = load_demo(member_count=40, attendee_count=2)
    db.session.commit()
    plenary = demo.sittings[0]
    from conference.checkin import services as checkin

    for member in demo.members[:5]:
        checkin.manual_checkin(plenary.id, member.id, reason="测试补签", actor=checkin.Actor(name="测试"))
    db.session.commit()
    vote = voting.create_motion(plenary, title="关于命令行打印的决议")
    db.session.commit()
    voting.open_vote(vote.id)
    voting.close_vote(vote.id)
    db.session.commit()
    from conference.consult.models import Topic

    topic = db.session.scalar(db.select(Topic).order_by(Topic.id))
    return demo, plenary, vote, topic


def _text(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_each_document_kind_prints_from_the_cli(app, demo, tmp_path):
    ctx, plenary, vote, topic = demo
    meeting = ctx.meeting
    cases = [
        ("agenda", f"meeting_id={meeting.id}", "议程"),
        ("schedule", f"meeting_id={meeting.id}", "日程"),
        ("handbook", f"meeting_id={meeting.id}", meeting.title[:6]),
        ("seating_chart", f"sitting_id={plenary.id}", "座次"),
        ("signin", f"sitting_id={plenary.id}", "签到"),
        ("attendance", f"sitting_id={plenary.id}", "应到"),
        ("vote_result", f"vote_id={vote.id}", "关于命令行打印的决议"),
        ("consult_report", f"topic_id={topic.id}", topic.title[:6]),
    ]
    runner = app.test_cli_runner()
    for kind, param, expected in cases:
        out = tmp_path / f"{kind}.pdf"
        result = runner.invoke(args=["pdf", kind, "--param", param, "-o", str(out)])
        assert result.exit_code == 0, (kind, result.output)
        assert expected in _text(out).replace(" ", ""), kind


def test_bad_parameters_are_refused(app, demo, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["pdf", "signin", "--param", "sitting_id=99999", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "找不到该会次" in result.output
    result = runner.invoke(args=["pdf", "vote_result", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "vote_id" in result.output
