"""The case file's shape as JSON Schema (draft 2020-12), made from CASE_SCHEMA.

One description of the case file: the validator (core/case.py's CASE_SCHEMA)
is the source, and this module only translates it, so an editor that checks
YAML as it is typed (the YAML language server reads a JSON Schema) flags the
same fields, with the same plain-words labels, as ``iepkit`` does. A few checks
need more than a schema can say (an event needs a ``type`` or a ``what``; a
date must be a real day within a window; letter case is ignored in choices):
``iepkit`` and ``api.validate`` still make them.
"""
from __future__ import annotations

from typing import Any

from . import schema as s

#: The JSON Schema dialect written.
DIALECT = "https://json-schema.org/draft/2020-12/schema"

# YAML 1.2 (what editors use) reads yes/no as text; iepkit reads both as yes or no.
_YES_NO = ["yes", "no", "Yes", "No", "YES", "NO", "true", "false", "True", "False"]


def json_schema(spec: s.Field) -> dict[str, Any]:
    """The JSON Schema for one field of the validator (a Record becomes an object, and so on)."""
    out: dict[str, Any] = {"description": spec.label} if spec.label else {}
    if isinstance(spec, s.Record):
        props: dict[str, Any] = {}
        for name, child in spec.fields.items():
            if isinstance(child, s.Retired):
                props[name] = {"not": {}, "description": f"{name} {child.message}"}
            else:
                props[name] = json_schema(child)
        out.update(type="object", properties=props, additionalProperties=spec.allow_extra)
        required = [name for name, child in spec.fields.items() if child.required]
        if required:
            out["required"] = required
    elif isinstance(spec, s.ListOf):
        out.update(type="array", items=json_schema(spec.item))
        if spec.min_items:
            out["minItems"] = spec.min_items
    elif isinstance(spec, s.Choice):
        out.update(type="string", enum=[*spec.choices, *spec.aliases])
    elif isinstance(spec, s.Bool):
        out["anyOf"] = [{"type": "boolean"}, {"type": "string", "enum": _YES_NO}]
    elif isinstance(spec, s.Date):
        # Case files keep dates as text (YYYY-MM-DD), as iepkit's YAML loader reads them.
        out.update(type="string", format="date", pattern=r"^\d{4}-\d{2}-\d{2}$")
    elif isinstance(spec, s.Pattern):
        out["anyOf"] = [{"type": "string", "pattern": f"^\\s*(?:{spec.regex})\\s*$"}, {"type": "integer"}]
        if spec.expected:
            out["description"] = f"{spec.label or 'text'}: {spec.expected}".strip(": ")
    elif isinstance(spec, s.Text):
        # A number is accepted as text (a grade of 3 is "3").
        out["anyOf"] = [{"type": "string", "minLength": 1, "maxLength": spec.max_length}, {"type": "number"}]
    return out


def case_json_schema() -> dict[str, Any]:
    """The whole case file's JSON Schema, ready for ``json.dumps``."""
    from .case import CASE_SCHEMA

    body = json_schema(CASE_SCHEMA)
    body.pop("description", None)
    return {"$schema": DIALECT, "title": "iepkit case file",
            "description": "A family's case for iepkit: the child, the parents, the district, the "
                           "disagreement and its dates. Made from iepkit's own validator; iepkit "
                           "checks a few things more (real dates, an event's type or words).",
            **body}
