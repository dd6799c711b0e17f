"""Words for audit actions and request states, shared by the staff pages."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from domain import addresses
from domain.review import (
    CLOSED_MESSAGES,
    EXPIRED_MESSAGE,
    OVERDUE_AFTER_WORKING_DAYS,
    REJECT_REASONS,
    REVEAL_REASONS,
)

ACTION_LABELS = {
    "signin.code_requested": _l("Asked for a sign-in code"),
    "signin.code_resent": _l("Asked for a new sign-in code"),
    "signin.code_wrong": _l("Typed a wrong sign-in code"),
    "signin.challenge_failed": _l("Sign-in failed: too many wrong codes"),
    "signin.lockout": _l("Sign-in paused after failed attempts"),
    "signin.refused_locked": _l("Sign-in refused: paused"),
    "signin.success": _l("Signed in"),
    "signout": _l("Signed out"),
    "staff.signin_failed": _l("Staff sign-in failed"),
    "staff.signin_lockout": _l("Staff sign-in paused after failed attempts"),
    "staff.signin_refused_locked": _l("Staff sign-in refused: paused"),
    "staff.signin_refused_disabled": _l("Staff sign-in refused: account switched off"),
    "staff.password_accepted": _l("Staff password accepted, waiting for the code"),
    "staff.signin_success": _l("Staff signed in"),
    "staff.totp_enrolment_started": _l("Authenticator set-up started"),
    "staff.totp_enrolled": _l("Authenticator app set up"),
    "staff.totp_reset": _l("Authenticator reset by an administrator"),
    "staff.created": _l("Staff account created"),
    "staff.setup_link_issued": _l("New set-up link made"),
    "staff.password_set": _l("Password chosen"),
    "staff.disabled": _l("Staff account switched off"),
    "staff.enabled": _l("Staff account switched on"),
    "staff.lockout_lifted": _l("Sign-in pause lifted"),
    "review.claimed": _l("Claimed for review"),
    "review.released": _l("Claim released"),
    "review.first_approved": _l("First approval (a supervisor must approve too)"),
    "review.approved": _l("Approved"),
    "review.rejected": _l("Rejected"),
    "review.decision_refused": _l("Decision refused"),
    "review.number_revealed": _l("Full account number shown to staff"),
    "review.audit_searched": _l("Audit log looked up by staff"),
    "review.queue_exported": _l("Queue exported"),
}

REQUEST_STATUS_LABELS = {
    "pending": _l("Waiting"),
    "in_review": _l("Being reviewed"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Expired"),
}

STATUS_TAGS = {
    "pending": "tag--blue",
    "in_review": "tag--yellow",
    "approved": "tag--green",
    "rejected": "tag--red",
    "cancelled": "",
    "expired": "",
}

OPENED_BY_LABELS = {
    "self": _l("The beneficiary"),
    "helper": _l("A family helper"),
    "support": _l("Support staff"),
}

KIND_LABELS = {
    "bank": _l("Bank account"),
    "ewallet": _l("E-wallet"),
    "mobile_money": _l("Mobile money"),
    "cash": _l("Cash at the commune office"),
}

CHECK_LABELS = {
    "holder_name": _l("Holder name"),
    "registry_status": _l("Registry status"),
    "same_address_elsewhere": _l("Account used by others"),
    "recent_changes": _l("Recent changes"),
    "phone_matches": _l("Phone number"),
    "provider_accepting": _l("Provider"),
}

BENEFIT_STATUS_LABELS = {
    "active": _l("Being paid"),
    "suspended": _l("Suspended"),
    "ended": _l("Ended"),
}

CHECK_RESULT_LABELS = {"pass": _l("Pass"), "warn": _l("Warning"), "fail": _l("Fail")}
CHECK_RESULT_TAGS = {"pass": "tag--green", "warn": "tag--yellow", "fail": "tag--red"}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


DETAIL_LABELS = {
    "reference": _l("Request"),
    "reason": _l("Reason"),
    "note": _l("Note"),
    "which": _l("Account"),
    "rule": _l("Refused because"),
    "effective_from": _l("Used from"),
    "second_approval": _l("Second approval"),
    "claim_of": _l("Claim held by staff no."),
    "username": _l("Username"),
    "stage": _l("Step"),
    "id_number": _l("Personal ID number"),
    "rows": _l("Rows"),
}
WHICH_LABELS = {"proposed": _l("the new account"), "current": _l("the current account")}
RULE_LABELS = {
    "stale": _l("the request had changed"),
    "closed": _l("the request was closed"),
    "conflict": _l("they opened it or it is about them"),
    "not_claimed": _l("they had not claimed it"),
    "needs_supervisor": _l("it needs a supervisor"),
    "same_approver": _l("they gave the first approval"),
}


def _detail_value(action: str, key: str, value: object) -> str:
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if key == "reason" and action == "review.rejected" and value in REJECT_REASONS:
        return gettext(REJECT_REASONS[value]["label"])
    if key == "reason" and action == "review.number_revealed" and value in REVEAL_REASONS:
        return gettext(REVEAL_REASONS[value])
    if key == "which" and value in WHICH_LABELS:
        return str(WHICH_LABELS[value])
    if key == "rule" and value in RULE_LABELS:
        return str(RULE_LABELS[value])
    if key == "effective_from" and isinstance(value, str) and len(value) == 10:
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    return "" if value is None else str(value)


def event_details(event, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """An audit event's details as (label, value) pairs in the reader's language."""
    pairs = []
    for key, value in (event.details or {}).items():
        if key in skip:
            continue
        label = DETAIL_LABELS.get(key)
        pairs.append((str(label) if label is not None else key,
                      _detail_value(event.action, key, value)))
    return pairs


def check_sentence(check: dict) -> str:
    """A stored check's message in the reader's language, with its parameters."""
    message = check.get("message") or ""
    params = check.get("params") or {}
    try:
        return gettext(message, **params)
    except (KeyError, TypeError, ValueError):
        return message


def labels_context() -> dict:
    """The labels, for a blueprint's context processor."""
    return {
        "action_label": action_label,
        "request_status_labels": REQUEST_STATUS_LABELS,
        "status_tags": STATUS_TAGS,
        "opened_by_labels": OPENED_BY_LABELS,
        "kind_labels": KIND_LABELS,
        "check_labels": CHECK_LABELS,
        "check_result_labels": CHECK_RESULT_LABELS,
        "check_result_tags": CHECK_RESULT_TAGS,
        "check_sentence": check_sentence,
        "event_details": event_details,
        "provider_name": addresses.provider_name,
        "masked_number": addresses.masked_number,
        "reject_reasons": REJECT_REASONS,
        "reveal_reasons": REVEAL_REASONS,
        "benefit_status_labels": BENEFIT_STATUS_LABELS,
        "overdue_after": OVERDUE_AFTER_WORKING_DAYS,
        "expired_message": EXPIRED_MESSAGE,
        "closed_messages": CLOSED_MESSAGES,
    }
