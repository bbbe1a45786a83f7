"""A small valid model as text, for tests that edit it to make one thing wrong."""

BASE_YAML = """\
fiveguard: 1
scope: {country: XR, name: Test model, as_of: 2026-06-30}
regions:
  - {id: R1, name: One, population: 1000}
  - {id: R2, name: Two, population: 2000}
suppliers:
  - {id: sup-a, name: Supplier A, headquarters: SE, ownership: listed}
products:
  - {id: amf, supplier: sup-a, name: AMF, kind: core.amf, versions: ["1.0", "1.1"]}
  - {id: gnb, supplier: sup-a, name: gNB, kind: ran.gnb, versions: ["2.0"]}
  - {id: oss, supplier: sup-a, name: OSS, kind: mgmt.oss, versions: ["3"]}
operators:
  - {id: op-a, name: Operator A, subscribers: 1500}
assets:
  - {id: a.oss, operator: op-a, kind: mgmt.oss, product: oss@3}
  - {id: a.amf, operator: op-a, kind: core.amf, product: amf@1.0, managed_by: a.oss}
  - {id: a.ran, operator: op-a, kind: ran.gnb, product: gnb@2.0, region: R1, sites: 3, population: 600, requires: [a.amf], managed_by: a.oss}
sites: sites.csv
measures:
  - {measure: TM07, operator: op-a, status: implemented, evidence: [ev-1]}
evidence:
  - {id: ev-1, type: audit, title: An audit, subject: op-a}
"""

BASE_CSV = """\
id,operator,kind,product,region,population,requires,managed_by
a.s1,op-a,ran.gnb,gnb@2.0,R2,500,a.amf,a.oss
a.s2,op-a,ran.gnb,gnb@2.0,R2,400,a.amf,a.oss
"""
