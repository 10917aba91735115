"""Every check iepkit asks of a state, run for __STATE_NAME__ (iepkit.testing)."""
from iepkit.testing import StateConformance

import iepkit___SLUG__


class Test__CLASS_NAME__(StateConformance):
    state = "__STATE_CODE__"
    sample_case = iepkit___SLUG__.EXAMPLE_CASE
