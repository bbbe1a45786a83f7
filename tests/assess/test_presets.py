"""The restriction-policy presets run against hand-built models: what each finds, when,
and which generations of kinds it covers."""

from __future__ import annotations

import pytest
from assess_builders import build, operator, product, run, site, supplier

from fiveguard.catalog import default_catalogue
from fiveguard.domain.model import NetworkModel

HIGH = ["high"] * 6


PRESET_MODEL_ASSETS = [
    {
        "id": "a.amf",
        "operator": "a",
        "kind": "core.amf",
        "product": "hi-amf@1",
        "installed": "2019-05-01",
    },
    {
        "id": "a.ems",
        "operator": "a",
        "kind": "mgmt.ems",
        "product": "hi-ems@1",
        "installed": "2021-02-01",
        "purchased": "2020-11-15",
    },
    {
        "id": "a.ipr",
        "operator": "a",
        "kind": "transport.ipcore",
        "product": "hi-ipr@1",
        "installed": "2018-01-01",
    },
]


def preset_model(as_of: str) -> NetworkModel:
    """Operator a: high-profile core, EMS (bought 2020, installed 2021) and IP core; 4 of 10
    sites high-profile (one sensitive, installed 2022); every asset has an installation
    date, the EMS alone a purchase date."""
    sites = [
        *(
            site(
                f"hi{i}",
                "a",
                "hi-gnb@1",
                population=100,
                sensitive=i == 0,
                installed="2022-01-01" if i == 0 else "2019-01-01",
            )
            for i in range(4)
        ),
        *(
            site(f"lo{i}", "a", "lo-gnb@1", population=100, installed="2019-01-01")
            for i in range(6)
        ),
    ]
    return build(
        suppliers=[supplier("hi", HIGH), supplier("lo", "low")],
        products=[
            product("hi-gnb", "hi", "ran.gnb"),
            product("hi-amf", "hi", "core.amf"),
            product("hi-ems", "hi", "mgmt.ems"),
            product("hi-ipr", "hi", "transport.ipcore"),
            product("lo-gnb", "lo", "ran.gnb"),
        ],
        operators=[operator("a")],
        assets=PRESET_MODEL_ASSETS,
        sites=sites,
        as_of=as_of,
    )


def outcome(preset: str, as_of: str) -> dict[str, list[tuple[str, int]]]:
    result = run(preset_model(as_of), default_catalogue().policies[preset]).violations
    found: dict[str, list[tuple[str, int]]] = {}
    for v in result.violations:
        found.setdefault(v.rule, []).append((v.status, v.asset_count))
    return found


@pytest.mark.parametrize(
    ("preset", "as_of", "expected"),
    [
        (
            "UK-2020-01",
            "2026-06-30",
            {
                "core-and-security-functions": [("violation", 3)],  # core, management, backbone
                "sensitive-sites": [("violation", 1)],
                "access-network-cap": [("violation", 4)],  # 40 % of sites > 35 %
                "access-network-traffic-cap": [("violation", 4)],  # 40 % of people too
            },
        ),
        (  # before the three-year deadline of 28 January 2023; sensitive sites had none
            "UK-2020-01",
            "2022-06-30",
            {
                "core-and-security-functions": [("in-transition", 3)],
                "sensitive-sites": [("violation", 1)],
                "access-network-cap": [("in-transition", 4)],
                "access-network-traffic-cap": [("in-transition", 4)],
            },
        ),
        (  # the EMS, bought in 2020 and installed in February 2021, breaks neither ban;
            # the site installed in 2022 breaks the installation ban and, with no purchase
            # date, may break the purchase ban
            "UK-2020-07",
            "2026-06-30",
            {
                "no-purchases-after-2020": [("unresolved", 1)],
                "no-installation-from-september-2021": [("violation", 1)],
                "removal-by-2027": [("in-transition", 7)],
            },
        ),
        (
            "UK-2020-07",
            "2028-01-01",
            {
                "no-purchases-after-2020": [("unresolved", 1)],
                "no-installation-from-september-2021": [("violation", 1)],
                "removal-by-2027": [("violation", 7)],
            },
        ),
        (
            "UK-2022-10",
            "2026-06-30",
            {
                "core-removal": [("violation", 1)],
                "sensitive-sites-removal": [("violation", 1)],
                "removal-from-5g": [("in-transition", 7)],
            },
        ),
        (
            "SE-2020-10",
            "2024-06-30",
            {
                "no-new-central-functions": [("violation", 2)],
                "phase-out-central-functions": [("in-transition", 7)],
            },
        ),
        (
            "SE-2020-10",
            "2026-06-30",
            {
                "no-new-central-functions": [("violation", 2)],
                "phase-out-central-functions": [("violation", 7)],
            },
        ),
        (  # in full from 2028 (some measures 2031), as reported on the draft decree
            "BE-2020-07",
            "2026-06-30",
            {
                "core-and-backbone": [("in-transition", 2)],
                "radio-network-cap": [("in-transition", 4)],
                "sensitive-areas": [("in-transition", 1)],
            },
        ),
        (
            "BE-2020-07",
            "2028-06-30",
            {
                "core-and-backbone": [("violation", 2)],
                "radio-network-cap": [("violation", 4)],
                "sensitive-areas": [("violation", 1)],
            },
        ),
        (
            "DE-2024-07",
            "2026-06-30",
            {
                "core-removal": [("in-transition", 1)],
                "access-transport-management": [("in-transition", 1)],
            },
        ),
        (  # guidance before the 5G networks were built: no deadline, in force at once
            "AU-2018-08",
            "2024-01-01",
            {"out-of-5g-networks": [("violation", 7)]},
        ),
        (  # everything was installed before 1 September 2022, so bought by then too;
            # 5G out by 28 June 2024
            "CA-2022-05",
            "2024-01-01",
            {"removal-from-5g": [("in-transition", 7)]},
        ),
        ("CA-2022-05", "2026-06-30", {"removal-from-5g": [("violation", 7)]}),
        (  # a proposal: 36 months from a designation not yet made
            "EU-2026-01",
            "2026-06-30",
            {"phase-out-from-key-assets": [("in-transition", 1)]},
        ),
        (
            "DE-2024-07",
            "2027-06-30",
            {
                "core-removal": [("violation", 1)],
                "access-transport-management": [("in-transition", 1)],
            },
        ),
    ],
)
def test_presets_find_their_violations_and_transitions(
    preset: str, as_of: str, expected: dict[str, list[tuple[str, int]]]
) -> None:
    assert outcome(preset, as_of) == expected


def fourth_generation_model() -> NetworkModel:
    """A high-profile supplier's 4G MME, HSS and eNB site (installed 2023), and its 5G AMF."""
    return build(
        suppliers=[supplier("hi", HIGH)],
        products=[
            product("amf", "hi", "core.amf"),
            product("mme", "hi", "core.mme"),
            product("hss", "hi", "core.hss"),
            product("enb", "hi", "ran.enb"),
        ],
        operators=[operator("a")],
        assets=[
            {"id": "amf", "operator": "a", "kind": "core.amf", "product": "amf@1"},
            {"id": "mme", "operator": "a", "kind": "core.mme", "product": "mme@1"},
            {"id": "hss", "operator": "a", "kind": "core.hss", "product": "hss@1"},
        ],
        sites=[
            site(
                "enb",
                "a",
                "enb@1",
                kind="ran.enb",
                population=100,
                installed="2023-03-01",
                purchased="2023-01-01",
            )
        ],
    )


@pytest.mark.parametrize(
    ("preset", "fourth_generation_hits"),
    [
        (  # the NCSC names the 4G MME (and S-GW) in some cases; the caps count every radio
            "UK-2020-01",
            {
                "core-and-security-functions": {"mme"},
                "access-network-cap": {"enb"},
                "access-network-traffic-cap": {"enb"},
            },
        ),
        ("UK-2020-07", {}),  # about 5G networks
        ("UK-2022-10", {"core-removal": {"mme", "hss"}}),  # its 5G rules leave 4G alone
        ("BE-2020-07", {}),  # the 2023 decree leaves 4G and earlier networks out
        ("DE-2024-07", {}),  # the agreement covers the 5G core, not the 4G EPC
        ("AU-2018-08", {}),  # guidance on 5G networks
        (  # 4G too, later: the eNB bought in 2023 breaks the purchase ban at once, the
            # undated MME and HSS may; all three are in transition until the end of 2027
            "CA-2022-05",
            {
                "no-purchases-after-september-2022": {"mme", "hss", "enb"},
                "removal-from-4g": {"mme", "hss", "enb"},
            },
        ),
        (  # licence conditions on central functions, whatever their generation (undated
            # MME and HSS are unresolved for the installation ban)
            "SE-2020-10",
            {
                "no-new-central-functions": {"mme", "hss", "enb"},
                "phase-out-central-functions": {"mme", "hss", "enb"},
            },
        ),
    ],
)
def test_presets_about_5g_leave_4g_kinds_alone(
    preset: str, fourth_generation_hits: dict[str, set[str]]
) -> None:
    result = run(fourth_generation_model(), default_catalogue().policies[preset]).violations
    found: dict[str, set[str]] = {}
    for v in result.violations:
        fourth = {a for a in v.assets if a != "amf"}
        if fourth:
            found.setdefault(v.rule, set()).update(fourth)
    assert found == fourth_generation_hits
