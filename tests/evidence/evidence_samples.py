"""Hand-written SBOMs shared by the evidence tests, and writers for their other encodings."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
OSV_DIR = FIXTURES / "osv"


# ---------------------------------------------------------------------------- hand-written

FIRMWARE_CDX: dict[str, Any] = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.5",
    "serialNumber": "urn:uuid:5f1c8a4e-2b7d-4c41-9a55-0d2f6c3e9b10",
    "version": 1,
    "metadata": {
        "timestamp": "2026-03-01T10:00:00Z",
        "component": {
            "type": "firmware",
            "bom-ref": "fw",
            "name": "fg-gnb-firmware",
            "version": "9.0",
            "supplier": {"name": "Fictional Radio Ltd"},
        },
    },
    "components": [
        {
            "type": "library",
            "bom-ref": "openssl-101f",
            "name": "openssl",
            "version": "1.0.1f",
            "cpe": "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*",
            "hashes": [{"alg": "SHA-256", "content": "ab" * 32}],
        },
        {
            "type": "library",
            "bom-ref": "openssl-3",
            "name": "openssl",
            "version": "3.0.5",
            "purl": "pkg:conan/openssl@3.0.5",
        },
        {
            "type": "application",
            "bom-ref": "oam",
            "name": "oam-agent",
            "version": "2.1",
            "components": [
                {
                    "type": "library",
                    "bom-ref": "pyyaml",
                    "name": "PyYAML",
                    "version": "5.3",
                    "purl": "pkg:pypi/pyyaml@5.3",
                }
            ],
        },
        {
            "type": "library",
            "bom-ref": "req-230",
            "name": "requests",
            "version": "2.3.0",
            "purl": "pkg:pypi/requests@2.3.0",
        },
        {
            "type": "library",
            "bom-ref": "req-221",
            "name": "requests",
            "version": "2.2.1",
            "purl": "pkg:pypi/requests@2.2.1",
        },
        {
            "type": "library",
            "bom-ref": "req-2310",
            "name": "requests",
            "version": "2.31.0",
            "purl": "pkg:pypi/requests@2.31.0",
        },
        {
            "type": "library",
            "bom-ref": "parser-142",
            "name": "@fg/parser",
            "version": "1.4.2",
            "purl": "pkg:npm/%40fg/parser@1.4.2",
        },
        {
            "type": "library",
            "bom-ref": "parser-143",
            "name": "@fg/parser",
            "version": "1.4.3",
            "purl": "pkg:npm/%40fg/parser@1.4.3",
        },
        {
            "type": "library",
            "bom-ref": "parser-rc1",
            "name": "@fg/parser",
            "version": "2.0.0-rc.1",
            "purl": "pkg:npm/%40fg/parser@2.0.0-rc.1",
        },
        {
            "type": "library",
            "bom-ref": "parser-beta",
            "name": "@fg/parser",
            "version": "2.0.0-beta.3",
            "purl": "pkg:npm/%40fg/parser@2.0.0-beta.3",
        },
        {
            "type": "library",
            "bom-ref": "limit-189",
            "name": "fg-limit",
            "version": "1.8.9",
            "purl": "pkg:pypi/fg-limit@1.8.9",
        },
        {
            "type": "library",
            "bom-ref": "limit-19",
            "name": "fg-limit",
            "version": "1.9",
            "purl": "pkg:pypi/fg-limit@1.9",
        },
        {
            "type": "library",
            "bom-ref": "tls-241",
            "name": "libfgtls",
            "version": "2.4.1",
            "cpe": "cpe:2.3:a:fg:libfgtls:2.4.1:*:*:*:*:*:*:*",
        },
        {
            "type": "library",
            "bom-ref": "tls-242",
            "name": "libfgtls",
            "version": "2.4.2",
            "cpe": "cpe:2.3:a:fg:libfgtls:2.4.2:*:*:*:*:*:*:*",
        },
        {
            "type": "library",
            "bom-ref": "tls-commit",
            "name": "libfgtls",
            "version": "1111111111111111111111111111111111111111",
            "cpe": "cpe:2.3:a:fg:libfgtls:*:*:*:*:*:*:*:*",
        },
        {
            "type": "library",
            "bom-ref": "deb-u4",
            "name": "openssl",
            "version": "1.0.1e-2+deb7u4",
            "purl": "pkg:deb/debian/openssl@1.0.1e-2%2Bdeb7u4?distro=debian-7",
        },
        {
            "type": "library",
            "bom-ref": "deb-u10",
            "name": "openssl",
            "version": "1.0.1e-2+deb7u10",
            "purl": "pkg:deb/debian/openssl@1.0.1e-2%2Bdeb7u10?distro=debian-7",
        },
        {
            "type": "library",
            "bom-ref": "deb8-u4",
            "name": "openssl",
            "version": "1.0.1e-2+deb7u4",
            "purl": "pkg:deb/debian/openssl@1.0.1e-2%2Bdeb7u4?distro=debian-8",
        },
        {
            "type": "application",
            "bom-ref": "python",
            "name": "python",
            "version": "3.8.18",
            "purl": "pkg:generic/python@3.8.18",
        },
        {
            "type": "library",
            "bom-ref": "legacy",
            "name": "legacy-codec",
            "version": "4.2",
            "properties": [{"name": "fiveguard:end-of-support", "value": "2025-01-31"}],
        },
    ],
    "dependencies": [
        {"ref": "fw", "dependsOn": ["openssl-3", "oam"]},
        {"ref": "oam", "dependsOn": ["pyyaml", "openssl-3"]},
    ],
    "vulnerabilities": [
        {
            "id": "CVE-2022-3786",
            "analysis": {
                "state": "not_affected",
                "justification": "code_not_reachable",
                "detail": "Name constraints are not checked on the SBI.",
            },
            "affects": [{"ref": "openssl-3"}],
        },
        {
            "id": "CVE-2020-14343",
            "analysis": {"state": "in_triage"},
            "affects": [{"ref": "pyyaml"}],
        },
    ],
}
"""A hand-written CycloneDX 1.5 SBOM whose components sit on the edges of the OSV
fixtures' ranges (introduced, fixed, last_affected, limit, versions lists, GIT tags,
Debian revisions and releases), with nesting, dependencies and VEX statements."""


def firmware_cdx() -> dict[str, Any]:
    return copy.deepcopy(FIRMWARE_CDX)


def cdx_of(*components: dict[str, Any], **rest: Any) -> dict[str, Any]:
    """A CycloneDX 1.5 document of ``components`` (each a library unless it says), plus any
    other top-level fields (``vulnerabilities``, ``dependencies`` …)."""
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "components": [{"type": "library", **c} for c in components],
        **rest,
    }


def cdx_xml(data: dict[str, Any], version: str = "1.5") -> bytes:
    """The same SBOM written as XML by cyclonedx-python-lib's own writer."""
    from cyclonedx.model.bom import Bom
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat, SchemaVersion

    bom = Bom.from_json(copy.deepcopy(data))  # type: ignore[attr-defined]
    schema = {"1.4": SchemaVersion.V1_4, "1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6}
    outputter = make_outputter(bom, OutputFormat.XML, schema[version])
    return outputter.output_as_string(indent=2).encode()


SPDX_DOC: dict[str, Any] = {
    "spdxVersion": "SPDX-2.3",
    "dataLicense": "CC0-1.0",
    "SPDXID": "SPDXRef-DOCUMENT",
    "name": "fg-core-image",
    "documentNamespace": "https://example.org/spdx/fg-core-image-1",
    "creationInfo": {"created": "2026-02-01T00:00:00Z", "creators": ["Tool: handwritten"]},
    "packages": [
        {
            "SPDXID": "SPDXRef-image",
            "name": "fg-core-image",
            "versionInfo": "5.2",
            "downloadLocation": "NOASSERTION",
            "primaryPackagePurpose": "FIRMWARE",
            "supplier": "Organization: Fictional Core Ltd",
        },
        {
            "SPDXID": "SPDXRef-openssl",
            "name": "openssl",
            "versionInfo": "3.0.5",
            "downloadLocation": "NOASSERTION",
            "checksums": [{"algorithm": "SHA256", "checksumValue": "cd" * 32}],
            "externalRefs": [
                {
                    "referenceCategory": "SECURITY",
                    "referenceType": "cpe23Type",
                    "referenceLocator": "cpe:2.3:a:openssl:openssl:3.0.5:*:*:*:*:*:*:*",
                }
            ],
            "validUntilDate": "2026-09-07T00:00:00Z",
        },
        {
            "SPDXID": "SPDXRef-yaml",
            "name": "PyYAML",
            "versionInfo": "5.3",
            "downloadLocation": "NOASSERTION",
            "externalRefs": [
                {
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": "pkg:pypi/pyyaml@5.3",
                }
            ],
        },
        {
            "SPDXID": "SPDXRef-tools",
            "name": "oam-tools",
            "versionInfo": "1.0",
            "downloadLocation": "NOASSERTION",
        },
    ],
    "relationships": [
        {
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": "SPDXRef-image",
        },
        {
            "spdxElementId": "SPDXRef-image",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": "SPDXRef-openssl",
        },
        {
            "spdxElementId": "SPDXRef-image",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": "SPDXRef-tools",
        },
        {
            "spdxElementId": "SPDXRef-tools",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": "SPDXRef-yaml",
        },
        {
            "spdxElementId": "SPDXRef-tools",
            "relationshipType": "DEPENDS_ON",
            "relatedSpdxElement": "SPDXRef-openssl",
        },
        {
            "spdxElementId": "SPDXRef-yaml",
            "relationshipType": "DEPENDENCY_OF",
            "relatedSpdxElement": "SPDXRef-tools",
        },
    ],
}
"""A hand-written SPDX 2.3 document: a firmware image containing OpenSSL and a tools
package that contains PyYAML; dependencies both ways round."""


def spdx_json() -> dict[str, Any]:
    return copy.deepcopy(SPDX_DOC)


def spdx_tag_value(data: dict[str, Any]) -> bytes:
    """The same document written as tag-value by spdx-tools' own writer."""
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser
    from spdx_tools.spdx.writer.tagvalue.tagvalue_writer import write_document_to_stream

    document = JsonLikeDictParser().parse(copy.deepcopy(data))
    stream = io.StringIO()
    write_document_to_stream(document, stream)
    return stream.getvalue().encode()


def dumps(data: Any) -> bytes:
    return json.dumps(data, indent=2).encode()
