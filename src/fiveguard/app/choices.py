"""What a user chooses for an assessment or a simulation, checked once for every entry
point: the restriction policy (a preset, a policy file or none) and the number of
simulated years."""

from __future__ import annotations

from pathlib import Path

from fiveguard.domain.catalogue import Catalogue, RestrictionPolicy
from fiveguard.domain.errors import COMMAND_LINE, InputError

NO_POLICY = "none"


def resolve_policy(value: str | None, cat: Catalogue) -> tuple[RestrictionPolicy | None, str]:
    """A preset id, ``none``, or a policy file; the default is the catalogue's preset.
    Returns the policy and its origin as the assessment reports it."""
    if value is None:
        default = cat.assessment.default_policy
        if default is None:
            return None, "none"
        return cat.policies[default], "default preset"
    if value.lower() == NO_POLICY:
        return None, "none"
    if value in cat.policies:
        return cat.policies[value], "preset"
    path = Path(value)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.exists():
        from fiveguard.assess.policy_file import parse_policy
        from fiveguard.modelio.yamlsource import display_name, read_yaml

        return parse_policy(read_yaml(path), cat), display_name(path)
    raise InputError.at(
        f"unknown policy {value!r}: not a preset ({', '.join(cat.policies)}) and not a "
        "YAML file; give a preset id, a policy file, or 'none'",
        COMMAND_LINE,
        path="--policy",
    )


def chosen_trials(given: int | None, default: int, cat: Catalogue) -> int:
    """``--trials`` as given, else ``default`` (a catalogue value); refused above the
    catalogue's ``simulation.max_trials``, since every trial's impacts stay in memory."""
    chosen = default if given is None else given
    limit = cat.simulation.max_trials
    if chosen > limit:
        raise InputError.at(
            f"expected at most {limit:,} trials (the catalogue's simulation.max_trials: every "
            f"trial's impacts are kept in memory), got {chosen:,}",
            COMMAND_LINE,
            path="--trials",
        )
    if chosen < 0:
        raise InputError.at(
            f"expected 0 or more trials, got {chosen:,}", COMMAND_LINE, path="--trials"
        )
    return chosen
