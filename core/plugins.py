"""Finding, loading and isolating plugins.

Plugins are found only through the ``iepkit`` entry-point group; the
Mississippi plugin is loaded the same way a third-party state would be. One
plugin that fails to import, implements an unknown hook, or raises while
registering content is reported with its name and the reason, and every other
plugin keeps working.
"""
from __future__ import annotations

import os
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Iterable

import pluggy

from . import distinfo, hookspecs

ENTRY_POINT_GROUP = "iepkit"
#: Comma-separated plugin names: load only these (empty: load none). The
#: federal layer is loaded whatever it says: a state without it is incomplete.
LOAD_ENV = "IEPKIT_LOAD_PLUGINS"
#: The built-in plugin that registers the federal layer (IDEA), the way llm
#: registers its own default models as a plugin. It registers no state.
FEDERAL_PLUGIN = "federal"


@dataclass
class PluginInfo:
    """What ``iepkit plugins`` shows for one plugin."""

    name: str
    package: str
    version: str | None = None
    hooks: list[str] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "package": self.package, "version": self.version,
                "hooks": self.hooks, "error": self.error}


def _describe(exc: BaseException) -> str:
    text = "; ".join(line.strip(" -") for line in str(exc).strip().splitlines())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _Manager(pluggy.PluginManager):
    """pluggy's manager, quicker to register a module: every command registers every plugin."""

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        # pluggy looks at each name a plugin holds with inspect.getattr_static, slow enough
        # to show with fifty states. In a module, what is neither callable nor a class- or
        # static method (imports of classes and modules, data) is never a hook: skipped here.
        if isinstance(plugin, types.ModuleType):
            value = plugin.__dict__.get(name)
            if isinstance(value, (type, types.ModuleType)) or not (
                    callable(value) or isinstance(value, (classmethod, staticmethod))):
                return None
        return super().parse_hookimpl_opts(plugin, name)


class PluginHost:
    """A pluggy manager plus the record of which plugins loaded and which failed."""

    def __init__(self) -> None:
        self.pm = _Manager("iepkit")
        self.pm.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        #: Told of each plugin that fails from now on (the command line prints a warning).
        self.on_broken: Callable[[PluginInfo], None] | None = None

    # -- loading ---------------------------------------------------------
    def load_entry_points(self, only: Iterable[str] | None = None) -> None:
        """Load plugins from the entry-point group, or only those named in ``only``/the env var."""
        if only is None and LOAD_ENV in os.environ:
            only = [n.strip() for n in os.environ[LOAD_ENV].split(",") if n.strip()]
        wanted = set(only) if only is not None else None
        for ep in sorted(distinfo.entry_points(ENTRY_POINT_GROUP), key=lambda e: e.name):
            if wanted is not None and ep.name not in wanted and ep.name != FEDERAL_PLUGIN:
                continue
            if ep.name in self.infos:
                continue  # the same distribution found twice on sys.path
            info = PluginInfo(name=ep.name, package=ep.value.split(":")[0], version=ep.version)
            try:
                module = ep.load()
            except BaseException as exc:  # noqa: BLE001 - any failure must stay inside the plugin
                if isinstance(exc, KeyboardInterrupt):
                    raise
                info.error = f"could not be imported ({_describe(exc)})"
                self.infos[ep.name] = info
                continue
            self._register(module, info)
        if FEDERAL_PLUGIN not in self.infos:
            # An install whose entry points predate the federal layer: it is part of
            # the core, so it is loaded directly.
            from . import federal
            self._register(federal, PluginInfo(name=FEDERAL_PLUGIN, package=federal.__name__))

    def add_plugin(self, plugin: object, name: str, package: str | None = None,
                   version: str | None = None) -> PluginInfo:
        """Register an in-process plugin object (a module or class instance): for partners and tests."""
        info = PluginInfo(name=name, package=package or getattr(plugin, "__name__", name), version=version)
        self._register(plugin, info)
        return info

    def _register(self, plugin: object, info: PluginInfo) -> None:
        try:
            self.pm.register(plugin, name=info.name)
            # check_pending rejects hook implementations no spec declares:
            # a misspelled hook would otherwise be silently ignored.
            self.pm.check_pending()
        except Exception as exc:  # noqa: BLE001
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            info.error = f"was rejected ({_describe(exc)})"
        else:
            info.hooks = sorted(h.name for h in self.pm.get_hookcallers(plugin) or [])
        self.infos[info.name] = info

    # -- calling -----------------------------------------------------------
    def call_each(self, hook_name: str, make_register: Callable[[str], Callable[..., None]],
                  only: Collection[str] | None = None, **kwargs: Any) -> None:
        """Call one hook plugin by plugin, so one plugin's exception cannot stop the others.

        A plugin that raises is marked broken and unregistered, with the reason.
        ``only``: call just these plugins (the registry reads a state's content when it is used).
        """
        caller = getattr(self.pm.hook, hook_name)
        for impl in list(caller.get_hookimpls()):
            name = impl.plugin_name
            if (self.infos.get(name) and self.infos[name].error) or (only is not None and name not in only):
                continue
            args = dict(kwargs)
            if "register" in impl.argnames:
                args["register"] = make_register(name)
            try:
                impl.function(**{k: args[k] for k in impl.argnames})
            except Exception as exc:  # noqa: BLE001
                self.mark_broken(name, f"failed in {hook_name} ({_describe(exc)})")

    def plugin_names(self) -> list[str]:
        """The plugins registered and not broken."""
        return [name for name, _ in self.pm.list_name_plugin() if name is not None]

    def mark_broken(self, name: str, reason: str) -> None:
        info = self.infos.setdefault(name, PluginInfo(name=name, package=name))
        if info.error is None:
            info.error = reason
            if self.on_broken is not None:
                # A plugin can fail after start-up, when a state's content is first read.
                self.on_broken(info)
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)

    @property
    def broken(self) -> list[PluginInfo]:
        return [i for i in self.infos.values() if i.error]

    def warnings(self) -> list[str]:
        return [warning(i) for i in self.broken]


def warning(info: PluginInfo) -> str:
    """What a user is told about a plugin that failed."""
    return f"plugin '{info.name}' {info.error}; it was skipped"



_process_host: PluginHost | None = None


def process_host() -> PluginHost:
    """This process's plugins, imported on first use. Importing a plugin reads none of its
    states' files: the registry asks for a state's content when a command needs that state."""
    global _process_host
    if _process_host is None:
        _process_host = PluginHost()
        _process_host.load_entry_points()
    return _process_host


def set_process_host(host: PluginHost | None) -> None:
    """Use ``host`` as this process's plugins (None: load them again on next use)."""
    global _process_host
    _process_host = host
