"""Every problem code, once: its severity and what it means.  ``Problem.code`` is one of these.

Codes are stable (scripts and editors key on them; ``mtus rules validate --format json`` prints them).
A broken-rule fixture in tests/fixtures/broken_rules/ is named after the code it shows where one code
fits it.  An ``error`` makes the input unusable (exit 2); a ``warning`` is reported and the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """How bad a problem is: an error stops the input from being used, a warning does not."""

    ERROR = "error"
    WARNING = "warning"

    __str__ = str.__str__
    __format__ = str.__format__


@dataclass(frozen=True)
class Code:
    """One problem code: its name, severity and a one-line summary."""

    name: str
    severity: Severity
    summary: str


_E, _W = Severity.ERROR, Severity.WARNING
_ALL = (
    # Any input file.
    Code("bad-input", _E, "an input that cannot be read or used (the message says why)"),
    Code("no-such-file", _E, "a file or folder named on the command line does not exist"),
    Code("yaml-syntax", _E, "the file is not valid YAML"),
    Code("yaml-indent", _E, "a line is indented where YAML does not expect it"),
    Code("not-a-mapping", _E, "the document is not a mapping of keys to values"),
    Code("bad-output", _E, "an output path that cannot be written"),
    # Schema violations (rule and case files).
    Code("schema-unknown-field", _E, "a field the schema does not define"),
    Code("schema-missing-field", _E, "a required field is missing"),
    Code("schema-wrong-type", _E, "a value of the wrong type"),
    Code("schema-bad-date", _E, "a date not written as YYYY-MM-DD, or not a real date"),
    Code("schema-bad-value", _E, "a value outside the allowed set or range"),
    Code("schema-bad-name", _E, "an id, fact path or name not in the allowed form"),
    Code("schema-test-operators", _E, "a test with no operator, or more than one"),
    Code("schema-invalid", _E, "any other schema violation"),
    # Rule files.
    Code("unknown-fact", _E, "a test or explanation names a fact the vocabulary does not define"),
    Code("operator-type", _E, "an operator that cannot compare a fact of this type"),
    Code("operand-type", _E, "a value that can never equal the fact it is compared with"),
    Code("enum-value", _E, "a value that is not one of the fact's values"),
    Code("unknown-template-field", _E, "an explanation names an unknown fact"),
    Code("undefined-criterion", _E, "a decision names a criterion the rule does not define"),
    Code("duplicate-rule-id", _E, "two rules with the same id"),
    Code("duplicate-criterion-id", _E, "two criteria with the same id in one rule"),
    Code("duplicate-shared-criterion", _E, "two shared criteria with the same id"),
    Code("unknown-shared-criterion", _E, "`use:` names no shared criterion"),
    Code("duplicate-condition", _E, "two named conditions with the same name"),
    Code("unknown-condition", _E, "`{condition: NAME}` names no named condition"),
    Code("condition-cycle", _E, "a named condition that uses itself"),
    Code("unused-condition", _E, "a named condition no test uses"),
    Code("missing-citation", _E, "a criterion without the MTUS page or section it encodes"),
    Code("unused-criterion", _E, "a criterion the decision never reads"),
    Code("example-criterion", _E, "an example expects a criterion the rule does not define"),
    Code("example-facts", _E, "an example's facts are not a valid case"),
    Code("request-comment", _E, "an unquoted example request cut at '#'"),
    Code("effective-dates", _E, "an effective window that runs backwards"),
    Code("overlapping-rules", _E, "two rules for the same drug on the same dates"),
    Code("unknown-edition", _E, "a rule cites an edition the editions registry does not list"),
    Code("edition-window", _E, "a rule in force outside the dates of its edition"),
    # The editions registry and the MTUS Drug Lists (formulary).
    Code("edition-registry", _E, "the editions registry is inconsistent (dates, ids, overlapping editions)"),
    Code("drug-list", _E, "a formulary file (an imported MTUS Drug List) that cannot be used"),
    Code("drug-list-column", _E, "the MTUS Drug List being imported lacks a column, or its effective date"),
    Code("drug-list-row", _E, "a row of the MTUS Drug List being imported that cannot be read"),
    # Case files.
    Code("unknown-field", _E, "a case field the schema does not define"),
    Code("injury-after-report", _E, "the injury is dated after the report"),
    Code("unknown-drug", _E, "a requested drug the drug catalog does not know"),
    # Hostile and broken inputs (limits in checker/core/limits.py).
    Code("input-limit", _E, "an input past a size limit (the message names the variable that raises it)"),
    Code("not-a-file", _E, "a folder, named pipe or device where a file is needed"),
    Code("yaml-duplicate-key", _E, "a key given twice in one mapping (the last would silently win)"),
    Code("yaml-alias-cycle", _E, "an alias that contains itself (an endless value)"),
    Code("yaml-bad-value", _E, "a value that is no usable text or number (!!int \"x\", a lone surrogate, .nan)"),
    Code("no-rule-files", _E, "a rules folder without rule files"),
    Code("letter-item-unreadable", _E, "a disputed item of a letter whose outcome cannot be read"),
    Code("symlink-loop", _E, "a symbolic link that leads back to a folder above it"),
    Code("output-collision", _E, "two outputs of one run would land on the same file"),
    Code("audit-store", _E, "the audit database cannot be used or written (a full disk, not a database)"),
    # Runs over many inputs.
    Code("duplicate-case-id", _W, "two inputs carry the same case id"),
    # Audits on a Dask cluster, and optional dependencies.
    Code("cluster-unreachable", _E, "the Dask scheduler cannot be reached, or a worker failed"),
    Code("cluster-rules", _E, "the Dask workers' rules are not the client's (version or content hash)"),
    Code("worker-lost", _E, "an input whose audit workers (processes or Dask) kept dying, retried alone and skipped"),
    Code("missing-extra", _E, "a feature needs an optional dependency that is not installed"),
)

#: The registry: code name -> Code.
CODES: dict[str, Code] = {code.name: code for code in _ALL}


def severity(code: str) -> Severity:
    """The severity of a code (an unknown code is an error)."""
    found = CODES.get(code)
    return found.severity if found else Severity.ERROR
