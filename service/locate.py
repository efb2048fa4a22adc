"""Map JSON paths such as ``$.areas[2].max_points`` back to lines of a YAML or JSON file."""

from __future__ import annotations

import re
from typing import Any

import msgspec
import yaml

_LOADER_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_LOADER_BASE):  # type: ignore[valid-type,misc]
    """YAML 1.2-style booleans: ``NO`` (Norway) and ``no`` stay strings."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _LOADER_BASE.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


class FileProblem(msgspec.Struct, frozen=True):
    """A problem in a file, with a 1-based line number."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class LineMap:
    """Lines of every value (and mapping key) in a document, by JSON path."""

    def __init__(self, text: str | None = None, *, node: yaml.Node | None = None) -> None:
        """Lines of ``text``, or of a ``node`` tree already composed (see :func:`load_located`)."""
        self.lines: dict[str, int] = {}
        self.duplicate_keys: list[tuple[str, int]] = []
        if text is not None:
            try:
                node = yaml.compose(text, Loader=Loader)
            except yaml.YAMLError:
                node = None
        if node is not None:
            self._index(node, "$")

    def _index(self, node: yaml.Node, path: str) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                child = f"{path}.{key}"
                if key in seen:
                    self.duplicate_keys.append((key, key_node.start_mark.line + 1))
                seen.add(key)
                self.lines[child] = key_node.start_mark.line + 1
                self._index(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._index(item, f"{path}[{i}]")

    def line(self, path: str) -> int:
        """The line of ``path`` or of its nearest located ancestor."""
        candidate = path
        while candidate:
            if candidate in self.lines:
                return self.lines[candidate]
            cut = max(candidate.rfind("."), candidate.rfind("["))
            if cut <= 0:
                break
            candidate = candidate[:cut]
        return 1


def load_located(text: str) -> tuple[Any, LineMap]:
    """The data of a YAML (or JSON) document and its line map, from one parse.

    ``yaml.load`` and then ``LineMap(text)`` parsed every file twice; this composes the node
    tree once, indexes its lines, then constructs the data from it (exactly what
    ``yaml.load`` does). Raises ``yaml.YAMLError`` as ``yaml.load`` would.
    """
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        # Lines first: constructing flattens merge keys in the node tree.
        lines = LineMap(node=node)
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, lines


_AT = re.compile(r"^(?P<msg>.*) - at (?:`key` in )?`(?P<path>\$[^`]*)`$")


def split_validation_error(exc: msgspec.ValidationError) -> tuple[str, str]:
    """A msgspec error as (message with a lower-case start, JSON path)."""
    text = str(exc)
    match = _AT.match(text)
    msg, path = (match["msg"], match["path"]) if match else (text, "$")
    return msg[:1].lower() + msg[1:], path


def resolve(data: Any, path: str) -> tuple[Any, str | int] | None:
    """The container holding the value at ``path`` and its key, for pruning."""
    parts = re.findall(r"\.([^.\[]+)|\[(\d+)\]", path.removeprefix("$"))
    if not parts:
        return None
    container = data
    for key, index in parts[:-1]:
        container = container[key] if key else container[int(index)]
    last_key, last_index = parts[-1]
    return container, (last_key if last_key else int(last_index))
