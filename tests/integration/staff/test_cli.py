"""`flask staff …` and `flask audit …`: accounts from the command line, the audit chain."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from domain.models import AuditEvent, StaffUser
from extensions import db
from tests.factories import make_beneficiary, make_commune
from tests.pages import page, sign_in
from tests.review_factories import make_change_request, make_officer, sign_in_staff


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_staff_create_prints_a_one_time_set_up_link(runner, client):
    make_commune(code="08701")
    result = runner.invoke(args=["staff", "create", "--username", "officer.caolanh2",
                                 "--role", "officer", "--locality", "08701",
                                 "--name", "Đỗ Văn Hai", "--base-url", "https://ansinh.example"])
    assert result.exit_code == 0, result.output
    assert "Created officer.caolanh2 (officer, Phường Cao Lãnh)." in result.output
    link = re.search(r"https://ansinh\.example(/staff/setup/start\?token=\S+)", result.output)
    assert link, result.output
    staff = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer.caolanh2"))
    assert staff.display_name == "Đỗ Văn Hai" and staff.password_hash is None
    client.get(link.group(1))
    soup = page(client.get("/staff/setup"))
    assert "officer.caolanh2" in soup.get_text()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.created"))
    assert event.actor_kind == "system" and event.actor_label.startswith("cli:")


def test_staff_create_refuses_a_locality_that_does_not_fit_the_role(runner):
    make_commune(code="08701")
    result = runner.invoke(args=["staff", "create", "--username", "supervisor.x",
                                 "--role", "supervisor", "--locality", "08701"])
    assert result.exit_code != 0
    assert "A supervisor works in one province" in result.output
    result = runner.invoke(args=["staff", "create", "--username", "boss", "--role", "king"])
    assert result.exit_code != 0
    assert db.session.scalars(select(StaffUser)).all() == []


def test_staff_setup_link_and_list(runner):
    make_officer(username="officer.old")
    result = runner.invoke(args=["staff", "setup-link", "--username", "officer.old"])
    assert result.exit_code == 0 and "/staff/setup/start?token=" in result.output
    result = runner.invoke(args=["staff", "list"])
    assert "officer.old" in result.output and "setup" in result.output
    result = runner.invoke(args=["staff", "setup-link", "--username", "nobody"])
    assert result.exit_code != 0


def test_audit_verify_passes_on_an_untouched_log(runner, client):
    officer = make_officer()
    request = make_change_request(beneficiary=make_beneficiary())
    sign_in_staff(client, officer)
    client.post(f"/staff/review/{request.id}/claim")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Audit log intact: \d+ events checked\.", result.output)


def test_audit_verify_names_the_first_event_edited_in_the_database(runner, client):
    officer = make_officer()
    request = make_change_request(beneficiary=make_beneficiary())
    sign_in_staff(client, officer)
    client.post(f"/staff/review/{request.id}/claim")
    claim_id = db.session.scalar(select(AuditEvent.id).where(AuditEvent.action ==
                                                             "review.claimed"))
    assert claim_id > 1
    db.session.remove()
    with db.engine.begin() as connection:  # straight to the table, as an intruder would
        connection.execute(text("UPDATE audit_event SET actor_label = 'someone.else' "
                                "WHERE id = :id"), {"id": claim_id})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"Audit log BROKEN at event {claim_id}: content does not match its hash" in (
        result.output)


def test_audit_verify_notices_a_deleted_event(runner, client):
    officer = make_officer()
    sign_in_staff(client, officer)
    client.post("/signout")
    ids = list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))
    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at event {ids[2]}" in result.output


def test_audit_search_lists_what_happened_to_a_person(runner, client, app):
    beneficiary = make_beneficiary()
    sign_in(app.test_client(), beneficiary.person)
    request = make_change_request(beneficiary=beneficiary)
    officer = make_officer()
    sign_in_staff(client, officer)
    client.post(f"/staff/review/{request.id}/claim")
    result = runner.invoke(args=["audit", "search", "--id-number", beneficiary.person.id_number])
    assert result.exit_code == 0, result.output
    assert "signin.success" in result.output and "review.claimed" in result.output
    assert beneficiary.person.id_number not in result.output
    result = runner.invoke(args=["audit", "search", "--id-number", "12"])
    assert result.exit_code != 0
