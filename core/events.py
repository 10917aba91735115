"""The kinds of dated event a case can list: a public vocabulary, like ISSUE_TYPES.

A case's ``events`` are ``{type, date}`` pairs; deadline rules start from them.
Every state uses these ids, so a case file means the same in every state and a
rule's trigger is checked against this list when a plugin loads. A new kind of
event is added here, with plain words saying which date to write.
"""
from __future__ import annotations

EVENT_TYPES: dict[str, str] = {
    "evaluation-requested": "you (or the school) asked for an evaluation, out loud or in writing; "
                            "use the day any school staff member got the request",
    "met-meeting-held": "the evaluation team (in Mississippi, the MET) met to decide whether to evaluate",
    "evaluation-consent-signed": "you gave written consent for the evaluation; use the day the school got it",
    "evaluation-completed": "your child's most recent evaluation was finished",
    "eligibility-determined": "the team decided that your child needs special education",
    "iep-meeting-held": "the IEP meeting that wrote or last reviewed the IEP",
    "records-requested": "you asked to see your child's education records",
    "violation-occurred": "the school broke a special-education rule (for a problem that goes on, "
                          "the most recent day it happened)",
    "violation-known": "the day you knew, or should have known, about the problem",
    "state-complaint-filed": "the state education agency received your state complaint",
    "due-process-complaint-received": "the other side received the due process complaint",
    "hearing-scheduled": "the day the due process hearing is set to take place (the hearing's date, "
                         "not the day it was set)",
    "resolution-agreement-signed": "you and the district signed an agreement at the resolution meeting",
    "hearing-decision-issued": "the hearing officer's decision was issued",
    "discrimination-occurred": "the most recent act of disability discrimination (Section 504 or the ADA)",
}
