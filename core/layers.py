"""Layers of law: the federal base and a state on top, merged item by item.

The built-in federal plugin (``iepkit.federal``) registers IDEA's deadline
rules, process facts and the elements federal rules require in letters
through the same hooks as a state, with ``state=FEDERAL``. For each state the
registry merges, by id:

- a federal item the state does not mention is **inherited** as is
  (origin ``FEDERAL``);
- a state item with the same id **overrides** it, in the federal item's place,
  with the state's own citation (origin: the state's code);
- an ``Amendment`` changes only some fields (``verified``, ``note``...) of the
  federal item: it stays the federal rule, marked as the state's (``amended``);
- a ``Withdrawal`` removes it, with the state's reason;
- a state item with a new id is an **addition**, after the federal items.

A federal letter with a template (core/federal/letters/) is inherited, overridden
or amended like any item: a state without a letter of its id gets it as is.
A federal letter with no template is **elements-only**: a state never inherits
it as a letter, but a state letter with its id inherits its elements, and each
of the state letter's elements with a federal element's id amends that
element (``merge_elements``).

One function does it, used by the registry for the view and by
``iepkit.statedata`` to check a state's files when they load.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Mapping

from .model import FEDERAL, Amendment, DeadlineRule, LetterElement, LetterTemplate, Process, Withdrawal

#: What a kind of item is called in messages.
KIND_WORDS = {"deadline_rules": "deadline rule", "processes": "process", "letters": "letter",
              "guides": "guide", "recommend_criteria": "recommender criteria"}


class LayerError(Exception):
    """A state changes or withdraws an item the federal layer does not have, or twice."""

    def __init__(self, message: str, change: Amendment | Withdrawal | None = None):
        super().__init__(message)
        self.change = change


def _where(change: Amendment | Withdrawal) -> str:
    return f"{change.source}: " if change.source else ""


def amend(item: Any, changes: Mapping[str, Any]) -> Any:
    """``item`` with ``changes`` applied: a rule's versions each get them; a process's facts merge by key."""
    if isinstance(item, DeadlineRule):
        return replace(item, versions=tuple(replace(v, **changes) for v in item.versions))
    updates = dict(changes)
    if isinstance(item, Process) and "facts" in updates:
        updates["facts"] = {**item.facts, **updates["facts"]}
    if isinstance(item, LetterTemplate) and "elements" in updates:
        updates["elements"] = merge_elements(item.elements, updates["elements"], item.state)
    if isinstance(item, LetterTemplate) and "notes" in updates:
        updates["notes"] = (*item.notes, *updates["notes"])  # the state's notes after the federal ones
    return replace(item, **updates)


def merge_elements(federal: Iterable[LetterElement], own: Iterable[LetterElement],
                   code: str) -> tuple[LetterElement, ...]:
    """A state letter's required elements on top of the federal letter's, by element id.

    A federal element the state's letter does not mention is inherited as is
    (origin FEDERAL). A state element with the same id **amends** it: it stays
    the federal requirement (``amended``), in the state's words (its label, and
    its ``fields``, ``phrase`` and ``when`` where given), citing the federal rule
    and then any rule of the state's own. The state's other elements follow. A
    required element cannot be withdrawn: federal law requires it.
    """
    own = list(own)
    mine = {e.id: e for e in own}
    out = [_amend_element(e, mine[e.id], code) if e.id in mine else replace(e, origin=FEDERAL)
           for e in federal]
    seen = {e.id for e in federal}
    out += [replace(e, origin=e.origin or code) for e in own if e.id not in seen]
    return tuple(out)


def _amend_element(federal: LetterElement, mine: LetterElement, code: str) -> LetterElement:
    refs = {c.ref for c in federal.cite}
    return replace(federal, label=mine.label, fields=mine.fields or federal.fields,
                   phrase=mine.phrase or federal.phrase, when=mine.when or federal.when,
                   verified=mine.verified and federal.verified,
                   cite=(*federal.cite, *(c for c in mine.cite if c.ref not in refs)),
                   origin=mine.origin or code, amended=True)


#: Fields whose change makes an amended rule count differently (not only read differently).
_COUNTING = ("count", "unit", "direction", "trigger_is_day_one", "roll_forward", "holidays_count")


def origin_label(origin: str, amended: bool, state_name: str, changes: Mapping[str, Any] | None = None) -> str:
    """Where a rule comes from, in plain words for a parent.

    An amendment that only rewords a federal rule (label, note, citations) is
    still the federal rule in force; one that changes how it counts is "changed
    by" the state; one that marks it unverified says it is not confirmed there.
    """
    changes = changes or {}
    if origin == FEDERAL or (amended and not any(k in changes for k in _COUNTING)
                             and changes.get("verified", True)):
        return f"Federal rule, used in {state_name}"
    if amended and not any(k in changes for k in _COUNTING):
        return f"Federal rule, not confirmed for {state_name}"
    if amended:
        return f"Federal rule, changed by {state_name}"
    return f"{state_name} rule"


def merge(kind: str, federal: Mapping[str, Any], own: Mapping[str, Any],
          changes: Iterable[Amendment | Withdrawal], code: str,
          state_name: str = "") -> tuple[dict[str, Any], dict[str, Withdrawal]]:
    """The state's merged items of one kind, in order, and what it withdrew (by id).

    ``own`` are the state's full items (overrides and additions) in its order.
    Raises LayerError naming the source and id of a change the federal layer
    cannot take.
    """
    what = KIND_WORDS.get(kind, kind)
    amendments: dict[str, Amendment] = {}
    withdrawn: dict[str, Withdrawal] = {}
    for change in changes:
        if change.id not in federal:
            verb = "withdraws" if isinstance(change, Withdrawal) else "amends"
            raise LayerError(f"{_where(change)}{verb} the federal {what} '{change.id}', but the federal layer "
                             f"has no {what} with that id", change)
        if change.id in amendments or change.id in withdrawn or change.id in own:
            raise LayerError(f"{_where(change)}the federal {what} '{change.id}' is overridden, amended or "
                             "withdrawn more than once; expected one entry for it", change)
        item = federal[change.id]
        if isinstance(item, LetterTemplate) and item.elements_only:
            verb = "withdraws" if isinstance(change, Withdrawal) else "amends"
            raise LayerError(f"{_where(change)}{verb} the federal letter '{change.id}', which holds only the "
                             "elements a letter of that id must have; expected the state's own letter "
                             "with that id instead", change)
        if isinstance(change, Withdrawal):
            withdrawn[change.id] = change
        else:
            amendments[change.id] = change
    def elements_only(item_id: str) -> bool:
        item = federal.get(item_id)
        return isinstance(item, LetterTemplate) and item.elements_only

    out: dict[str, Any] = {}
    for item_id, item in federal.items():
        if item_id in withdrawn or elements_only(item_id):
            continue  # an elements-only letter is merged into the state's own, in the state's order
        if item_id in own:
            out[item_id] = _mark(_over(item, own[item_id], code), code, code, False, state_name)
        elif item_id in amendments:
            out[item_id] = _mark(amend(replace(item, state=code), amendments[item_id].changes),
                                 code, code, True, state_name, amendments[item_id].changes)
        else:
            out[item_id] = _mark(item, code, FEDERAL, False, state_name)
    for item_id, item in own.items():
        if item_id not in federal or elements_only(item_id):
            out[item_id] = _mark(_over(federal.get(item_id), item, code), code, code, False, state_name)
    return out, withdrawn


def _over(federal: Any, mine: Any, code: str) -> Any:
    """The state's item in place of the federal one: a letter keeps the federal letter's elements."""
    if isinstance(mine, LetterTemplate) and isinstance(federal, LetterTemplate):
        return replace(mine, elements=merge_elements(federal.elements, mine.elements, code))
    return mine


def _mark(item: Any, code: str, origin: str, amended: bool, state_name: str,
          changes: Mapping[str, Any] | None = None) -> Any:
    """The item as the state's, with its origin recorded (on types that carry one)."""
    fields = getattr(item, "__dataclass_fields__", {})
    updates: dict[str, Any] = {}
    if "state" in fields:
        updates["state"] = code
    if "origin" in fields:
        updates["origin"] = origin
    if "amended" in fields:
        updates["amended"] = amended
    if "origin_label" in fields:
        updates["origin_label"] = origin_label(origin, amended, state_name or code, changes)
    if isinstance(item, LetterTemplate):
        # An inherited federal letter's parts are federal too (a part with no federal rule
        # behind it is then good practice); a state's own letter's parts are the state's.
        updates["elements"] = tuple(e if e.origin else replace(e, origin=origin) for e in item.elements)
    # Unchanged items stay the very object the plugin registered.
    updates = {k: v for k, v in updates.items() if getattr(item, k) != v}
    return replace(item, **updates) if updates else item
