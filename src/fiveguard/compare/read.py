"""Reading an assessment JSON document (``assess --json`` or ``--out``) back, every
failure a located problem: a file that is not there, not JSON, too large or too deep, or
not an assessment (the field and what was expected, at its line and column)."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from fiveguard.assess.results import Assessment
from fiveguard.domain.errors import InputError
from fiveguard.modelio.jsonsource import JsonLocator, parse_json, read_limited
from fiveguard.modelio.messages import problems_from
from fiveguard.modelio.yamlsource import decode, display_name

MAX_ASSESSMENT_BYTES = 512 * 1024 * 1024
"""An assessment JSON of a million-site model is tens of megabytes; this bounds memory."""


def read_assessment(path: Path, file: str | None = None) -> Assessment:
    """The assessment in a JSON file; InputError with every problem, located."""
    name = file or display_name(path)
    text = decode(read_limited(path, MAX_ASSESSMENT_BYTES, name), name)
    data = parse_json(text, name)
    if not isinstance(data, dict) or "metadata" not in data:
        raise InputError.at(
            "expected an assessment: a JSON object with 'metadata', 'summary' … as "
            "'fiveguard assess --json' writes it",
            name,
            line=1,
            col=1,
        )
    try:
        return Assessment.model_validate(data)
    except ValidationError as exc:
        problems = problems_from(exc, Assessment, JsonLocator(text, name))
        raise InputError(problems or [JsonLocator(text, name).problem((), str(exc))]) from None
