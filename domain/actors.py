"""Who does something, and for whom: passed from the web layer into every service."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    kind: str  # citizen | staff | partner | system
    id: int | None = None
    label: str | None = None
    on_behalf_of_person_id: int | None = None
    client_address: str | None = None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(kind="system", label=label)
