"""Reading YAML while remembering where every value came from.

:func:`read_yaml` turns a YAML file into plain Python data (dicts, lists, scalars) and a
map from each value's path to its line and column, so that any later problem with that
value can be reported at its place in the file.

A value that cannot be read although the document parses (an impossible date such as
``2026-02-30``, a key written twice) is a problem of that value only: :func:`read_yaml`
collects these in :attr:`YamlSource.problems` and puts an :class:`Unreadable` in the
value's place, so the caller checks the rest and reports every problem together.

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
from fiveguard.modelio.encoding import not_utf8_message, position
from fiveguard.modelio.files import read_regular

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


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Stands in the data for a value that could not be read, such as ``2026-02-30``.

    Its problem is in :attr:`YamlSource.problems` already; a check that meets an
    Unreadable value says nothing more about it (the field is invalid, nothing else is).
    """

    text: str
    """The value as written."""

    def __repr__(self) -> str:
        return repr(self.text)


@dataclass
class YamlSource:
    """A parsed YAML file: its data and where each value sits."""

    file: str
    data: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    """Values that could not be read (their place holds an :class:`Unreadable`) and keys
    written twice (the first one counts): to report with the caller's own problems."""
    floats: dict[PathKey, str] = field(default_factory=dict)
    """Numbers with a decimal point as written (``11.0``, ``10.10``), to quote them exactly
    in a message when a field expects text."""

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
    """Read a UTF-8 text file, turning OS and decoding errors into located problems;
    only a regular file is read (a pipe or a device is refused, see :mod:`.files`)."""
    name = file or display_name(path)
    return decode(read_regular(path, name), name)


def decode(raw: bytes, file: str) -> str:
    """UTF-8 text (a byte-order mark is dropped); a bad byte is reported where it is."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = position(raw, exc.start)
        raise InputError.at(not_utf8_message(raw, exc.start), file, line=line, col=col) from None


def read_yaml(path: Path, file: str | None = None) -> YamlSource:
    """Parse the user's YAML document at ``path`` into data plus positions.

    Syntax errors raise :class:`InputError`. Unreadable values and duplicate keys do not:
    they are in the returned source's ``problems``, which the caller must report.
    """
    name = file or display_name(path)
    return parse_yaml(read_text(path, name), name, keep_going=True)


def parse_yaml(text: str, file: str, *, keep_going: bool = False) -> YamlSource:
    """Parse one YAML document from text; syntax errors become located problems.

    Unreadable values and duplicate keys raise too, unless ``keep_going``: then they are
    collected in the source's ``problems`` (see :func:`read_yaml`).
    """
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
    if source.problems and not keep_going:
        raise InputError(source.problems)
    return source


class _Builder:
    """Turns composed nodes into plain data, recording marks; iterative-safe limits."""

    def __init__(self, source: YamlSource) -> None:
        self.source = source
        self.count = 0
        self.seen: set[int] = set()
        self.repeated = 0
        self.problems = source.problems

    def build(self, root: Node) -> Any:
        """The data; problems of single values are left in ``source.problems``, while a
        document too big or too deep raises at once."""
        return self._node(root, (), 0)

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
            value = _SCALAR_CONSTRUCTOR.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError, OverflowError) as exc:
            what = "date" if node.tag.endswith(":timestamp") else node.tag.rsplit(":", 1)[-1]
            self._fail(node, path, f"not a valid {what}: {node.value!r} ({exc})")
            return Unreadable(str(node.value))
        if isinstance(value, float):
            self.source.floats[path] = str(node.value)
        return value

    def _mapping(self, node: MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._fail(key_node, path, "merge keys ('<<') are not supported")
                continue
            if not isinstance(key_node, ScalarNode):
                self._fail(key_node, path, "a key must be a plain name, not a list or mapping")
                continue
            key = key_node.value
            key_path = (*path, key)
            if key in key_lines:
                self._fail(
                    key_node,
                    key_path,
                    f"duplicate key {key!r}: given already on line {key_lines[key]}; "
                    "write each key once",
                )
                continue
            key_lines[key] = key_node.start_mark.line + 1
            out[key] = self._node(value_node, key_path, depth + 1)
        return out
