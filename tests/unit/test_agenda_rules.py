"""Pure rules of the agenda domain: audiences (who sees what), agenda version diffs, upload sniffing and names."""
import pytest

from conference.agenda import audience as aud
from conference.agenda import files, versions

P = aud.Person
CHAIR = P(1, "委员", "主席", sector_id=10, group_id=100)
STANDING = P(2, "委员", "常委", sector_id=11, group_id=101)
MEMBER = P(3, "委员", "委员", sector_id=10, group_id=101)
ATTENDEE = P(4, "列席", "委员", sector_id=10, group_id=None)
INACTIVE = P(5, "委员", "委员", sector_id=10, group_id=100, active=False)
PEOPLE = [CHAIR, STANDING, MEMBER, ATTENDEE, INACTIVE]

WHO_SEES_WHAT = [
    ({"kind": "all", "values": []}, {1, 2, 3, 4}),
    ({"kind": "members", "values": []}, {1, 2, 3}),                  # 列席 excluded
    ({"kind": "role", "values": ["主席", "常委"]}, {1, 2}),
    ({"kind": "role", "values": ["委员"]}, {3}),                      # 列席 never counts as a 委员 role
    ({"kind": "sector", "values": [10]}, {1, 3, 4}),
    ({"kind": "group", "values": [101]}, {2, 3}),
    ({"kind": "people", "values": [2, 4, 5]}, {2, 4}),              # inactive people never see anything
    ({"kind": "people", "values": [99]}, set()),
    ({"kind": "nonsense", "values": []}, set()),
]


@pytest.mark.parametrize("audience, expected", WHO_SEES_WHAT)
def test_who_sees_what(audience, expected):
    assert {p.id for p in aud.select(audience, PEOPLE)} == expected


def test_normalize_refuses_unknown_kind_and_empty_choice():
    with pytest.raises(aud.AudienceError) as exc:
        aud.normalize("everybody")
    assert exc.value.code == "bad_audience"
    with pytest.raises(aud.AudienceError) as exc:
        aud.normalize("sector", ["", None])
    assert exc.value.code == "audience_empty"
    with pytest.raises(aud.AudienceError):
        aud.normalize("group", ["abc"])
    assert aud.normalize("people", ["3", 1, "3"]) == {"kind": "people", "values": [1, 3]}
    assert aud.normalize("all", [1, 2]) == {"kind": "all", "values": []}


def _snap(*items):
    return {"items": [dict(id=i, title=t, presenter=p, planned="", documents=[]) for i, t, p in items]}


def test_first_version_lists_every_item_as_added():
    changes = versions.diff(None, _snap((1, "开幕", ""), (2, "报告", "")))
    assert [c.kind for c in changes] == ["added", "added"]


def test_diff_names_each_kind_of_change():
    old = _snap((1, "开幕", "张三"), (2, "工作报告", ""), (3, "提案报告", ""), (4, "闭幕", ""))
    new = _snap((1, "开幕", "李四"), (3, "提案工作报告", ""), (2, "工作报告", ""), (5, "选举", ""))
    changes = versions.diff(old, new)
    kinds = {(c.kind, c.item_id) for c in changes}
    assert ("added", 5) in kinds
    assert ("removed", 4) in kinds
    assert ("presenter", 1) in kinds
    assert ("retitled", 3) in kinds
    moved = [c.item_id for c in changes if c.kind == "moved"]
    assert len(moved) == 1 and moved[0] in (2, 3)   # one swap is one move, not two
    assert "李四" in versions.summary(changes)


def test_no_change_means_empty_diff():
    snap = _snap((1, "开幕", ""), (2, "报告", ""))
    assert versions.diff(snap, snap) == []
    assert versions.summary([]) == "无变动"


def test_moving_one_item_to_the_end_reports_only_that_item():
    old = _snap((1, "a", ""), (2, "b", ""), (3, "c", ""), (4, "d", ""))
    new = _snap((2, "b", ""), (3, "c", ""), (4, "d", ""), (1, "a", ""))
    assert [(c.kind, c.item_id) for c in versions.diff(old, new)] == [("moved", 1)]


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"


@pytest.mark.parametrize("name, head, kind", [
    ("报告.pdf", b"%PDF-1.7\n%\xe2\xe3", files.PDF),
    ("照片.PNG", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", files.PNG),
    ("照片.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", files.JPEG),
    ("旧稿.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", files.WORD),
])
def test_real_files_are_recognised(name, head, kind):
    assert files.check_kind(name, head) == kind


@pytest.mark.parametrize("name, head, code", [
    ("报告.pdf", EXE, "content_mismatch"),            # an executable renamed .pdf
    ("报告.pdf", b"\x89PNG\r\n\x1a\n", "content_mismatch"),
    ("程序.exe", EXE, "bad_type"),
    ("报告.docx", b"PK\x03\x04", "content_mismatch"),  # a zip that is not a Word document
    ("无扩展名", b"%PDF-1.4", "bad_type"),
])
def test_fakes_are_refused(name, head, code):
    with pytest.raises(files.UploadError) as exc:
        files.check_kind(name, head)
    assert exc.value.code == code


@pytest.mark.parametrize("raw, clean", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\王敏\\桌面\\报告.pdf", "报告.pdf"),
    ("<script>alert(1)</script>议程.pdf", "alert(1)议程.pdf"),
    ("&lt;b&gt;粗体&lt;/b&gt;.pdf", "粗体.pdf"),
    ("a\x00b\nc.pdf", "abc.pdf"),
    ("   ", "文件"),
    ("<img src=x onerror=alert(1)>", "文件"),
])
def test_clean_filename(raw, clean):
    assert files.clean_filename(raw) == clean
    assert "<" not in files.clean_filename(raw) and "/" not in files.clean_filename(raw)
