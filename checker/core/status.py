"""The status of a criterion for one item, read by every stage (engine, authoring, audit, reports).

The JSON strings are the contract (design.md): ``met``, ``not_met``, ``not_documented``, ``not_applicable``.
A criterion's test gives a three-valued result (True, False, None: Kleene logic); a criterion whose
``when`` is false does not apply, and its decision value is :data:`NA`, neutral in ``all`` and ``any``.
"""

from __future__ import annotations

from enum import Enum


class NotApplicable:
    """The decision value of a criterion that does not apply: neutral in all/any."""

    def __repr__(self) -> str:
        return "NA"


NA = NotApplicable()


class Status(str, Enum):
    """A criterion's status; a ``str`` equal to its JSON string, so it serialises and compares as one."""

    MET = "met"
    NOT_MET = "not_met"
    NOT_DOCUMENTED = "not_documented"
    NOT_APPLICABLE = "not_applicable"

    __str__ = str.__str__
    __format__ = str.__format__

    @property
    def words(self) -> str:
        """The status as a person reads it: ``not documented``, ``n/a``."""
        return "n/a" if self is Status.NOT_APPLICABLE else self.value.replace("_", " ")

    @property
    def decision_value(self) -> bool | None | NotApplicable:
        """The value a decision reads: True, False, None (not documented) or NA."""
        return _VALUE[self]

    @classmethod
    def of(cls, value: bool | None | NotApplicable) -> Status:
        """The status of a three-valued test result, or NA."""
        return _STATUS[value]


_VALUE: dict[Status, bool | None | NotApplicable] = {Status.MET: True, Status.NOT_MET: False,
                                                     Status.NOT_DOCUMENTED: None, Status.NOT_APPLICABLE: NA}
_STATUS: dict[object, Status] = {True: Status.MET, False: Status.NOT_MET, None: Status.NOT_DOCUMENTED,
                                 NA: Status.NOT_APPLICABLE}
#: Every status, in the order reports list them.
STATUSES: tuple[Status, ...] = tuple(Status)
