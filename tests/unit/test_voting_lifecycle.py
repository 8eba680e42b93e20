import pytest

from conference.voting.lifecycle import Action, LifecycleError, State, allowed_actions, next_state


@pytest.mark.parametrize("state, action, result", [
    ("draft", "open", State.OPEN), ("open", "close", State.CLOSED), ("closed", "publish", State.PUBLISHED),
    ("draft", "cancel", State.CANCELLED), ("open", "cancel", State.CANCELLED), ("closed", "cancel", State.CANCELLED),
    ("closed", "rerun", State.CLOSED), ("published", "rerun", State.PUBLISHED), ("cancelled", "rerun", State.CANCELLED),
])
def test_allowed(state, action, result):
    assert next_state(state, action) == result


@pytest.mark.parametrize("state, action, code", [
    ("draft", "close", "bad_state"), ("draft", "publish", "bad_state"), ("open", "open", "bad_state"),
    ("open", "publish", "bad_state"), ("closed", "open", "vote_closed"), ("published", "cancel", "vote_closed"),
    ("cancelled", "open", "vote_closed"), ("draft", "rerun", "bad_state"), ("open", "rerun", "bad_state"),
])
def test_refused(state, action, code):
    with pytest.raises(LifecycleError) as exc:
        next_state(state, action)
    assert exc.value.code == code


def test_allowed_actions():
    assert allowed_actions("open") == [Action.CLOSE, Action.CANCEL]
    assert Action.RERUN in allowed_actions("published") and Action.OPEN not in allowed_actions("published")
