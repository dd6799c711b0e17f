"""The outbox dispatcher: several copies at once never send a message twice; a killed one
leaves nothing behind."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from domain import notifications
from domain.models import Notification
from extensions import db


class RecordingGateway:
    def __init__(self, fail_after: int | None = None):
        self.sent: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.fail_after = fail_after

    def send(self, phone: str, text: str) -> bool:
        with self.lock:
            if self.fail_after is not None and sum(self.sent.values()) >= self.fail_after:
                raise KeyboardInterrupt("dispatcher killed")
            self.sent[text] += 1
        return True


@pytest.fixture
def gateway(app):
    ports = app.extensions["ansinh.ports"]
    original = ports["sms"]
    recording = RecordingGateway()
    ports["sms"] = recording
    yield recording
    ports["sms"] = original


def _enqueue(count: int) -> None:
    for number in range(count):
        notifications.enqueue("0912345678", f"message {number}", kind="test")
    db.session.commit()


def test_four_dispatchers_at_once_send_each_message_exactly_once(app, gateway):
    _enqueue(300)
    errors: list[BaseException] = []

    def run(worker: str) -> None:
        try:
            with app.app_context():
                while notifications.dispatch(worker, batch_size=25):
                    pass
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(f"worker-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(gateway.sent) == 300
    assert set(gateway.sent.values()) == {1}
    statuses = dict(
        db.session.execute(
            select(Notification.status, func.count()).group_by(Notification.status)
        ).all()
    )
    assert statuses == {"sent": 300}


def test_a_killed_dispatcher_is_resumed_by_the_next_one(app, gateway):
    _enqueue(10)
    gateway.fail_after = 4
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False), pytest.raises(KeyboardInterrupt):
        notifications.dispatch("doomed", batch_size=10)
    db.session.rollback()
    gateway.fail_after = None
    # Right away, the claimed rows are left alone (their worker might still be sending).
    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        assert notifications.dispatch("second", batch_size=10) == 0
    # Once the claim is stale, the next dispatcher finishes the batch.
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert notifications.dispatch("second", batch_size=10) == 6
    assert len(gateway.sent) == 10
    assert set(gateway.sent.values()) == {1}


def test_the_cli_drains_the_outbox(app, gateway):
    _enqueue(3)
    result = app.test_cli_runner().invoke(args=["notify", "dispatch", "--once"])
    assert result.exit_code == 0, result.output
    assert "Sent 3 messages." in result.output
