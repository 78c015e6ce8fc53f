"""The request log and the fault book behind the control API.

The server runs on one asyncio event loop, so a fault is taken (matched and counted down)
and a log entry appended without an ``await`` in between: parallel clients can neither
both consume the last use of a fault nor lose a log entry.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, fields


class RequestLog:
    def __init__(self):
        self._entries = []

    def append(self, entry: dict) -> None:
        self._entries.append(entry)

    def entries(self, portal: str | None = None) -> list:
        if portal is None:
            return list(self._entries)
        return [entry for entry in self._entries if entry["portal"] == portal]

    def clear(self, portal: str | None = None) -> None:
        if portal is None:
            self._entries.clear()
        else:
            self._entries[:] = [entry for entry in self._entries if entry["portal"] != portal]


@dataclass
class Fault:
    """The next ``times`` matching requests get this answer (a negative ``times`` never
    runs out). Without ``status``, ``body`` or ``drop`` the fault only delays the request,
    which then gets its normal answer."""

    id: int
    method: str | None = None
    path: str | None = None
    portal: str | None = None
    times: int = 1
    status: int | None = None
    body: str | None = None
    content_type: str | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    used: int = 0
    _pattern: re.Pattern | None = None

    def matches(self, method: str, relative_path: str, full_path: str, portal: str | None):
        if self.times >= 0 and self.used >= self.times:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        if self.portal and self.portal != portal:
            return False
        if self._pattern is None:
            return True
        return bool(self._pattern.search(relative_path) or self._pattern.search(full_path))

    @property
    def answers(self) -> bool:
        return self.drop or self.status is not None or self.body is not None

    def describe(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}


FAULT_FIELDS = {
    "method": (str,),
    "path": (str,),
    "portal": (str,),
    "times": (int,),
    "status": (int,),
    "body": (str,),
    "content_type": (str,),
    "headers": (dict,),
    "delay": (int, float),
    "drop": (bool,),
}


class FaultBook:
    def __init__(self):
        self._faults = []
        self._ids = itertools.count(1)

    def add(self, fields: dict) -> Fault:
        """Register a fault; raises ValueError for an unknown field, a wrong type or a bad
        regular expression, so the control API can answer 400."""
        # A null field means "use the default", whatever the field.
        fields = {name: value for name, value in fields.items() if value is not None}
        unknown = set(fields) - set(FAULT_FIELDS)
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        for name, value in fields.items():
            allowed = FAULT_FIELDS[name]
            if isinstance(value, bool) and bool not in allowed:
                raise ValueError(f"fault field {name!r} has the wrong type")
            if not isinstance(value, allowed):
                raise ValueError(f"fault field {name!r} has the wrong type")
        fault = Fault(id=next(self._ids), **fields)
        if fault.headers and not all(isinstance(v, str) for v in fault.headers.values()):
            raise ValueError("fault headers must be strings")
        if fault.path is not None:
            try:
                fault._pattern = re.compile(fault.path)
            except re.error as exc:
                raise ValueError(f"bad path pattern: {exc}") from None
        self._faults.append(fault)
        return fault

    def take(self, method: str, relative_path: str, full_path: str, portal: str | None):
        """The first fault that matches, already counted as used, or None."""
        for fault in self._faults:
            if fault.matches(method, relative_path, full_path, portal):
                fault.used += 1
                return fault
        return None

    def clear(self, portal: str | None = None) -> None:
        if portal is None:
            self._faults.clear()
        else:
            self._faults[:] = [fault for fault in self._faults if fault.portal != portal]

    def describe(self) -> list:
        return [fault.describe() for fault in self._faults]
