"""The link-or-change journey: one question per page, then review, then a code.

The answers live in the session under one key, and are never trusted: every step checks
that the earlier ones were answered and re-validates them; the review and confirm steps
rebuild the content (asking the bank for the holder's name again) and the code is bound to
exactly that content.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.account import bp
from blueprints.account.context import acting_actor, acting_beneficiary, opener
from blueprints.account.forms import (
    AccountNumberForm,
    BankForm,
    CodeForm,
    EmptyForm,
    KindForm,
    PhoneForm,
    ProviderForm,
    SendCodeForm,
    VietQRForm,
)
from blueprints.filters import format_datetime
from blueprints.forms import translated
from domain import change_requests, otp
from domain.benefit_overview import current_address_view
from domain.change_requests import ChangeContent, ChangeRefused
from domain.errors import ValidationError
from domain.models import Beneficiary
from domain.providers import PROVIDER_KINDS, find_provider, search_banks
from domain.security import decrypt, encrypt
from extensions import limiter

JOURNEY_KEY = "change_journey"
MAX_SEARCH_LENGTH = 100


# The account number is sealed with the field key: the session cookie is signed, not secret.
SEALED_NUMBER = "number_sealed"


def _unseal(sealed: object) -> str | None:
    if not isinstance(sealed, str):
        return None
    try:
        return decrypt(sealed.encode())
    except RuntimeError:  # sealed with another key, or not by us: as if never answered
        return None


def _state() -> dict:
    stored = session.get(JOURNEY_KEY)
    if not isinstance(stored, dict):
        return {}
    state = {name: value for name, value in stored.items() if name != SEALED_NUMBER}
    number = _unseal(stored.get(SEALED_NUMBER))
    if number is not None:
        state["number"] = number
    return state


def _save(state: dict) -> None:
    stored = {name: value for name, value in state.items() if name != "number"}
    if state.get("number"):
        stored[SEALED_NUMBER] = encrypt(state["number"]).decode()
    session[JOURNEY_KEY] = stored


def _clear() -> None:
    session.pop(JOURNEY_KEY, None)


def refusal_text(refused: ChangeRefused) -> str:
    params = {
        name: format_datetime(value) if isinstance(value, datetime) else value
        for name, value in refused.params.items()
    }
    return _(refused.message, **params)


def _code_limit() -> str:
    return current_app.config.get("CHANGE_CODE_RATE_LIMIT", "10 per hour")


def _inquiry_limit() -> str:
    # Each answer asks a bank for a holder's name: no trawling for other people's names.
    return current_app.config.get("NAME_INQUIRY_RATE_LIMIT", "30 per hour")


def _per_person() -> str:
    person = getattr(current_user, "person", None)
    return f"change-code:{person.id if person else 'anonymous'}"


def _inquiry_key() -> str:
    return "name-inquiry:" + _per_person()


# --- Where a step may be, given the answers so far ---

STEP_KIND = "account.change_kind"


def _provider_step(kind: str) -> str:
    return "account.change_bank" if kind == "bank" else "account.change_provider"


def _number_step(kind: str) -> str:
    return "account.change_number" if kind == "bank" else "account.change_phone"


def _first_unanswered(state: dict) -> str | None:
    kind = state.get("kind")
    if kind not in PROVIDER_KINDS:
        return STEP_KIND
    provider = find_provider(state.get("provider") or "")
    if provider is None or provider.kind != kind:
        return _provider_step(kind)
    if not state.get("number") or not state.get("holder"):
        return _number_step(kind)
    return None


def _back_to(endpoint: str):
    flash(_("Some answers are missing. Continue from this question."), "info")
    return redirect(url_for(endpoint), code=303)


def _refused_redirect(beneficiary: Beneficiary):
    """Every step refuses while a change cannot start; the start page explains why."""
    if change_requests.blocker(beneficiary) is not None:
        return redirect(url_for("account.change_start"), code=303)
    return None


def _needs_kind(state: dict, kinds: tuple[str, ...]):
    if state.get("kind") not in kinds:
        return _back_to(STEP_KIND)
    return None


def _needs_provider(state: dict, kinds: tuple[str, ...]):
    refused = _needs_kind(state, kinds)
    if refused is not None:
        return refused
    provider = find_provider(state.get("provider") or "")
    if provider is None or provider.kind != state["kind"]:
        return _back_to(_provider_step(state["kind"]))
    return None


def _content(beneficiary: Beneficiary, state: dict) -> ChangeContent:
    """Rebuild the content from the answers; ValidationError if any answer no longer holds."""
    return change_requests.content_for(
        beneficiary, state["kind"], state.get("provider"), state.get("number") or ""
    )


def _rebuilt(beneficiary: Beneficiary, state: dict):
    """(content, None) when every answer holds, else (None, a redirect to the step to fix)."""
    missing = _first_unanswered(state)
    if missing is not None:
        return None, _back_to(missing)
    try:
        content = _content(beneficiary, state)
    except ValidationError as error:
        flash(translated(error), "error")
        return None, redirect(url_for(_number_step(state["kind"])), code=303)
    if content.holder_name != state.get("holder"):
        state["holder"] = content.holder_name
        state.pop("challenge", None)
        _save(state)
    return content, None


# --- Pages ---


@bp.route("/change")
def change_start():
    beneficiary = acting_beneficiary()
    refused = change_requests.blocker(beneficiary)
    if refused is not None:
        return render_template(
            "account/change_blocked.html",
            refused=refused,
            message=refusal_text(refused),
        )
    return render_template(
        "account/change_start.html",
        current=current_address_view(beneficiary),
        effective_from=change_requests.effective_if_approved_now(),
    )


@bp.route("/change/kind", methods=["GET", "POST"])
def change_kind():
    beneficiary = acting_beneficiary()
    refused = _refused_redirect(beneficiary)
    if refused is not None:
        return refused
    state = _state()
    form = KindForm(data={"kind": state.get("kind")} if request.method == "GET" else None)
    if form.validate_on_submit():
        if form.kind.data != state.get("kind"):
            state = {"kind": form.kind.data}
            _save(state)
        return redirect(url_for(_provider_step(form.kind.data)), code=303)
    return render_template("account/change_kind.html", form=form)


@bp.route("/change/bank", methods=["GET", "POST"])
def change_bank():
    beneficiary = acting_beneficiary()
    refused = _refused_redirect(beneficiary)
    if refused is not None:
        return refused
    state = _state()
    wrong_step = _needs_kind(state, ("bank",))
    if wrong_step is not None:
        return wrong_step
    query = (request.args.get("q") or "").strip()[:MAX_SEARCH_LENGTH]
    form = BankForm(data={"provider": state.get("provider")} if request.method == "GET" else None)
    if form.validate_on_submit():
        if form.provider.data != state.get("provider"):
            state["provider"] = form.provider.data
            state.pop("holder", None)
            state.pop("challenge", None)
            _save(state)
        return redirect(url_for("account.change_number"), code=303)
    banks = search_banks(query) if request.method == "GET" else search_banks("")
    return render_template(
        "account/change_bank.html",
        form=form,
        banks=banks,
        query=query if request.method == "GET" else "",
    )


@bp.route("/change/account-number", methods=["GET", "POST"])
@limiter.shared_limit(_inquiry_limit, "name-inquiry", key_func=_inquiry_key, methods=["POST"])
def change_number():
    beneficiary = acting_beneficiary()
    refused = _refused_redirect(beneficiary)
    if refused is not None:
        return refused
    state = _state()
    wrong_step = _needs_provider(state, ("bank",))
    if wrong_step is not None:
        return wrong_step
    bank = find_provider(state["provider"])
    form = AccountNumberForm(data={"number": state.get("number")}
                             if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            content = change_requests.content_for(beneficiary, "bank", bank.code,
                                                  form.number.data)
        except ValidationError as error:
            form.number.errors.append(translated(error))
        else:
            return _answered(state, content, via="list")
    return render_template("account/change_number.html", form=form, bank=bank)


def _answered(state: dict, content: ChangeContent, *, via: str):
    state.update(kind=content.kind, provider=content.provider_code, number=content.number,
                 holder=content.holder_name, via=via)
    state.pop("challenge", None)
    _save(state)
    return redirect(url_for("account.change_check"), code=303)


@bp.route("/change/provider", methods=["GET", "POST"])
def change_provider():
    beneficiary = acting_beneficiary()
    refused = _refused_redirect(beneficiary)
    if refused is not None:
        return refused
    state = _state()
    wrong_step = _needs_kind(state, ("ewallet", "mobile_money"))
    if wrong_step is not None:
        return wrong_step
    form = ProviderForm(data={"provider": state.get("provider")}
                        if request.method == "GET" else None)
    form.set_kind(state["kind"])
    if form.validate_on_submit():
        if form.provider.data != state.get("provider"):
            state["provider"] = form.provider.data
            state.pop("holder", None)
            state.pop("challenge", None)
            _save(state)
        return redirect(url_for("account.change_phone"), code=303)
    return render_template("account/change_provider.html", form=form)


@bp.route("/change/phone-number", methods=["GET", "POST"])
@limiter.shared_limit(_inquiry_limit, "name-inquiry", key_func=_inquiry_key, methods=["POST"])
def change_phone():
    beneficiary = acting_beneficiary()
    refused = _refused_redirect(beneficiary)
    if refused is not None:
        return refused
    state = _state()
    wrong_step = _needs_provider(state, ("ewallet", "mobile_money"))
    if wrong_step is not None:
        return wrong_step
    provider = find_provider(state["provider"])
    form = PhoneForm(data={"number": state.get("number")} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            content = change_requests.content_for(beneficiary, provider.kind, provider.code,
                                                  form.number.data)
        except ValidationError as error:
            form.number.errors.append(translated(error))
        else:
            return _answered(state, content, via="list")
    return render_template(
        "account/change_phone.html",
        form=form,
        provider=provider,
        registered_phone=beneficiary.person.phone,
    )


@bp.route("/change/vietqr", methods=["GET", "POST"])
@limiter.shared_limit(_inquiry_limit, "name-inquiry", key_func=_inquiry_key, methods=["POST"])
def change_vietqr():
    beneficiary = acting_beneficiary()
    refused = _refused_redirect(beneficiary)
    if refused is not None:
        return refused
    state = _state()
    form = VietQRForm()
    if form.validate_on_submit():
        try:
            content = change_requests.content_from_vietqr(beneficiary, form.code.data)
        except ValidationError as error:
            form.code.errors.append(translated(error))
        else:
            return _answered(state, content, via="vietqr")
    return render_template("account/change_vietqr.html", form=form)


def _back_from_check(state: dict) -> str:
    if state.get("via") == "vietqr":
        return url_for("account.change_vietqr")
    return url_for(_number_step(state.get("kind", "bank")))


@bp.route("/change/check", methods=["GET", "POST"])
@limiter.limit(_code_limit, key_func=_per_person, methods=["POST"])
def change_check():
    beneficiary = acting_beneficiary()
    refused = _refused_redirect(beneficiary)
    if refused is not None:
        return refused
    state = _state()
    content, redirected = _rebuilt(beneficiary, state)
    if redirected is not None:
        return redirected
    fingerprint = change_requests.review_fingerprint(beneficiary, content)
    form = SendCodeForm()
    if form.validate_on_submit():
        if form.fingerprint.data != fingerprint:
            flash(_("The details changed since this page was shown. Check them again."), "error")
            return redirect(url_for("account.change_check"), code=303)
        try:
            challenge = change_requests.send_code(beneficiary, content, acting_actor())
        except ChangeRefused:
            return redirect(url_for("account.change_start"), code=303)
        state["challenge"] = challenge.public_id
        _save(state)
        return redirect(url_for("account.change_confirm"), code=303)
    form.fingerprint.data = fingerprint
    return render_template(
        "account/change_check.html",
        form=form,
        content=content,
        provider=content.provider,
        holder_matches=change_requests.holder_matches(beneficiary, content),
        registry_name=beneficiary.person.full_name,
        back=_back_from_check(state),
        change_provider=url_for(_provider_step(content.kind)),
        change_number=_back_from_check(state),
        registered_phone=beneficiary.person.phone,
    )


def _confirmation(beneficiary: Beneficiary, state: dict):
    """(content, challenge, None) for the confirm step, or (…, a redirect) when not ready."""
    content, redirected = _rebuilt(beneficiary, state)
    if redirected is not None:
        return None, None, redirected
    challenge = change_requests.find_challenge(state.get("challenge"))
    if challenge is None or challenge.person_id != beneficiary.person_id:
        state.pop("challenge", None)
        _save(state)
        flash(_("Check the details, then ask for a code."), "info")
        return None, None, redirect(url_for("account.change_check"), code=303)
    return content, challenge, None


def _restart_confirmation(state: dict, message: str):
    state.pop("challenge", None)
    _save(state)
    flash(message, "error")
    return redirect(url_for("account.change_check"), code=303)


@bp.route("/change/confirm", methods=["GET", "POST"])
def change_confirm():
    beneficiary = acting_beneficiary()
    refused = _refused_redirect(beneficiary)
    if refused is not None:
        return refused
    state = _state()
    content, challenge, redirected = _confirmation(beneficiary, state)
    if redirected is not None:
        return redirected
    fingerprint = change_requests.review_fingerprint(beneficiary, content)
    form = CodeForm()
    if form.validate_on_submit():
        if form.fingerprint.data != fingerprint:
            return _restart_confirmation(
                state, _("The details changed since this page was shown. Check them again.")
            )
        who = opener()
        confirmed = change_requests.confirm(
            beneficiary, challenge, form.code.data, content, acting_actor(),
            opened_by_kind=who.kind, opened_by_person_id=who.person_id,
        )
        outcome = confirmed.outcome
        if outcome is otp.Outcome.ACCEPTED:
            _clear()
            if confirmed.refused is not None:
                flash(refusal_text(confirmed.refused), "error")
                return redirect(url_for("account.change_start"), code=303)
            return redirect(url_for("account.request_sent", request_id=confirmed.request.id),
                            code=303)
        if outcome is otp.Outcome.WRONG:
            form.code.errors.append(
                _("The code is not right. Check the SMS and try again: %(left)d tries left.",
                  left=confirmed.attempts_left)
            )
        elif outcome is otp.Outcome.MISMATCH:
            return _restart_confirmation(
                state,
                _("The details changed after we sent the code, so that code no longer works. "
                  "Check the details and ask for a new code."),
            )
        elif outcome is otp.Outcome.FAILED:
            return _restart_confirmation(
                state, _("The code was entered wrongly too many times. Ask for a new code.")
            )
        else:
            return _restart_confirmation(
                state, _("The code has expired. Ask for a new code.")
            )
    form.fingerprint.data = fingerprint
    return render_template(
        "account/change_confirm.html",
        form=form,
        resend_form=EmptyForm(),
        content=content,
        provider=content.provider,
        wait=otp.seconds_until_resend(challenge),
        resend_at=challenge.last_sent_at,
        expires_at=challenge.expires_at,
        phone=beneficiary.person.phone,
    )


@bp.route("/change/confirm/resend", methods=["POST"])
@limiter.limit(_code_limit, key_func=_per_person)
def change_resend():
    beneficiary = acting_beneficiary()
    refused = _refused_redirect(beneficiary)
    if refused is not None:
        return refused
    state = _state()
    content, challenge, redirected = _confirmation(beneficiary, state)
    if redirected is not None:
        return redirected
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.change_confirm"), code=303)
    try:
        wait = change_requests.resend_code(beneficiary, challenge, content, acting_actor())
    except ValidationError as error:
        return _restart_confirmation(state, translated(error))
    if wait > 0:
        flash(_("You can ask for a new code in %(seconds)d seconds.", seconds=wait), "error")
    elif not otp.is_usable(challenge):
        return _restart_confirmation(state, _("The code has expired. Ask for a new code."))
    else:
        flash(_("We sent a new code. Earlier codes no longer work."), "success")
    return redirect(url_for("account.change_confirm"), code=303)
