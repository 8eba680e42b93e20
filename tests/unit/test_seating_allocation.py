"""Protocol seating rules and hall numbering, as tables of cases (pure functions, no app)."""
import pytest

from conference.registration.strokes import sort_names
from conference.seating import halls
from conference.seating.allocation import (AllocationError, Options, Person, Seat, allocate, check_unique,
                                           floor_order, protocol_slots)


def row_of(n, kind="rostrum", row=1, y=0.0, start_id=1, **kw):
    return [Seat(id=start_id + i, kind=kind, row=row, x=float(i), y=y, **kw) for i in range(n)]


def audience_view(result, seats):
    """Rank numbers seen from the audience, left to right ("." = empty)."""
    by_seat = {seat_id: pid for pid, seat_id in result.seats.items()}
    return " ".join(str(by_seat[s.id]) if s.id in by_seat else "." for s in sorted(seats, key=lambda s: s.x))


# ---- rostrum alternation -------------------------------------------------------------------------------
# Person id = protocol rank (1 = 主席 ...); the row has 9 seats. Audience's left -> right.
ROSTRUM_CASES = [
    (1, ". . . . 1 . . . ."),
    (2, ". . . 1 2 . . . ."),
    (3, ". . . 3 1 2 . . ."),
    (4, ". . 3 1 2 4 . . ."),
    (5, ". . 5 3 1 2 4 . ."),
    (6, ". 5 3 1 2 4 6 . ."),
    (7, ". 7 5 3 1 2 4 6 ."),
    (8, "7 5 3 1 2 4 6 8 ."),
    (9, "9 7 5 3 1 2 4 6 8"),
]


@pytest.mark.parametrize("count,expected", ROSTRUM_CASES)
def test_rostrum_alternation_no2_on_no1s_left_hand(count, expected):
    seats = row_of(9)
    # rank by role first, then 姓氏笔画: give all one role and names already in stroke order
    names = sort_names(["丁一", "王二", "文三", "田四", "刘五", "许六", "李七", "张八", "陈九"])
    people = [Person(id=i + 1, name=names[i], role="副主席") for i in range(count)]
    result = allocate(seats, people)
    assert audience_view(result, seats) == expected


@pytest.mark.parametrize("seats_in_row,count,expected", [
    (3, 3, "3 1 2"),
    (4, 4, "3 1 2 4"),
    (4, 3, "3 1 2 ."),      # cannot centre exactly: half a seat towards the audience's left
    (5, 2, ". 1 2 . ."),
    (6, 2, ". . 1 2 . ."),
])
def test_rostrum_group_is_centred(seats_in_row, count, expected):
    seats = row_of(seats_in_row)
    people = [Person(id=i + 1, name=n, role="副主席") for i, n in enumerate(sort_names(["丁一", "王二", "文三", "田四"])[:count])]
    assert audience_view(allocate(seats, people), seats) == expected


def test_rostrum_rank_before_strokes_and_front_row_first():
    front = row_of(3, row=1, y=1.0)
    back = row_of(3, row=2, y=0.0, start_id=10)
    people = [Person(1, "丁一", "常委"), Person(2, "王二", "副主席"), Person(3, "田三", "主席"),
              Person(4, "文四", "秘书长"), Person(5, "乙五", "委员")]
    result = allocate(front + back, people, options=Options())
    # front row: 主席 centre, 副主席 on his left hand (audience's right), 秘书长 on his right hand
    assert audience_view(result, front) == "4 3 2"
    assert audience_view(result, back) == ". 1 ."
    assert 5 not in result.seats and result.unseated[0].person_id == 5  # no floor at all


def test_rostrum_roles_are_an_option_and_overflow_goes_to_the_floor_front():
    rostrum = row_of(1)
    floor = row_of(4, kind="floor", y=5.0, start_id=100)
    people = [Person(1, "田一", "主席"), Person(2, "丁二", "副主席"), Person(3, "王三", "常委"),
              Person(4, "文四", "委员", sector_position=1)]
    only_leaders = allocate(rostrum + floor, people, options=Options(rostrum_roles=("主席", "副主席", "秘书长")))
    assert only_leaders.seats[1] == 1
    assert any("主席台座位不足" in n for n in only_leaders.notes)
    # 副主席 who did not fit comes first on the floor (centre of the front row), before the 常委 and 委员
    order = [pid for pid in sorted(only_leaders.seats, key=lambda p: floor_index(floor, only_leaders.seats[p]))
             if only_leaders.seats[pid] >= 100]
    assert order[0] == 2


def floor_index(floor, seat_id):
    ordered = floor_order(floor)
    return [s.id for s in ordered].index(seat_id) if seat_id >= 100 else -1


# ---- floor: 界别 blocks and strokes --------------------------------------------------------------------
def test_floor_blocks_in_official_order_and_strokes_inside():
    floor = [Seat(id=r * 10 + c, kind="floor", row=r, x=float(c), y=float(r)) for r in range(3) for c in range(4)]
    names_a = ["田大利", "田富", "丁力", "王五"]      # sector position 2
    names_b = ["欧阳少东", "洪少东", "文静", "王喆"]   # sector position 1
    people = [Person(i + 1, n, sector_position=2, sector="乙") for i, n in enumerate(names_a)]
    people += [Person(i + 11, n, sector_position=1, sector="甲") for i, n in enumerate(names_b)]
    people.append(Person(99, "丁丁", sector_position=None))
    result = allocate(floor, people)
    by_seat = {s: p for p, s in result.seats.items()}
    sequence = [by_seat[s.id] for s in floor_order(floor) if s.id in by_seat]
    name = {p.id: p.name for p in people}
    assert [name[p] for p in sequence] == sort_names(names_b) + sort_names(names_a) + ["丁丁"]
    assert sort_names(names_a)[:2] == ["丁力", "王五"] and sort_names(["田大利", "田富"]) == ["田富", "田大利"]


def test_floor_order_front_to_back_centre_outward():
    floor = [Seat(id=r * 10 + c, kind="floor", row=r + 1, x=float(c), y=float(r)) for r in range(2) for c in range(5)]
    balcony = [Seat(id=100, kind="balcony", x=2.0, y=-5.0)]
    ids = [s.id for s in floor_order(floor + balcony)]
    assert ids == [2, 3, 1, 4, 0, 12, 13, 11, 14, 10, 100]


def test_attendees_in_their_own_zone_or_after_members():
    floor = row_of(3, kind="floor", y=1.0)
    gallery = row_of(2, kind="balcony", y=9.0, start_id=50, attendees=True)
    people = [Person(1, "王一", sector_position=1), Person(2, "列二", attendee=True), Person(3, "列三", attendee=True)]
    result = allocate(floor + gallery, people)
    assert result.seats[1] < 50 and result.seats[2] >= 50 and result.seats[3] >= 50
    no_gallery = allocate(floor, people)
    assert set(no_gallery.seats) == {1, 2, 3} and any("列席" in n for n in no_gallery.notes)


# ---- leave, reserved, unusable, locked, overflow -------------------------------------------------------
@pytest.mark.parametrize("mode,seated,held", [("empty", {1, 3}, {2}), ("close", {1, 3}, set())])
def test_leave_keeps_seat_empty_or_closes_gap(mode, seated, held):
    floor = row_of(3, kind="floor", y=1.0)
    people = [Person(1, "丁一", sector_position=1), Person(2, "王二", sector_position=1, on_leave=True),
              Person(3, "文三", sector_position=1)]
    result = allocate(floor, people, options=Options(leave=mode))
    assert set(result.seats) == seated and set(result.held) == held
    if mode == "empty":
        assert result.held[2] not in result.seats.values()
        assert result.seats[3] == floor_order(floor)[2].id
    else:
        assert result.seats[3] == floor_order(floor)[1].id


@pytest.mark.parametrize("status", ["reserved", "unusable"])
def test_reserved_and_unusable_seats_are_never_filled(status):
    floor = [Seat(id=1, kind="floor", x=1.0, status=status), Seat(id=2, kind="floor", x=0.0),
             Seat(id=3, kind="floor", x=2.0)]
    people = [Person(1, "丁一"), Person(2, "王二"), Person(3, "文三")]
    result = allocate(floor, people)
    assert 1 not in result.seats.values()
    assert len(result.seats) == 2 and len(result.unseated) == 1
    assert "台下座位不足" in result.unseated[0].reason and result.unseated[0].name == "文三"


def test_locked_seats_keep_their_person():
    seats = row_of(5)
    people = [Person(i, n, "副主席") for i, n in enumerate(sort_names(["丁一", "王二", "文三"]), start=1)]
    result = allocate(seats, people, locked={5: 1})   # No.1 locked at the far right
    assert result.seats[1] == 5
    # the other two are placed by the rule among the remaining seats (ids 1-4): 王二 centred, 文三 on his left hand
    assert audience_view(result, seats) == ". 2 3 . 1"


def test_locked_unusable_seat_is_refused():
    seats = [Seat(id=1, status="unusable")]
    with pytest.raises(AllocationError) as exc:
        allocate(seats, [Person(1, "丁一")], locked={1: 1})
    assert exc.value.code == "seat_unusable"


def test_overflow_lists_unseated_people_with_reasons():
    floor = row_of(2, kind="floor")
    people = [Person(i, f"王{i}", sector_position=1) for i in range(1, 6)]
    result = allocate(floor, people)
    assert len(result.seats) == 2
    assert [u.person_id for u in result.unseated] == [p for p in sorted(
        (p.id for p in people), key=lambda pid: sort_names([f"王{i}" for i in range(1, 6)]).index(f"王{pid}"))][2:]
    assert all("可用 2 个，需要 5 个" in u.reason for u in result.unseated)


def test_bad_input_is_refused():
    with pytest.raises(AllocationError) as exc:
        check_unique([(1, 10), (2, 10)])
    assert exc.value.code == "seat_twice"
    with pytest.raises(AllocationError) as exc:
        check_unique([(1, 10), (1, 11)])
    assert exc.value.code == "person_twice"
    with pytest.raises(AllocationError) as exc:
        allocate(row_of(2), [Person(1, "甲"), Person(1, "乙")])
    assert exc.value.code == "person_twice"
    with pytest.raises(AllocationError):
        protocol_slots(2, 3)


def test_deterministic():
    seats = halls.build_seats(halls.demo_layout())
    spots = [Seat(id=i, kind=s.kind, row=s.row, x=s.x, y=s.y, status=s.status, attendees=s.attendees)
             for i, s in enumerate(seats)]
    people = [Person(i, f"{'王李张刘陈'[i % 5]}{'伟芳娜敏静'[i // 5 % 5]}{i}", "常委" if i < 30 else "委员",
                     sector_position=i % 7) for i in range(700)]
    a = allocate(spots, people)
    b = allocate(list(reversed(spots)), list(reversed(people)))
    assert a.seats == b.seats and not a.unseated


# ---- halls: numbering schemes -----------------------------------------------------------------------------
@pytest.mark.parametrize("count,scheme,odd_side,expected", [
    (5, "ltr", "right", [1, 2, 3, 4, 5]),
    (5, "odd_even", "right", [4, 2, 1, 3, 5]),
    (6, "odd_even", "right", [6, 4, 2, 1, 3, 5]),
    (6, "odd_even", "left", [5, 3, 1, 2, 4, 6]),
    (7, "odd_even", "left", [7, 5, 3, 1, 2, 4, 6]),
    (1, "odd_even", "right", [1]),
    (0, "ltr", "right", []),
])
def test_numbering_schemes(count, scheme, odd_side, expected):
    assert halls.seat_numbers(count, scheme, odd_side) == expected


def test_build_seats_aisles_labels_and_states():
    layout = {"name": "测试厅", "zones": [{"key": "f", "name": "中区", "kind": "floor", "rows": 2, "seats_per_row": 4,
                                           "numbering": "odd_even", "aisles_after": [2],
                                           "row_labels": {"1": "第一排"}, "reserved": ["1-1"], "unusable": ["2-4"]}]}
    seats = halls.build_seats(layout)
    row1 = sorted((s for s in seats if s.row == 1), key=lambda s: s.position)
    assert [s.number for s in row1] == [4, 2, 1, 3]
    assert [s.x for s in row1] == [0, 1, 3, 4]          # the aisle after the 2nd seat
    assert row1[0].row_label == "第一排"
    assert {s.key: s.status for s in seats if s.status != "ok"} == {"f:1:1": "reserved", "f:2:4": "unusable"}


def test_build_seats_refuses_unknown_seat_reference():
    layout = {"zones": [{"key": "f", "name": "中区", "rows": 1, "seats_per_row": 3, "unusable": ["5-1"]}]}
    with pytest.raises(halls.HallError) as exc:
        halls.build_seats(layout)
    assert exc.value.code == "bad_layout" and "5排1号" in exc.value.message


def test_demo_hall_rostrum_above_floor_and_entrances():
    layout = halls.demo_layout()
    seats = halls.build_seats(layout)
    rostrum = [s for s in seats if s.kind == "rostrum"]
    floor = [s for s in seats if s.kind == "floor"]
    assert len({s.row for s in rostrum}) == 3 and 780 <= len(floor) <= 840
    assert max(s.y for s in rostrum) < min(s.y for s in floor)
    front = [s for s in rostrum if s.row == 1]
    assert all(s.y == max(r.y for r in rostrum) for s in front)  # rostrum row 1 faces the floor
    back_left = min(floor, key=lambda s: (-s.y, s.x))
    assert halls.nearest_entrance(layout, back_left.x, back_left.y)["name"] == "3号门"
