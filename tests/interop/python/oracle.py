"""Interop oracle for myna-tests: the reference SD-JWT implementation (`sd-jwt` on PyPI,
openwallet-foundation-labs/sd-jwt-python) verifying our presentations and issuing its own.

Driven by tests/tests/interop_python.rs: `oracle.py verify|issue INPUT.json` prints one JSON
object on stdout — the result, or {"error": "..."} when the library refuses (exit status 0
either way: a refusal is an answer the Rust test checks). Anything else (bad input, a crash)
exits non-zero.
"""

import json
import sys

import sd_jwt.holder
from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier


def verify(task):
    """Verifies an SD-JWT+KB with the issuer's public JWK, the expected audience and nonce."""
    issuer_key = JWK.from_json(json.dumps(task["issuer_jwk"]))

    def issuer_key_for(iss, header):
        if iss != task["iss"]:
            raise ValueError(f"unexpected issuer {iss}")
        return issuer_key

    verifier = SDJWTVerifier(
        task["presentation"],
        issuer_key_for,
        expected_aud=task["audience"],
        expected_nonce=task["nonce"],
    )
    return {"claims": verifier.get_verified_payload()}


def mark_disclosable(value, plan):
    """Wraps the claims the plan names in SDObj: a plan mirrors the claims, `true` makes a
    property (or array element) selectively disclosable, an object or array goes deeper, and
    {"sd": true, "inner": PLAN} makes a claim disclosable and goes deeper inside it."""
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            rule = plan.get(key) if isinstance(plan, dict) else None
            sd, deeper = split_rule(rule)
            inner = mark_disclosable(inner, deeper)
            out[SDObj(key) if sd else key] = inner
        return out
    if isinstance(value, list):
        out = []
        for index, inner in enumerate(value):
            rule = plan[index] if isinstance(plan, list) and index < len(plan) else None
            sd, deeper = split_rule(rule)
            inner = mark_disclosable(inner, deeper)
            out.append(SDObj(inner) if sd else inner)
        return out
    return value


def split_rule(rule):
    if rule is True:
        return True, None
    if isinstance(rule, dict) and "sd" in rule:
        return bool(rule["sd"]), rule.get("inner")
    return False, rule


def issue(task):
    """Issues an SD-JWT VC (typ dc+sd-jwt, decoys, holder key in cnf) with fresh P-256 keys,
    then presents `disclose` with a KB-JWT for the audience and nonce at `now`."""
    issuer_key = JWK.generate(kty="EC", crv="P-256")
    holder_key = JWK.generate(kty="EC", crv="P-256")
    claims = mark_disclosable(task["claims"], task["plan"])
    issued = SDJWTIssuer(
        claims,
        issuer_key,
        holder_key=holder_key,
        sign_alg="ES256",
        add_decoy_claims=True,
        extra_header_parameters={"typ": "dc+sd-jwt"},
    )
    # The library stamps the KB-JWT's iat from the wall clock; the tests inject their time.
    sd_jwt.holder.time = lambda: task["now"]
    holder = SDJWTHolder(issued.sd_jwt_issuance)
    holder.create_presentation(
        task["disclose"],
        nonce=task["nonce"],
        aud=task["audience"],
        holder_key=holder_key,
        sign_alg="ES256",
    )
    return {
        "issuer_jwk": issuer_key.export_public(as_dict=True),
        "holder_jwk": holder_key.export_public(as_dict=True),
        "credential": issued.sd_jwt_issuance,
        "presentation": holder.sd_jwt_presentation,
        "decoys": len(issued.decoy_digests),
    }


def main():
    command, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as file:
        task = json.load(file)
    run = {"verify": verify, "issue": issue}[command]
    try:
        result = run(task)
    except Exception as refusal:  # the library's refusals are answers, reported as such
        result = {"error": f"{type(refusal).__name__}: {refusal}"}
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
