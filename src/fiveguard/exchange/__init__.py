"""Exchange between member states and the coordinated EU assessment.

What travels is a summary of a national assessment, never the inventory: a DSSE envelope
(Ed25519 signatures over the pre-authentication encoding) whose payload is an in-toto
Statement v1 in RFC 8785 canonical JSON, bound to the model snapshot it came from by a
SHA-256 digest, marked with a TLP 2.0 label and addressed to named recipients inside the
signed data. The modules:

- :mod:`.jsonio`: strict JSON (size, depth, duplicate keys, canonical form), located errors;
- :mod:`.dsse`: the envelope, its pre-authentication encoding, signing and signature checks;
- :mod:`.keys`: Ed25519 key pairs, encrypted PKCS#8 private keys, key ids;
- :mod:`.keyring`: organisations and their keys, versioned and signed by root keys;
- :mod:`.summary` and :mod:`.build`: the national summary (the predicate) and how it is
  made from an assessment;
- :mod:`.verify`: every check an import makes, failing closed, in order;
- :mod:`.tlp`: re-sharing and publishing, where the labels are enforced;
- :mod:`.coordinate`: the coordinated EU view across member states.

Everything here takes bytes or objects and returns objects; reading and writing files is
left to :mod:`.files` and the command line, so the store and the web app can call the same
functions with what they hold in memory.
"""
