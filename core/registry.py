"""Everything the loaded plugins registered, checked and indexed by state.

Built once per process from a PluginHost. A plugin whose content is invalid
(wrong type, unknown state, duplicate id) is marked broken with the reason, and
everything it registered is dropped, so no half-registered state is used.

Content registered with ``state=FEDERAL`` (by the built-in ``federal`` plugin
only) is the federal layer: each state's tables hold the merged view, federal
items overridden, amended, withdrawn or added to by the state (``iepkit.layers``).
"""
from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import IepkitError, UnknownChoiceError
from .layers import KIND_WORDS, LayerError, merge
from .model import (FEDERAL, Amendment, DeadlineRule, Guide, LetterTemplate, Process, RecommendCriteria, State,
                    Withdrawal)
from .plugins import FEDERAL_PLUGIN, PluginHost, process_host, set_process_host


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

    #: Lazy registries only: the plugins whose content hooks were called, with what they registered.
    _got: dict[str, dict[str, list[Any]]] = field(default_factory=dict, repr=False)
    _loaded: set[str] = field(default_factory=set, repr=False)
    #: Reading a state's content rebuilds the merged tables: one thread at a time, and no lookup
    #: while it happens, so threads sharing a lazy registry never see it half-built.
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    # -- building ------------------------------------------------------------
    @classmethod
    def build(cls, host: PluginHost, lazy: bool = False) -> "Registry":
        """Every plugin's states and content, checked. ``lazy``: only the states now, and a
        state's content (processes, letters, rules, guides) on first use, so start-up does
        not grow with the number of states installed."""
        reg = cls(host=host)
        got = reg._got = defaultdict(lambda: defaultdict(list))
        host.call_each("register_states", reg._collector(got, "states", State))
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
        broken = {i.name for i in host.broken}
        for plugin in sorted(got):
            for state in got[plugin]["states"]:
                if plugin not in broken and reg.state_plugin.get(state.code) == plugin:
                    reg.states[state.code] = state
        reg._drop(broken)
        if not lazy:
            reg.load_all()
        return reg

    def load_all(self) -> None:
        """Read every plugin's content now (``iepkit plugins`` reports every failure)."""
        self._load(set(self.host.plugin_names()))

    def load_state(self, code: str) -> None:
        """Make sure a state's content is read: its plugin's, the federal layer's and that of
        plugins that register no state (they may add to any state). A plugin that fails
        here is dropped with its reason, as at start-up; its states with it."""
        owner = self.state_plugin.get(code)
        if owner is None or owner in self._loaded:
            return
        with self._lock:
            owners = set(self.state_plugin.values())
            self._load({owner, *(p for p in self.host.plugin_names() if p not in owners)})

    def _load(self, plugins: set[str]) -> None:
        with self._lock:
            self._load_locked(plugins)

    def _load_locked(self, plugins: set[str]) -> None:
        new = plugins - self._loaded
        if not new:
            return
        self._loaded |= new
        got = self._got
        for hook, kind, expected in (("register_processes", "processes", Process),
                                     ("register_letters", "letters", LetterTemplate),
                                     ("register_deadline_rules", "deadline_rules", DeadlineRule),
                                     ("register_guides", "guides", Guide),
                                     ("register_recommend_criteria", "recommend_criteria", RecommendCriteria)):
            self.host.call_each(hook, self._collector(got, kind, expected), only=new)
        # Rebuilt from what every loaded plugin registered, in the same order as always, so the
        # result never depends on which state was read first.
        self.federal.clear()
        self._own.clear()
        self._changes.clear()
        self._owners.clear()
        broken = {i.name for i in self.host.broken}
        # Plugins that provide a state go first, so a state's own content wins
        # over another plugin's duplicate of it; then alphabetical, for stable results.
        owners = set(self.state_plugin.values())
        for plugin in sorted(self._loaded, key=lambda name: (name not in owners, name)):
            if plugin in broken:
                continue
            try:
                self._accept(plugin, got[plugin])
            except _Invalid as exc:
                self.host.mark_broken(plugin, f"registered invalid content ({exc})")
        # Merging can fail (a change to a federal item that does not exist): the plugin
        # that made it is dropped and the rest merged again, until nothing fails.
        while True:
            if self.host.broken:
                self._drop({i.name for i in self.host.broken})
            failed = self._merge()
            already = {i.name for i in self.host.broken}
            if not failed or set(failed) <= already:  # nothing new to drop: stop
                return
            for plugin, reason in failed.items():
                self.host.mark_broken(plugin, f"registered invalid content ({reason})")

    @staticmethod
    def _collector(got: dict[str, dict[str, list[Any]]], kind: str,
                   expected: type | None) -> Callable[[str], Callable[[Any], None]]:
        # Collected per plugin first, so a plugin that fails later loses everything.
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

    def _accept(self, plugin: str, kinds: dict[str, list[Any]]) -> None:
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
                elif self.state_plugin[code] != plugin and plugin in self.state_plugin.values():
                    # A state's content is read from its own plugin and from plugins that register
                    # no state; another state's plugin is not read when this state is used.
                    raise _Invalid(f"{what} '{item_id}' is for state '{code}', which plugin "
                                   f"'{self.state_plugin[code]}' provides; a plugin that registers "
                                   "states adds content to its own states only")
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
                if self.state_plugin[code] not in self._loaded:
                    continue  # read when the state is first used
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
        for state in list(self.states.values()):
            if q in (state.code.lower(), state.name.lower()):
                plugin = self.state_plugin[state.code]
                # Failures are told once: this state's as the error below, any other plugin's as usual.
                with self._lock:
                    tell, self.host.on_broken = self.host.on_broken, None
                    before = {i.name for i in self.host.broken}
                    try:
                        self.load_state(state.code)
                    finally:
                        self.host.on_broken = tell
                unusable = state.code not in self.states  # its content failed when first read
                for info in self.host.broken:
                    if tell and info.name not in before and not (unusable and info.name == plugin):
                        tell(info)
                if unusable:
                    raise IepkitError(f"{state.name} ({state.code}) cannot be used: its plugin '{plugin}' "
                                      f"{self.host.infos[plugin].error}")
                return state
        raise UnknownChoiceError("state", query, [f"{s.code} ({s.name})" for s in self.sorted_states()])

    def sorted_states(self) -> list[State]:
        with self._lock:  # a state whose content fails to load is dropped from ``states``
            return sorted(self.states.values(), key=lambda s: s.code)

    def processes_for(self, code: str) -> list[Process]:
        with self._lock:
            self.load_state(code)
            return list(self.processes.get(code, {}).values())

    def letters_for(self, code: str) -> list[LetterTemplate]:
        with self._lock:
            self.load_state(code)
            return list(self.letters.get(code, {}).values())

    def guides_for(self, code: str) -> list[Guide]:
        with self._lock:
            self.load_state(code)
            return list(self.guides.get(code, {}).values())

    def criteria_for(self, code: str) -> RecommendCriteria | None:
        with self._lock:
            self.load_state(code)
            return self.recommend_criteria.get(code, {}).get("criteria")

    def withdrawn_for(self, code: str, kind: str = "deadline_rules") -> dict[str, Withdrawal]:
        """The federal items of ``kind`` a state withdrew, by id, each with its reason."""
        with self._lock:
            self.load_state(code)
            return dict(self.withdrawn.get(kind, {}).get(code, {}))

    def rules_for(self, code: str) -> dict[str, Any]:
        """A state's deadline rules (the federal layer's merged with its own), by id."""
        with self._lock:
            self.load_state(code)
            return dict(self.deadline_rules.get(code, {}))

    def letter(self, code: str, letter_id: str) -> LetterTemplate:
        with self._lock:
            self.load_state(code)
            letters = self.letters.get(code, {})
        if letter_id not in letters:
            raise UnknownChoiceError(f"letter type for {code}", letter_id, sorted(letters))
        return letters[letter_id]

    def require_state(self) -> None:
        if not self.states:
            raise IepkitError("No state plugins are installed or loaded. "
                              "Check IEPKIT_LOAD_PLUGINS, or reinstall iepkit.")


_process_registry: Registry | None = None
_build_lock = threading.Lock()


def process_registry() -> Registry:
    """This process's registry (``iepkit.api.registry``), built on first use from its plugins:
    every state at once, each state's content when that state is first used. Kept here, not in
    ``iepkit.api``, so `iepkit states` need not import what letters and deadlines need."""
    global _process_registry
    reg = _process_registry
    if reg is None:
        with _build_lock:  # threads asking at the same moment share one registry
            if _process_registry is None:
                _process_registry = Registry.build(process_host(), lazy=True)
            reg = _process_registry
    return reg


def set_process_registry(reg: Registry | None) -> None:
    """Use ``reg`` as this process's registry (None: build it again on next use)."""
    global _process_registry
    _process_registry = reg
    set_process_host(reg.host if reg is not None else None)
