"""``.. automodules:: package``: the package's docstring and an ``automodule`` for each of its modules.

Modules are found on import, so one that someone adds to a package appears on its domain's page without editing
the docs; ``:flat:`` takes only the package's own modules, not its subpackages, and ``:exclude:``
leaves out the modules it names (documented on another page). After reading, every module of
the roots in ``automodules_roots`` that no page documents is a warning (an error under ``-W``).
"""

import pkgutil
from importlib import import_module

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)


def public_modules(package, flat=False):
    """Names of ``package``'s public modules (``_private`` ones and those under them left out), sorted."""
    if not hasattr(package, "__path__"):
        return []
    prefix = package.__name__ + "."
    found = pkgutil.iter_modules(package.__path__, prefix) if flat else pkgutil.walk_packages(package.__path__, prefix)
    return sorted(info.name for info in found if not (flat and info.ispkg)
                  and not any(part.startswith("_") for part in info.name.split(".")))


class AutoModules(SphinxDirective):
    """The package's docstring (its ``__init__`` only re-exports), then each module with its members."""

    required_arguments = 1
    option_spec = {"flat": directives.flag, "exclude": directives.unchanged}

    def run(self):
        package = import_module(self.arguments[0])
        excluded = set(self.options.get("exclude", "").split())
        names = [name for name in public_modules(package, flat="flat" in self.options) if name not in excluded]
        documented = self.env.__dict__.setdefault("automodules_documented", {})
        documented[self.env.docname] = documented.get(self.env.docname, set()) | set(names) | {package.__name__}
        own = [] if hasattr(package, "__path__") else ["   :members:"]  # a package's __init__ only re-exports
        lines = [f".. automodule:: {package.__name__}"] + own + [""]
        for name in names:
            is_package = hasattr(import_module(name), "__path__")
            lines += [f".. automodule:: {name}"] + ([] if is_package else ["   :members:"]) + [""]
        container = nodes.section()
        container.document = self.state.document
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]), self.content_offset, container)
        return container.children


def _purge(app, env, docname):
    env.__dict__.get("automodules_documented", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    env.__dict__.setdefault("automodules_documented", {}).update(other.__dict__.get("automodules_documented", {}))


def _check(app, env):
    documented = set().union(*env.__dict__.get("automodules_documented", {}).values())
    for root in app.config.automodules_roots:
        missing = sorted(set(public_modules(import_module(root))) - documented)
        for name in missing:
            logger.warning(f"module {name} is on no page of the API reference (add it with .. automodules::)")


def setup(app):
    app.add_config_value("automodules_roots", [], "env")
    app.add_directive("automodules", AutoModules)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
