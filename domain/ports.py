"""Ports to external systems, each with a simulated implementation that ships with the app."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from flask import current_app
from sqlalchemy import select

from domain.models import Person, SimBankAccount
from extensions import db


class PopulationRegistry(Protocol):
    def find_by_id_number(self, id_number: str) -> Person | None: ...


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> bool: ...


@dataclass(frozen=True)
class NameInquiryResult:
    holder_name: str
    known: bool


class BankNameInquiry(Protocol):
    def holder_name(self, provider_code: str, number: str) -> NameInquiryResult: ...


class SimulatedPopulationRegistry:
    """The demo registry: the `person` table."""

    def find_by_id_number(self, id_number: str) -> Person | None:
        return db.session.scalar(select(Person).where(Person.id_number == id_number))


class SimulatedSmsGateway:
    """Messages stay in the outbox table, which the demo phone at /sim/phone reads."""

    def send(self, phone: str, text: str) -> bool:
        return True


SIM_SURNAMES = ("NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "PHAN", "VU", "VO", "DANG")
SIM_MIDDLE = ("VAN", "THI", "HUU", "DUC", "MINH", "NGOC", "THANH", "QUANG")
SIM_GIVEN = ("AN", "BINH", "CUONG", "DUNG", "HA", "HUNG", "LAN", "MAI", "NAM", "TUAN", "YEN")


class SimulatedBankNameInquiry:
    """Seeded demo accounts; any other account gets a made-up, deterministic holder name."""

    def holder_name(self, provider_code: str, number: str) -> NameInquiryResult:
        from domain.providers import provider
        from domain.security import account_index

        index = account_index(provider(provider_code).kind, provider_code, number)
        known = db.session.scalar(
            select(SimBankAccount.holder_name).where(
                SimBankAccount.provider_code == provider_code,
                SimBankAccount.number_index == index,
            )
        )
        if known:
            return NameInquiryResult(known, True)
        digest = hashlib.sha256(f"{provider_code}:{number}".encode()).digest()
        name = " ".join(
            (
                SIM_SURNAMES[digest[0] % len(SIM_SURNAMES)],
                SIM_MIDDLE[digest[1] % len(SIM_MIDDLE)],
                SIM_GIVEN[digest[2] % len(SIM_GIVEN)],
            )
        )
        return NameInquiryResult(name, False)


def population_registry() -> PopulationRegistry:
    return current_app.extensions["ansinh.ports"]["registry"]


def sms_gateway() -> SmsGateway:
    return current_app.extensions["ansinh.ports"]["sms"]


def bank_name_inquiry() -> BankNameInquiry:
    return current_app.extensions["ansinh.ports"]["name_inquiry"]


def simulated_ports() -> dict[str, object]:
    return {
        "registry": SimulatedPopulationRegistry(),
        "sms": SimulatedSmsGateway(),
        "name_inquiry": SimulatedBankNameInquiry(),
    }


class UnconfiguredSmsGateway:
    """Production without a real gateway: messages stay in the outbox, nothing is faked."""

    def send(self, phone: str, text: str) -> bool:
        return False


def production_ports() -> dict[str, object]:
    # The registry is the locally synchronised copy in the `person` table; a real SMS gateway
    # and a real interbank name inquiry replace these by registering here.
    return {
        "registry": SimulatedPopulationRegistry(),
        "sms": UnconfiguredSmsGateway(),
        "name_inquiry": SimulatedBankNameInquiry(),
    }
