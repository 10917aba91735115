"""Mississippi runs the conformance tests every state plugin inherits."""
from iepkit.testing import StateConformance

from conftest import EXAMPLE


class TestMississippiConformance(StateConformance):
    state = "MS"
    sample_case = EXAMPLE
