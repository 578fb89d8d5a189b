"""The layers the README promises: dependencies flow one way, with no cycle, counting every
import in a module (inside functions and under ``TYPE_CHECKING`` too), and each layer uses only
the third-party packages it may.

Read from the source with ``ast``: nothing here is imported, so a hidden import inside a function
that never runs in the tests is still seen.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT

PACKAGE = REPO_ROOT / "cartpole_game"
# Lowest first: a module may import its own layer and the ones before it, never one after it.
LAYERS = ("core", "sim", "agents", "training", "game", "harness", "cli")
# The package's own __init__ (registers the environment) and __main__ (runs the command line)
# sit on top of everything.
TOP = {"cartpole_game": len(LAYERS), "cartpole_game.__main__": len(LAYERS)}
NO_PYGAME = ("core", "sim", "agents", "training")
TORCH_ALLOWED = ("training", "harness")  # training, and the SB3 reference in the benchmarks
# The one exception below training: agents trained with SB3, RL-Zoo or CleanRL come as PyTorch
# state dicts, and only torch's own weights-only unpickler may read those (nothing else may read
# a pickle). This module imports torch inside the one function that reads such a file, converts
# the weights to numpy and lets go: the agents still play in numpy, and watching the game's own
# agents never imports torch (checked below).
TORCH_READER = "cartpole_game.agents.torch_state"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imported_names(path: Path) -> set[str]:
    """Every module name an ``import`` or ``from … import`` in the file names, at any depth."""
    names: set[str] = set()
    package = ""
    if path.is_relative_to(PACKAGE):
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the module's package
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # "from pkg import mod" imports the submodule pkg.mod where there is one (and the
            # package only as every submodule import does, implicitly); other names come from pkg.
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                names.add(submodule if submodule in MODULES else base)
    return names


def internal_imports(path: Path) -> set[str]:
    return {n for n in imported_names(path) if n in MODULES}


def layer_of(module: str) -> int:
    if module in TOP:
        return TOP[module]
    return LAYERS.index(module.split(".")[1])


GRAPH = {name: internal_imports(path) - {name} for name, path in MODULES.items()}


def test_every_module_belongs_to_a_layer() -> None:
    for name in MODULES:
        assert name in TOP or name.split(".")[1] in LAYERS, f"{name} is in no layer"


def test_nothing_imports_a_layer_above_its_own() -> None:
    upward = [
        f"{a} ({LAYERS[layer_of(a)] if a not in TOP else 'top'}) imports {b}"
        for a, targets in GRAPH.items()
        for b in targets
        if layer_of(b) > layer_of(a)
    ]
    assert upward == []


def test_there_is_no_import_cycle() -> None:
    # Tarjan's strongly connected components: a component of two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in GRAPH:
        if name not in index:
            visit(name)
    assert cycles == []


@pytest.mark.parametrize(
    ("package", "allowed_layers"),
    [("pygame", ("game", "harness", "cli")), ("torch", TORCH_ALLOWED)],
)
def test_third_party_packages_stay_in_their_layers(
    package: str, allowed_layers: tuple[str, ...]
) -> None:
    offenders = [
        name
        for name, path in MODULES.items()
        if name not in TOP
        and name.split(".")[1] not in allowed_layers
        and not (package == "torch" and name == TORCH_READER)
        and any(n == package or n.startswith(package + ".") for n in imported_names(path))
    ]
    assert offenders == []


def test_the_agents_that_play_never_touch_torch() -> None:
    for name, path in MODULES.items():
        if name.startswith("cartpole_game.agents") and name != TORCH_READER:
            assert not any(n.split(".")[0] == "torch" for n in imported_names(path)), name


def _imports_torch(node: ast.AST) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "torch" for alias in node.names)
    return isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "torch"


def _torch_imports(nodes: list[ast.stmt]) -> list[ast.stmt]:
    return [node for node in nodes if any(_imports_torch(inner) for inner in ast.walk(node))]


def test_the_torch_reader_imports_torch_only_inside_a_function() -> None:
    tree = ast.parse(MODULES[TORCH_READER].read_text(encoding="utf-8"))
    functions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    outside = [n for n in tree.body if n not in functions]
    assert _torch_imports(outside) == [], "torch imported when the module is imported"
    assert _torch_imports(functions), "the exception is no longer needed: remove TORCH_READER"


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from cartpole_game.cli import main\n    import pygame\n")
    assert {"cartpole_game.cli.main", "pygame"} <= imported_names(module)


def test_watching_and_playing_never_import_torch(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from cartpole_game.cli.main import main\n"
        "for mode in ('watch', 'play', 'takeover', 'versus', 'menu'):\n"
        f"    assert main([mode, '--headless', '--frames', '5', '--data-dir', {str(tmp_path)!r}]) == 0\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT, timeout=120)
