"""Saving the recommender's answers as a YAML file that ``--answers`` reads back."""
from __future__ import annotations

import datetime as _dt
from typing import Any

from .recommend import QUESTIONS


def answers_yaml(answers: dict[str, Any], today: _dt.date) -> str:
    """Answers as a YAML file that ``--answers`` reads back, each under its question.

    Every value is an id, yes/no or a date the validator accepted, never free
    text, so nothing typed needs quoting.
    """
    lines = [f"# Your answers for `iepkit recommend`, saved {today.isoformat()}.",
             "# Use them again with: iepkit recommend --answers THIS-FILE",
             "# These win over the same answers in a case file: if an issue or a date",
             "# changes in your case, change it here too, or delete its line.", ""]
    for key, question in QUESTIONS.items():
        if key not in answers or answers[key] is None:
            continue
        value = answers[key]
        if isinstance(value, bool):
            text = "yes" if value else "no"
        elif isinstance(value, (list, tuple)):
            text = "[" + ", ".join(str(v) for v in value) + "]"
        elif isinstance(value, _dt.date):
            text = value.isoformat()
        else:
            text = str(value)
        lines += [f"# {question}", f"{key}: {text}"]
    return "\n".join(lines) + "\n"
