"""All models, imported here so Alembic and the app see one metadata."""

from domain.models.addresses import ChangeRequest, FinancialAddress
from domain.models.audit import AuditEvent
from domain.models.auth import AuthSession, OtpChallenge, SigninLockout, StaffSigninFailure
from domain.models.beneficiaries import Beneficiary, Entitlement
from domain.models.delegations import Delegation
from domain.models.notifications import Notification, NotMeReport
from domain.models.partners import ApiKey, Partner
from domain.models.payments import Payment
from domain.models.registry import Commune, Person, Province
from domain.models.simulation import SimBankAccount
from domain.models.staff import StaffUser

__all__ = [
    "ApiKey",
    "AuditEvent",
    "AuthSession",
    "Beneficiary",
    "ChangeRequest",
    "Commune",
    "Delegation",
    "Entitlement",
    "FinancialAddress",
    "NotMeReport",
    "Notification",
    "OtpChallenge",
    "Partner",
    "Payment",
    "Person",
    "Province",
    "SigninLockout",
    "SimBankAccount",
    "StaffSigninFailure",
    "StaffUser",
]
