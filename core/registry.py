"""Everything the loaded plugins registered, checked and indexed by state.

Built once per process from a PluginHost. A plugin whose content is invalid
(wrong type, unknown state, duplicate id) is marked broken with the reason, and
everything it registered is dropped, so no half-registered state is used.

Content registered with ``state=FEDERAL`` (by the built-in ``federal`` plugin
only) is the federal layer: each state's tables hold the merged view, federal
items overridden, amended, withdrawn or added to by the state (``iepkit.layers``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import IepkitError, UnknownChoiceError
from .layers import KIND_WORDS, LayerError, merge
from .model import (FEDERAL, Amendment, DeadlineRule, Guide, LetterTemplate, Process, RecommendCriteria, State,
                    Withdrawal)
from .plugins import FEDERAL_PLUGIN, PluginHost


class _Invalid(Exception):
    pass


_CONTENT = ("processes", "letters", "deadline_rules", "guides", "recommend_criteria")
#: Kinds a state may amend or withdraw from the federal layer by id.
_LAYERED = ("processes", "letters", "deadline_rules")


@dataclass
class Registry:
    host: PluginHost
    states: dict[str, State] = field(default_factory=dict)
    processes: dict[str, dict[str, Process]] = field(default_factory=dict)
    letters: dict[str, dict[str, LetterTemplate]] = field(default_factory=dict)
    deadline_rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    guides: dict[str, dict[str, Guide]] = field(default_factory=dict)
    recommend_criteria: dict[str, dict[str, RecommendCriteria]] = field(default_factory=dict)
    state_plugin: dict[str, str] = field(default_factory=dict)
    #: The federal layer's items by kind and id, before any state's changes.
    federal: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: What each state withdrew from the federal layer: kind -> code -> id -> Withdrawal.
    withdrawn: dict[str, dict[str, dict[str, Withdrawal]]] = field(default_factory=dict)
    _owners: dict[tuple[str, str, str], str] = field(default_factory=dict, repr=False)
    #: Each state's own full items (overrides and additions), before merging: kind -> code -> id.
    _own: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict, repr=False)
    #: Each state's amendments and withdrawals (kind -> code -> list), with their plugin.
    _changes: dict[str, dict[str, list[tuple[Amendment | Withdrawal, str]]]] = field(
        default_factory=dict, repr=False)

    # -- building ------------------------------------------------------------
    @classmethod
    def build(cls, host: PluginHost) -> "Registry":
        reg = cls(host=host)
        # Collected per plugin first, so a plugin that fails later loses everything.
        got: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))

        def collector(kind: str, expected: type | None) -> Callable[[str], Callable[[Any], None]]:
            # Amendments and withdrawals of federal items come through the same hook.
            accepted = (expected, Amendment, Withdrawal) if kind in _LAYERED else (expected,)

            def make(plugin: str) -> Callable[[Any], None]:
                def register(item: Any) -> None:
                    if expected is not None and not isinstance(item, accepted):
                        raise _Invalid(f"registered a {type(item).__name__} where a "
                                       f"{expected.__name__} was expected")
                    got[plugin][kind].append(item)
                return register
            return make

        host.call_each("register_states", collector("states", State))
        failed = {i.name for i in host.broken}
        for plugin in sorted(got):
            if plugin in failed:
                continue
            for state in got[plugin]["states"]:
                other = reg.state_plugin.get(state.code)
                if other and other != plugin:
                    host.mark_broken(plugin, f"registers state {state.code}, which plugin '{other}' already provides")
                else:
                    reg.state_plugin[state.code] = plugin
        host.call_each("register_processes", collector("processes", Process))
        host.call_each("register_letters", collector("letters", LetterTemplate))
        host.call_each("register_deadline_rules", collector("deadline_rules", DeadlineRule))
        host.call_each("register_guides", collector("guides", Guide))
        host.call_each("register_recommend_criteria", collector("recommend_criteria", RecommendCriteria))

        broken = {i.name for i in host.broken}
        # Plugins that provide a state go first, so a state's own content wins
        # over another plugin's duplicate of it; then alphabetical, for stable results.
        owners = set(reg.state_plugin.values())
        for plugin in sorted(got, key=lambda name: (name not in owners, name)):
            if plugin in broken:
                continue
            try:
                reg._accept(plugin, got[plugin])
            except _Invalid as exc:
                host.mark_broken(plugin, f"registered invalid content ({exc})")
        # Merging can fail (a change to a federal item that does not exist): the plugin
        # that made it is dropped and the rest merged again, until nothing fails.
        while True:
            if host.broken:
                reg._drop({i.name for i in host.broken})
            failed = reg._merge()
            already = {i.name for i in host.broken}
            if not failed or set(failed) <= already:  # nothing new to drop: stop
                return reg
            for plugin, reason in failed.items():
                host.mark_broken(plugin, f"registered invalid content ({reason})")

    def _accept(self, plugin: str, kinds: dict[str, list[Any]]) -> None:
        for state in kinds["states"]:
            if self.state_plugin.get(state.code) == plugin:
                self.states[state.code] = state
        for kind in _CONTENT:
            own = self._own.setdefault(kind, {})
            for item in kinds[kind]:
                code = getattr(item, "state", None)
                item_id = getattr(item, "id", None)
                what = kind[:-1].replace("_", " ")
                if code == FEDERAL:
                    if plugin != FEDERAL_PLUGIN or isinstance(item, (Amendment, Withdrawal)):
                        raise _Invalid(f"{what} '{item_id}' is for the federal layer, which only the "
                                       f"built-in '{FEDERAL_PLUGIN}' plugin provides")
                    bucket = self.federal.setdefault(kind, {})
                elif code not in self.state_plugin:
                    raise _Invalid(f"{what} '{item_id}' is for state '{code}', which no plugin registers")
                elif isinstance(item, (Amendment, Withdrawal)):
                    self._changes.setdefault(kind, {}).setdefault(code, []).append((item, plugin))
                    continue
                else:
                    bucket = own.setdefault(code, {})
                if item_id in bucket:
                    raise _Invalid(f"{what} '{item_id}' for {code} is registered twice")
                bucket[item_id] = item
                self._owners[(kind, code, item_id)] = plugin

    def _merge(self) -> dict[str, str]:
        """Each state's view: the federal layer merged with its own items. Returns failures by plugin."""
        from .deadlines import rule_problems  # the engine's check of chains and loops

        failed: dict[str, str] = {}
        self.withdrawn.clear()
        for kind in _CONTENT:
            table = getattr(self, kind)
            table.clear()
            for code, state in self.states.items():
                changes = self._changes.get(kind, {}).get(code, [])
                try:
                    merged, withdrawn = merge(kind, self.federal.get(kind, {}), self._own.get(kind, {}).get(code, {}),
                                              [c for c, _ in changes], code, state.name)
                except LayerError as exc:
                    bad = next((p for c, p in changes if c is exc.change), self.state_plugin[code])
                    failed.setdefault(bad, str(exc))
                    continue
                if kind == "deadline_rules":
                    problems = rule_problems(merged)
                    if problems:
                        failed.setdefault(self.state_plugin[code], f"{KIND_WORDS[kind]}s for {code} after "
                                          "merging with the federal layer: "
                                          + "; ".join(f"{p.path}: {p.message}" for p in problems))
                        continue
                if merged:
                    table[code] = merged
                if withdrawn:
                    self.withdrawn.setdefault(kind, {})[code] = withdrawn
        return failed

    def _drop(self, plugins: set[str]) -> None:
        """Remove everything the given (broken) plugins registered."""
        if FEDERAL_PLUGIN in plugins:
            # Without the federal layer no state is complete: every state is dropped.
            plugins = plugins | set(self.state_plugin.values())
        for code, owner in list(self.state_plugin.items()):
            if owner in plugins:
                self.states.pop(code, None)
                del self.state_plugin[code]
        for (kind, code, item_id), owner in list(self._owners.items()):
            if owner in plugins or (code != FEDERAL and code not in self.states):
                (self.federal.get(kind, {}) if code == FEDERAL else self._own.get(kind, {}).get(code, {})).pop(
                    item_id, None)
                del self._owners[(kind, code, item_id)]
        for by_code in self._changes.values():
            for code in list(by_code):
                by_code[code] = [(c, p) for c, p in by_code[code] if p not in plugins and code in self.states]

    # -- lookups -------------------------------------------------------------
    def find_state(self, query: str) -> State:
        """A state by code or name, any case ("MS", "ms", "Mississippi")."""
        q = query.strip().lower()
        for state in self.states.values():
            if q in (state.code.lower(), state.name.lower()):
                return state
        raise UnknownChoiceError("state", query, [f"{s.code} ({s.name})" for s in self.sorted_states()])

    def sorted_states(self) -> list[State]:
        return sorted(self.states.values(), key=lambda s: s.code)

    def processes_for(self, code: str) -> list[Process]:
        return list(self.processes.get(code, {}).values())

    def letters_for(self, code: str) -> list[LetterTemplate]:
        return list(self.letters.get(code, {}).values())

    def guides_for(self, code: str) -> list[Guide]:
        return list(self.guides.get(code, {}).values())

    def criteria_for(self, code: str) -> RecommendCriteria | None:
        return self.recommend_criteria.get(code, {}).get("criteria")

    def withdrawn_for(self, code: str, kind: str = "deadline_rules") -> dict[str, Withdrawal]:
        """The federal items of ``kind`` a state withdrew, by id, each with its reason."""
        return dict(self.withdrawn.get(kind, {}).get(code, {}))

    def letter(self, code: str, letter_id: str) -> LetterTemplate:
        letters = self.letters.get(code, {})
        if letter_id not in letters:
            raise UnknownChoiceError(f"letter type for {code}", letter_id, sorted(letters))
        return letters[letter_id]

    def require_state(self) -> None:
        if not self.states:
            raise IepkitError("No state plugins are installed or loaded. "
                              "Check IEPKIT_LOAD_PLUGINS, or reinstall iepkit.")
