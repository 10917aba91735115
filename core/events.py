"""The kinds of dated event a case can list: a public vocabulary, like ISSUE_TYPES.

A case's ``events`` are its one timeline: each has a ``date``, a ``type`` from
this list when the date starts deadlines, and ``what`` in the parent's words for
the letters' list of what happened. Every state uses these ids, so a case file
means the same in every state, and a rule's trigger is checked against this
list when a plugin loads. A new kind of event is added here, with plain words
saying which date to write, and to EVENT_WORDS, with the words a letter prints.
"""
from __future__ import annotations

EVENT_TYPES: dict[str, str] = {
    # The Starter Kit prints the words before the first ";" or " (" after "the day".
    "evaluation-requested": "you or the school asked for an initial evaluation, the first one to see "
                            "whether your child needs special education; out loud or in writing counts. "
                            "Use the day any school staff member got the request. For a child who "
                            "already has an IEP, record a reevaluation request instead",
    "reevaluation-requested": "you or a teacher asked the school to reevaluate a child who already has an "
                              "IEP; use the day the school got the request (put it in writing and keep "
                              "a copy)",
    "evaluation-meeting-held": "the evaluation team met to decide whether to do an initial evaluation "
                               "(your state may give this team its own name)",
    "evaluation-consent-signed": "you gave written consent for an initial evaluation; use the day the "
                                 "school got it",
    "evaluation-completed": "your child's most recent evaluation was finished",
    "eligibility-determined": "the team decided that your child needs special education",
    "iep-meeting-held": "the IEP meeting that wrote or last reviewed the IEP",
    "records-requested": "you asked to see your child's education records",
    "iep-meeting-requested": "you asked the district in writing for an IEP meeting; use the day the "
                             "district got your letter",
    "iee-requested": "you asked the district in writing for an independent educational evaluation at "
                     "public expense; use the day the district got your letter",
    "leaving-public-school": "your child will leave public school for a private school you ask the "
                             "district to pay for; to be safe, use the last day your child will attend "
                             "the public school",
    "violation-occurred": "the school broke a special-education rule (for a problem that goes on, "
                          "the most recent day it happened)",
    "violation-known": "the day you knew, or should have known, about the problem",
    "state-complaint-filed": "the state education agency received your state complaint",
    "due-process-complaint-received": "the other side received the due process complaint",
    "hearing-scheduled": "the day the due process hearing is set to take place (the hearing's date, "
                         "not the day it was set)",
    "resolution-agreement-signed": "you and the district signed an agreement at the resolution meeting",
    "hearing-decision-issued": "the hearing officer's decision was issued",
    "state-complaint-decision-issued": "the state education agency issued its written decision on your "
                                       "state complaint; use the date on the decision",
    "iep-meeting-no-agreement": "an IEP meeting ended without agreement on part of the IEP",
    "discrimination-occurred": "the most recent act of disability discrimination (Section 504 or the ADA)",
}

#: Old event ids still accepted in case files, plugin data and API calls, each
#: mapped to the id that replaced it. Loading normalises them, so the rest of
#: iepkit sees only ids in EVENT_TYPES. (Event ids are shared by every state,
#: so none may carry one state's name for a thing.)
EVENT_ALIASES: dict[str, str] = {
    "met-meeting-held": "evaluation-meeting-held",
}


def canonical_event(kind: str) -> str:
    """The current id for an event type: an old id (``EVENT_ALIASES``) becomes its replacement."""
    return EVENT_ALIASES.get(kind, kind)


#: Each event type in plain, past-tense words, for a letter's "What happened,
#: in order" list when an event has no ``what`` of its own. Letters are in the
#: parent's voice ("I"). Every id in EVENT_TYPES needs one (a test checks).
EVENT_WORDS: dict[str, str] = {
    "evaluation-requested": "An evaluation of my child was requested.",
    "reevaluation-requested": "I asked the school to reevaluate my child.",
    "evaluation-meeting-held": "The evaluation team met to decide whether to evaluate my child.",
    "evaluation-consent-signed": "The school received my written consent for the evaluation.",
    "evaluation-completed": "My child's evaluation was completed.",
    "eligibility-determined": "The team decided that my child needs special education.",
    "iep-meeting-held": "An IEP meeting was held.",
    "records-requested": "I asked to see my child's education records.",
    "iep-meeting-requested": "I asked in writing for an IEP meeting.",
    "iee-requested": "I asked for an independent educational evaluation at public expense.",
    "leaving-public-school": "This was the planned last day at the public school before my child moved to "
                             "a private school.",
    "violation-occurred": "The problem described in this letter happened.",
    "violation-known": "I learned of the problem.",
    "state-complaint-filed": "The state education agency received my state complaint.",
    "due-process-complaint-received": "The due process complaint was received.",
    "hearing-scheduled": "The due process hearing was set for this day.",
    "resolution-agreement-signed": "The district and I signed a resolution agreement.",
    "hearing-decision-issued": "The hearing officer issued a decision.",
    "state-complaint-decision-issued": "The state education agency issued its decision on my state complaint.",
    "iep-meeting-no-agreement": "An IEP meeting ended without agreement on my child's IEP.",
    "discrimination-occurred": "My child was discriminated against because of disability.",
}

#: What federal law says about an event that starts no fixed deadline, so the
#: deadlines output can say so instead of staying silent: (plain words, citations).
#: Shown only when no rule of the case's state counts from the event; a state
#: that sets its own time adds a deadline rule instead. Never a day count here.
EVENT_NOTES: dict[str, tuple[str, tuple[str, ...]]] = {
    "iep-meeting-requested": (
        "Federal law sets no fixed number of days for holding a meeting you ask for. The district must "
        "tell you about the meeting early enough that you can come, and set a time and place you both "
        "agree on. If it will not hold the meeting, ask it to say so in writing, with its reasons.",
        ("34 CFR 300.322(a)", "34 CFR 300.324(b)(1)"),
    ),
    "iee-requested": (
        "Federal law sets no fixed number of days here. Without unnecessary delay, the district must "
        "either make sure the independent evaluation is paid for, or ask for a due process hearing to "
        "show that its own evaluation was right. It may ask why you disagree, but you do not have to "
        "say, and it may not hold up its answer waiting for a reason. If weeks go by with no answer, "
        "write again and keep a copy.",
        ("34 CFR 300.502(b)(2)", "34 CFR 300.502(b)(4)"),
    ),
    "reevaluation-requested": (
        "Federal law sets no fixed number of days for a reevaluation you ask for. You do not have to "
        "give a reason. The school must get your written consent before it reevaluates (unless you do "
        "not answer after it tries to reach you), and need not reevaluate more than once a year unless "
        "you and the school agree. If it refuses, it must send you prior written notice saying why. "
        "Ask the school in writing when it will do the reevaluation.",
        ("34 CFR 300.303(a)(2)", "34 CFR 300.303(b)(1)", "34 CFR 300.300(c)", "34 CFR 300.9",
         "34 CFR 300.503(a)(2)", "U.S. Dept. of Education, 2006 comments on 34 CFR 300.303"),
    ),
}
