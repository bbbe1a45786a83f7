"""A restriction policy written by a user: checked, with every problem located.

The file is one YAML mapping with the fields of a preset (see ``fiveguard catalog
policies`` and docs/assessment.md): ``id``, ``title``, ``source`` and ``rules``, plus the
optional ``status``, ``country``, ``date``, ``modelled_on`` and ``not_modelled``. ``id`` defaults to
the file's name and ``source`` to "user policy file NAME". This module parses what the
caller read (a :class:`YamlSource`); it opens no file itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from pydantic import ValidationError

from fiveguard.domain.base import ID_RE
from fiveguard.domain.catalogue import CapRule, Catalogue, ExcludeRule, RestrictionPolicy
from fiveguard.domain.errors import InputError, Problem
from fiveguard.modelio.messages import describe, reported_already
from fiveguard.modelio.yamlsource import YamlSource


def parse_policy(source: YamlSource, catalogue: Catalogue) -> RestrictionPolicy:
    """The policy in ``source``; raises :class:`InputError` listing every problem."""
    data = source.data
    if not isinstance(data, dict):
        raise InputError(
            source.problem(
                (), "expected a mapping with 'id', 'title', 'source' and 'rules' (a policy)"
            )
        )
    if "policies" in data and "rules" not in data:
        raise InputError(
            source.problem(
                ("policies",),
                "a policy file holds one policy (id, title, source, rules); to add presets, "
                "put 'policies' in a catalogue file given with --catalog instead",
            )
        )
    stem = PurePath(source.file).stem
    filled = dict(data)
    if "id" not in filled and ID_RE.fullmatch(stem):
        filled["id"] = stem
    filled.setdefault("source", f"user policy file {PurePath(source.file).name}")
    # values the YAML reader could not read (an impossible date) come first, and the
    # rest of the file is still checked
    duplicates = [*source.problems, *_duplicate_ids(filled.get("rules"), source)]
    try:
        policy = RestrictionPolicy.model_validate(filled)
    except ValidationError as exc:
        raise InputError([*duplicates, *_located(exc, source)]) from None
    problems = [*duplicates, *_target_problems(policy, catalogue, source)]
    if problems:
        raise InputError(problems)
    return policy


def _duplicate_ids(rules: object, source: YamlSource) -> Iterator[Problem]:
    """A rule id used twice (violations and outcomes are keyed by it), at the second use;
    as the catalogue loader does for its lists."""
    if not isinstance(rules, list):
        return
    seen: dict[object, int] = {}
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        ident = rule.get("id")
        if not isinstance(ident, str):
            continue
        if ident in seen:
            yield source.problem(
                ("rules", index, "id"),
                f"duplicate rule id {ident!r}: rules[{seen[ident]}] has it already; each rule "
                "of a policy needs its own id",
            )
        else:
            seen[ident] = index


RULE_TYPES = ("exclude", "cap")
# pydantic locates a rule's field as ("rules", INDEX, RULE_TYPE, FIELD)
RULE_TYPE_AT = 2
RULE_FIELD_LOC = 4


def _located(exc: ValidationError, source: YamlSource) -> list[Problem]:
    """Validation errors at their place in the file. Pydantic names the rule type it tried
    (``rules.0.cap.max_share``); that name is not in the file, so it is dropped."""
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        if reported_already(error):
            continue
        loc = tuple(error["loc"])
        path = tuple(
            part
            for i, part in enumerate(loc)
            if not (i == RULE_TYPE_AT and loc[0] == "rules" and part in RULE_TYPES)
        )
        message = describe(error, RestrictionPolicy, path)
        rule_type = loc[RULE_TYPE_AT] if len(loc) == RULE_FIELD_LOC else None
        if error["type"] == "extra_forbidden" and rule_type in RULE_TYPES:
            fields = (ExcludeRule if rule_type == "exclude" else CapRule).model_fields
            article = "an" if rule_type == "exclude" else "a"
            message = (
                f"unknown field {path[-1]!r}; {article} {rule_type} rule has: {', '.join(fields)}"
            )
        problem = source.problem(path, message)
        if problem not in problems:
            problems.append(problem)
    return problems


def _target_problems(
    policy: RestrictionPolicy, catalogue: Catalogue, source: YamlSource
) -> Iterator[Problem]:
    tags = {tag for kind in catalogue.asset_kinds.values() for tag in kind.tags}
    for index, rule in enumerate(policy.rules):
        at = ("rules", index, "targets")
        targets = rule.targets
        if not (targets.domains or targets.kinds or targets.tags or targets.all_assets):
            yield source.problem(
                at, "the rule targets nothing: give domains, kinds, tags or all_assets: true"
            )
        for k, kind in enumerate(targets.kinds):
            if kind not in catalogue.asset_kinds:
                yield source.problem(
                    (*at, "kinds", k), f"unknown asset kind {kind!r}; see 'fiveguard catalog kinds'"
                )
        for t, tag in enumerate(targets.tags):
            if tag not in tags:
                yield source.problem(
                    (*at, "tags", t),
                    f"no asset kind has the tag {tag!r}; tags in use: {', '.join(sorted(tags))}",
                )
