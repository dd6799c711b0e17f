"""The demo population: deterministic, and idempotent (seeding twice changes nothing)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from domain import addresses
from domain.identifiers import make_id_number
from domain.models import (
    Beneficiary,
    ChangeRequest,
    Commune,
    Entitlement,
    Payment,
    Person,
    Province,
    SimBankAccount,
    StaffUser,
)
from domain.programmes import programme
from domain.security import account_index, encrypt, id_number_index
from extensions import db

PROVINCES = (("001", "Thành phố Hà Nội"), ("087", "Tỉnh Đồng Tháp"))
COMMUNES = (
    ("00101", "Phường Ba Đình", "001"),
    ("00102", "Xã Sóc Sơn", "001"),
    ("08701", "Phường Cao Lãnh", "087"),
    ("08702", "Xã Tháp Mười", "087"),
)


@dataclass(frozen=True)
class DemoPerson:
    """A person the README names, with where their benefit is paid today."""

    full_name: str
    birth_date: date
    sex: str
    birth_province: str
    serial: int
    phone: str
    commune: str
    programme: str | None = None
    account: tuple[str, str, str] | None = None  # kind, provider code, number
    holder_name: str | None = None
    deceased_on: date | None = None

    @property
    def id_number(self) -> str:
        return make_id_number(self.birth_province, self.birth_date.year, self.sex, self.serial)


STORY_PEOPLE = (
    DemoPerson("Nguyễn Thị Lan", date(1944, 3, 12), "female", "087", 123, "0912345678", "08701",
               "elderly_80", ("bank", "970405", "1506205123456"), "NGUYEN THI LAN"),
    DemoPerson("Trần Thị Mai", date(1972, 8, 2), "female", "087", 4567, "0987654321", "08701"),
    DemoPerson("Nguyễn Văn An", date(1984, 11, 20), "male", "087", 999, "0903123456", "08702",
               "disability_severe", ("bank", "970436", "0011001234567"), "NGUYEN VAN AN"),
    DemoPerson("Lê Văn Hùng", date(1958, 6, 5), "male", "001", 1234, "0977111222", "00101",
               "elderly_poor", ("ewallet", "momo", "0977111222"), "LE VAN HUNG"),
    DemoPerson("Phạm Thị Hoa", date(1950, 1, 30), "female", "001", 2345, "0945333444", "00102",
               "elderly_poor", ("mobile_money", "vnptmoney", "0945333444"), "PHAM THI HOA"),
    DemoPerson("Hoàng Văn Nam", date(1940, 9, 9), "male", "087", 3456, "0868555666", "08702",
               "elderly_80"),
    DemoPerson("Võ Văn Tư", date(1938, 4, 4), "male", "087", 9999, "0919777888", "08701",
               "elderly_80", ("bank", "970418", "31410001234567"), "VO VAN TU",
               deceased_on=date(2026, 9, 14)),
)

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE = {"male": ("Văn", "Hữu", "Đức", "Minh", "Quang", "Công"),
          "female": ("Thị", "Ngọc", "Thu", "Thanh", "Kim", "Bích")}
GIVEN = {"male": ("Bình", "Cường", "Dũng", "Hải", "Khánh", "Long", "Phúc", "Quý", "Sơn",
                  "Thắng", "Toàn", "Vinh", "Đạt", "Tâm"),
         "female": ("Hằng", "Hương", "Linh", "Loan", "Nga", "Nhung", "Oanh", "Phương",
                    "Thảo", "Trang", "Vân", "Xuân", "Yến", "Hạnh")}
PREFIXES = ("032", "033", "035", "038", "086", "096", "097", "098",  # Viettel
            "081", "083", "085", "088", "091", "094",  # VinaPhone
            "070", "076", "077", "079", "089", "090", "093")  # MobiFone
GENERATED_PROGRAMMES = ("elderly_80", "elderly_80", "elderly_poor", "disability_severe",
                        "disability_particularly_severe", "single_parent_poor",
                        "disability_severe_elderly", "orphan_child")
BANKS_FOR_DEMO = ("970436", "970415", "970418", "970405", "970422", "970407", "970403")

DEMO_STAFF = (
    # username, display name, role, province, commune code, TOTP secret (documented in README)
    ("officer.caolanh", "Đỗ Thị Hạnh", "officer", "087", "08701", "JBSWY3DPEHPK3PXPCAOLANH2"),
    ("officer.thapmuoi", "Bùi Văn Lộc", "officer", "087", "08702", "JBSWY3DPEHPK3PXPTHAPMUO2"),
    ("officer.badinh", "Ngô Thu Trang", "officer", "001", "00101", "JBSWY3DPEHPK3PXPBADINH22"),
    ("supervisor.dongthap", "Phan Minh Tuấn", "supervisor", "087", None,
     "JBSWY3DPEHPK3PXPSUPERDT2"),
    ("supervisor.hanoi", "Lý Thanh Hà", "supervisor", "001", None, "JBSWY3DPEHPK3PXPSUPERHN2"),
    ("support.1", "Dương Quang Huy", "support", None, None, "JBSWY3DPEHPK3PXPSUPPORT2"),
    ("admin", "Quản trị viên", "admin", None, None, "JBSWY3DPEHPK3PXPADMIN222"),
)
DEMO_STAFF_PASSWORD = "demo-Password-2026"  # noqa: S105 — documented demo login
# The support agent's own ID number: support staff cannot act on their own record.
SUPPORT_STAFF_PERSON = DemoPerson("Dương Quang Huy", date(1990, 2, 14), "male", "001", 7777,
                                  "0962888999", "00101")


def months_back(today: date, count: int) -> list[str]:
    """The `count` months before `today`'s month, oldest first, as YYYY-MM."""
    periods = []
    year, month = today.year, today.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        periods.append(f"{year:04d}-{month:02d}")
    return list(reversed(periods))


def _generated_people(rng: random.Random) -> list[DemoPerson]:
    people = []
    communes = [c[0] for c in COMMUNES]
    used_phones = {p.phone for p in STORY_PEOPLE} | {SUPPORT_STAFF_PERSON.phone}
    for index in range(36):
        sex = "female" if index % 2 else "male"
        is_child = index % 9 == 8
        year = rng.randint(2012, 2020) if is_child else rng.randint(1936, 1966)
        birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
        while True:
            phone = rng.choice(PREFIXES) + f"{rng.randint(0, 9_999_999):07d}"
            if phone not in used_phones:
                used_phones.add(phone)
                break
        commune = communes[index % len(communes)]
        birth_province = commune[:3]
        if index >= 30:  # some people in the registry who receive nothing
            people.append(DemoPerson(name, birth, sex, birth_province, 10_000 + index, phone,
                                     commune))
            continue
        code = "orphan_child" if is_child else GENERATED_PROGRAMMES[index % 7]
        which = index % 4  # bank, e-wallet, mobile money, cash
        holder = name.upper()
        account = None
        if which == 0:
            bank = BANKS_FOR_DEMO[index % len(BANKS_FOR_DEMO)]
            account = ("bank", bank, f"{rng.randint(10**12, 10**13 - 1)}")
        elif which == 1:
            account = ("ewallet", ("momo", "zalopay", "vnpay")[index % 3], phone)
        elif which == 2 and phone[:3] in ("032", "033", "035", "038", "086", "096", "097", "098"):
            account = ("mobile_money", "viettelmoney", phone)
        elif which == 2 and phone[:3] in ("081", "083", "085", "088", "091", "094"):
            account = ("mobile_money", "vnptmoney", phone)
        elif which == 2:
            account = ("mobile_money", "mobifonemoney", phone)
        from domain.names import normalize_name

        people.append(DemoPerson(name, birth, sex, birth_province, 10_000 + index, phone,
                                 commune, code, account,
                                 normalize_name(holder) if account else None))
    return people


def all_demo_people() -> list[DemoPerson]:
    return [*STORY_PEOPLE, SUPPORT_STAFF_PERSON, *_generated_people(random.Random(2026))]


def _payment_status(rng: random.Random, kind: str | None) -> tuple[str, str | None]:
    if kind is None:
        return "paid_cash", None
    roll = rng.random()
    if roll < 0.03:
        return "failed", "The receiving bank rejected the transfer: account closed or blocked"
    if roll < 0.05:
        return "returned", "The payment was returned by the receiving provider"
    return "paid", None


def seed(today: date | None = None) -> dict[str, int]:
    """Create what is missing; leave what exists. Returns counts of rows added."""
    today = today or datetime.now(UTC).date()
    added = {"provinces": 0, "communes": 0, "people": 0, "beneficiaries": 0, "payments": 0,
             "staff": 0}
    for code, name in PROVINCES:
        if db.session.get(Province, code) is None:
            db.session.add(Province(code=code, name=name))
            added["provinces"] += 1
    db.session.flush()
    communes: dict[str, Commune] = {}
    for code, name, province_code in COMMUNES:
        commune = db.session.scalar(select(Commune).where(Commune.code == code))
        if commune is None:
            commune = Commune(code=code, name=name, province_code=province_code)
            db.session.add(commune)
            added["communes"] += 1
        communes[code] = commune
    db.session.flush()

    periods = months_back(today, 24)
    for demo in all_demo_people():
        person = db.session.scalar(select(Person).where(Person.id_number == demo.id_number))
        if person is not None:
            continue
        person = Person(
            id_number=demo.id_number,
            full_name=demo.full_name,
            birth_date=demo.birth_date,
            sex=demo.sex,
            phone=demo.phone,
            commune_id=communes[demo.commune].id,
            status="deceased" if demo.deceased_on else "alive",
            deceased_on=demo.deceased_on,
        )
        db.session.add(person)
        db.session.flush()
        added["people"] += 1
        if demo.programme is None:
            continue
        _seed_beneficiary(demo, person, periods, today)
        added["beneficiaries"] += 1
        added["payments"] += len(periods)

    for username, display, role, province, commune_code, secret in DEMO_STAFF:
        if db.session.scalar(select(StaffUser).where(StaffUser.username == username)):
            continue
        staff = StaffUser(
            username=username,
            display_name=display,
            role=role,
            province_code=province,
            commune_id=communes[commune_code].id if commune_code else None,
            password_hash=generate_password_hash(DEMO_STAFF_PASSWORD),
            totp_secret_encrypted=encrypt(secret),
            totp_enrolled_at=datetime.now(UTC),
        )
        if username == "support.1":
            staff.id_number_index = id_number_index(SUPPORT_STAFF_PERSON.id_number)
        db.session.add(staff)
        added["staff"] += 1
    db.session.commit()
    added["requests"] = _seed_requests()
    return added


# Requests waiting for an officer, so the review queue has work in the demo: one that passes
# every check, and one whose account is in someone else's name (high-risk).
DEMO_REQUESTS = (
    ("087040003456", "bank", "970436", "0071000555666", "HOANG VAN NAM"),
    ("087084000999", "bank", "970422", "0801234567890", None),
)


def _seed_requests() -> int:
    from domain import change_requests
    from domain.actors import Actor

    made = 0
    for id_number, kind, provider_code, number, holder in DEMO_REQUESTS:
        person = db.session.scalar(select(Person).where(Person.id_number == id_number))
        beneficiary = person and db.session.scalar(
            select(Beneficiary).where(Beneficiary.person_id == person.id))
        if beneficiary is None or db.session.scalar(
            select(ChangeRequest.id).where(ChangeRequest.beneficiary_id == beneficiary.id)
        ):
            continue
        if holder is not None:
            index = account_index(kind, provider_code, number)
            db.session.add(SimBankAccount(provider_code=provider_code, number_index=index,
                                          holder_name=holder))
            db.session.flush()
        content = change_requests.content_for(beneficiary, kind, provider_code, number)
        change_requests.submit_change(beneficiary, content, Actor.system("demo-seed"))
        made += 1
    return made


def _seed_beneficiary(demo: DemoPerson, person: Person, periods: list[str], today: date) -> None:
    rng = random.Random(demo.id_number)
    prog = programme(demo.programme)
    enrolled = date(int(periods[0][:4]) - 1, 1, 1)
    beneficiary = Beneficiary(person_id=person.id, status="active", enrolled_on=enrolled)
    if demo.deceased_on:
        beneficiary.status = "ended"
    db.session.add(beneficiary)
    db.session.flush()
    db.session.add(
        Entitlement(
            beneficiary_id=beneficiary.id,
            programme=prog.code,
            coefficient_tenths=prog.coefficient_tenths,
            monthly_amount=prog.monthly_amount,
            starts_on=enrolled,
            ends_on=demo.deceased_on,
        )
    )
    cash = addresses.build_address(
        beneficiary_id=beneficiary.id, kind="cash", provider_code=None, number=None,
        holder_name=None, status="active" if demo.account is None else "superseded",
        active_from=enrolled,
    )
    db.session.add(cash)
    account = None
    switched = periods[3]  # the account was linked three months into the history
    if demo.account is not None:
        kind, provider_code, number = demo.account
        cash.active_until = date(int(switched[:4]), int(switched[5:]), 1)
        account = addresses.build_address(
            beneficiary_id=beneficiary.id, kind=kind, provider_code=provider_code,
            number=number, holder_name=demo.holder_name, status="active",
            active_from=cash.active_until,
        )
        db.session.add(account)
        index = account_index(kind, provider_code, number)
        if db.session.scalar(select(SimBankAccount).where(
                SimBankAccount.provider_code == provider_code,
                SimBankAccount.number_index == index)) is None:
            db.session.add(SimBankAccount(provider_code=provider_code, number_index=index,
                                          holder_name=demo.holder_name))
    db.session.flush()
    for period in periods:
        if demo.deceased_on and period > demo.deceased_on.strftime("%Y-%m"):
            break
        uses_account = account is not None and period >= switched
        target = account if uses_account else cash
        status, reason = _payment_status(rng, target.provider_code)
        paid_at = datetime(int(period[:4]), int(period[5:]), 10, 3, 0, tzinfo=UTC)
        db.session.add(
            Payment(
                beneficiary_id=beneficiary.id,
                period=period,
                programme=prog.code,
                amount=prog.monthly_amount,
                status=status,
                fa_kind=target.kind,
                fa_provider_code=target.provider_code,
                fa_masked=addresses.masked_number(target) or None,
                fa_index=target.number_index,
                partner_reference=f"DEMO-{beneficiary.id:06d}-{period}-{prog.code}",
                paid_at=paid_at if status in ("paid", "paid_cash") else None,
                failure_reason=reason,
                created_at=paid_at - timedelta(days=5),
                updated_at=paid_at,
            )
        )
