"""Reading YAML while remembering where every value came from.

:func:`read_yaml` turns a YAML file into plain Python data (dicts, lists, scalars) and a
map from each value's path to its line and column, so that any later problem with that
value can be reported at its place in the file.

Scalars follow YAML 1.2 rather than PyYAML's YAML 1.1 defaults where the two differ in
ways that bite models: only ``true``/``false`` are booleans (so the country code ``NO``
stays a string), and numbers with leading zeros or sexagesimal forms stay strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fiveguard.domain.errors import InputError, Location, Problem, dotted

PathKey = tuple[str | int, ...]

MAX_NODES = 20_000_000
"""No document may expand to more values than this."""

MAX_ALIAS_VALUES = 100_000
"""Values reached a second time through aliases. Aliases save repetition in a model;
expanding more than this is an attack ("billion laughs"), refused at once."""

MAX_DEPTH = 200

try:  # libyaml when present: the same nodes and marks, several times faster
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class _ModelLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader with YAML 1.2 booleans and integers."""


_ModelLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int")
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_ModelLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_ModelLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)

_SCALAR_CONSTRUCTOR = yaml.SafeLoader("")


@dataclass
class YamlSource:
    """A parsed YAML file: its data and where each value sits."""

    file: str
    data: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: PathKey) -> Location:
        """The location of ``path``, or of its nearest ancestor present in the file."""
        probe = tuple(path)
        while probe and probe not in self.marks:
            probe = probe[:-1]
        line, col = self.marks.get(probe, (None, None))
        return Location(self.file, line, col, dotted(path) or None)

    def problem(self, path: PathKey, message: str) -> Problem:
        return Problem(self.locate(path), message)


def display_name(path: Path) -> str:
    """How a file is named in messages: as given, relative when under the working dir."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_text(path: Path, file: str | None = None) -> str:
    """Read a UTF-8 text file, turning OS and decoding errors into located problems."""
    name = file or display_name(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError.at("file not found", name) from None
    except IsADirectoryError:
        raise InputError.at("is a directory, expected a file", name) from None
    except OSError as exc:
        raise InputError.at(f"cannot read: {exc.strerror}", name) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError.at(
            "not valid UTF-8 text (expected a UTF-8 encoded file)", name, line=line, col=col
        ) from None


def read_yaml(path: Path, file: str | None = None) -> YamlSource:
    """Parse one YAML document from ``path`` into data plus positions."""
    name = file or display_name(path)
    return parse_yaml(read_text(path, name), name)


def parse_yaml(text: str, file: str) -> YamlSource:
    """Parse one YAML document from text; syntax errors become located problems."""
    try:
        root = yaml.compose(text, Loader=_ModelLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = f"YAML syntax error: {exc.problem or exc.context or 'cannot parse'}"
        if exc.context and exc.problem:
            message += f" ({exc.context})"
        if mark is None:
            raise InputError.at(message, file) from None
        raise InputError.at(message, file, line=mark.line + 1, col=mark.column + 1) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise InputError.at(
            f"character {exc.character!r} is not allowed in YAML ({exc.reason})",
            file,
            line=line,
            col=col,
        ) from None
    except yaml.YAMLError as exc:
        raise InputError.at(f"YAML error: {exc}", file, line=1) from None
    source = YamlSource(file, None)
    if root is None:
        return source
    source.data = _Builder(source).build(root)
    return source


class _Builder:
    """Turns composed nodes into plain data, recording marks; iterative-safe limits."""

    def __init__(self, source: YamlSource) -> None:
        self.source = source
        self.count = 0
        self.seen: set[int] = set()
        self.repeated = 0
        self.problems: list[Problem] = []

    def build(self, root: Node) -> Any:
        data = self._node(root, (), 0)
        if self.problems:
            raise InputError(self.problems)
        return data

    def _fail(self, node: Node, path: PathKey, message: str) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(
                Location(self.source.file, mark.line + 1, mark.column + 1, dotted(path)), message
            )
        )

    def _node(self, node: Node, path: PathKey, depth: int) -> Any:
        self.count += 1
        if id(node) in self.seen:
            self.repeated += 1
            if self.repeated > MAX_ALIAS_VALUES:
                self._fail(
                    node,
                    path,
                    f"aliases expand to more than {MAX_ALIAS_VALUES:,} repeated values "
                    "(an alias bomb?)",
                )
                raise InputError(self.problems)
        else:
            self.seen.add(id(node))
        if self.count > MAX_NODES:
            self._fail(node, path, f"document expands to more than {MAX_NODES:,} values")
            raise InputError(self.problems)
        if depth > MAX_DEPTH:
            self._fail(node, path, f"nested deeper than {MAX_DEPTH} levels")
            raise InputError(self.problems)
        self.source.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, SequenceNode):
            return [self._node(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        self._fail(node, path, "unsupported YAML node")  # pragma: no cover
        return None

    def _scalar(self, node: ScalarNode, path: PathKey) -> Any:
        try:
            return _SCALAR_CONSTRUCTOR.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError, OverflowError) as exc:
            what = "date" if node.tag.endswith(":timestamp") else node.tag.rsplit(":", 1)[-1]
            self._fail(node, path, f"not a valid {what}: {node.value!r} ({exc})")
            return None

    def _mapping(self, node: MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._fail(key_node, path, "merge keys ('<<') are not supported")
                continue
            if not isinstance(key_node, ScalarNode):
                self._fail(key_node, path, "a key must be a plain name, not a list or mapping")
                continue
            key = key_node.value
            key_path = (*path, key)
            if key in out:
                self._fail(key_node, key_path, f"duplicate key {key!r}")
                continue
            out[key] = self._node(value_node, key_path, depth + 1)
        return out
