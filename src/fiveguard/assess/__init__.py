"""Pure assessment engines: a model and the catalogue in, an Assessment out.

Entry point: :func:`fiveguard.assess.assessment.assess`. Modules: ``profiles`` (supplier
profiles, with ``signals`` for assurance evidence), ``restrictions`` (policies),
``diversity``, ``register`` (R1–R9, rules in ``register_rules``), ``gaps``, ``results``
(the result types) and ``summary`` (counts describing a model).
"""
