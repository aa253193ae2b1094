"""The lab clock: per account, only forward, waking what waits, and the platform's alone."""

import threading
import urllib.error
import urllib.request
from datetime import timedelta

import pytest

from courseware.labrunner.client.aws import (
    ACCOUNT_HEADER,
    CONTROL_HEADER,
    AccountAws,
    clock_token,
    control_token,
    new_account_id,
)
from courseware.labrunner.client.clock import ClockUnavailable, advance_clock, read_clock
from courseware.labrunner.emulator.clock import ClockError, LabClock
from courseware.labrunner.grading.checks import Fail
from courseware.labrunner.grading.context import LabContext

from .tenancy_fixtures import send_raw


def test_each_account_keeps_its_own_time():
    clock = LabClock()
    before = clock.now("111111111111")
    clock.advance("111111111111", 3600)
    assert clock.now("111111111111") - before >= timedelta(hours=1)
    assert clock.now("222222222222") - before < timedelta(minutes=1)
    assert clock.offset("111111111111") == timedelta(hours=1)


@pytest.mark.parametrize("seconds", [0, -5, "60", None, True, float("nan"), 400 * 86400])
def test_the_clock_only_moves_forward_by_a_sane_step(seconds):
    clock = LabClock()
    with pytest.raises(ClockError):
        clock.advance("111111111111", seconds)
    assert clock.offset("111111111111") == timedelta()


def test_a_jump_wakes_what_waits_and_tells_listeners():
    clock = LabClock()
    heard = []
    clock.subscribe(lambda account, now: heard.append(account))
    moment = clock.now("111111111111") + timedelta(days=1)
    woke = threading.Event()
    waiter = threading.Thread(target=lambda: clock.wait_until("111111111111", moment) and woke.set())
    waiter.start()
    assert not woke.wait(0.3)  # a day away: still waiting
    clock.advance("111111111111", 86400)
    assert woke.wait(5)
    assert heard == ["111111111111"]


def test_a_stopped_wait_gives_up():
    clock = LabClock()
    stop = threading.Event()
    stop.set()
    assert clock.wait_until("111111111111", clock.now("111111111111") + timedelta(days=1), stop=stop) is False


def test_the_platform_moves_an_accounts_clock(lab_backend, settings):
    aws = AccountAws(
        endpoint=lab_backend.endpoint, account_id=new_account_id(), control=control_token(settings.SECRET_KEY)
    )
    before = read_clock(aws)
    assert before["offset_seconds"] == 0
    after = advance_clock(aws, 7200)
    assert after["offset_seconds"] == 7200
    assert after["now"] > before["now"]
    with pytest.raises(ClockUnavailable, match="more than 0 seconds"):
        advance_clock(aws, -1)


def test_the_clock_needs_the_clock_token_which_opens_nothing_else(lab_backend):
    account = new_account_id()
    reset = urllib.request.Request(
        lab_backend.endpoint + "/moto-api/reset",
        method="POST",
        headers={CONTROL_HEADER: clock_token(lab_backend.control_token)},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(reset, timeout=10)
    assert refused.value.code == 403
    for token in ("", "wrong", lab_backend.control_token):
        request = urllib.request.Request(
            lab_backend.endpoint + "/_courseware/clock",
            data=b'{"seconds": 60}',
            method="POST",
            headers={ACCOUNT_HEADER: account, CONTROL_HEADER: token},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
    assert lab_backend.ingress  # and the account's clock did not move:
    aws = AccountAws(endpoint=lab_backend.endpoint, account_id=account, control=lab_backend.control_token)
    assert read_clock(aws)["offset_seconds"] == 0


def test_learner_code_cannot_reach_the_clock(open_backend, attacker):
    request = (
        b"POST /_courseware/clock HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Content-Length: 17\r\n"
        + CONTROL_HEADER.encode()
        + b": "
        + clock_token(open_backend.control_token).encode()
        + b"\r\n\r\n"
        b'{"seconds": 3600}'
    )
    [answer] = send_raw(attacker, [request])
    assert not answer.startswith(b"HTTP/1.1 200"), answer[:300]
    host = AccountAws(
        endpoint=open_backend.endpoint, account_id=attacker.account_id, control=open_backend.control_token
    )
    assert read_clock(host)["offset_seconds"] == 0


def test_the_grader_advances_the_clock_and_localstack_refuses_loudly(lab_backend):
    aws = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id(), control=lab_backend.control_token)
    lab = LabContext(aws=aws, resources={}, function_name="f", events={})
    lab.advance_clock(hours=1, minutes=30)
    assert read_clock(aws)["offset_seconds"] == 5400
    elsewhere = LabContext(
        aws=AccountAws(endpoint="http://127.0.0.1:1", account_id=new_account_id(), kind="localstack"),
        resources={},
        function_name="f",
        events={},
    )
    with pytest.raises(Fail, match="LocalStack"):
        elsewhere.advance_clock(minutes=5)
