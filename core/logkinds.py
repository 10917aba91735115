"""The kinds of contact a communication log records (``iepkit log``).

In a module of their own, without the log's storage (``iepkit.commlog``), so
``iepkit log --help`` and ``iepkit --help`` can name them without loading it.
"""
from __future__ import annotations

#: The kinds of contact, each with the words the printed log uses in its "How" column.
KINDS: dict[str, str] = {
    "call": "Phone call",
    "email": "Email",
    "meeting": "Meeting",
    "letter-sent": "Letter sent",
    "letter-received": "Letter received",
    "visit": "Visit",
    "note": "Note",
}
