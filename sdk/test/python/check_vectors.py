"""Checks every vector of sdk/test-vectors.json with data_vault_reference.py.

Usage: python3 check_vectors.py <test-vectors.json>
Prints one JSON line with the counts; exits 1 if any vector disagrees.
"""
import json
import sys

import data_vault_reference as dv


def main(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    problems = []

    def expect(name, field, got, want):
        if got != want:
            problems.append(f"{name}: {field} is {got!r}, the vector says {want!r}")

    def attempt(name, check, v):
        try:
            check(name, v)
        except Exception as error:           # a vector that makes the code raise is a disagreement too
            problems.append(f"{name}: {type(error).__name__}: {error}")

    def check_v1(name, v):
        key_hash, value_key = dv.derive(v["secret"], v["storeId"], v["key"])
        salt = dv.lp(dv.LABEL_V1) + dv.lp(v["storeId"]) + dv.lp(v["key"])
        expect(name, "salt", salt.hex(), v["saltHex"])
        expect(name, "keyHash", key_hash, v["keyHash"])
        expect(name, "valueKey", value_key.hex(), v["valueKeyHex"])
        expect(name, "aad", dv.aad_v1(v["storeId"], key_hash).hex(), v["aadHex"])
        nonce = bytes.fromhex(v["nonceHex"])
        expect(name, "ciphertext", dv.encrypt_v1(value_key, v["storeId"], key_hash, v["value"].encode("utf-8"), nonce), v["ciphertext"])
        expect(name, "decrypted", dv.decrypt(value_key, v["storeId"], key_hash, 1, "", v["ciphertext"]), v["value"])

    def check_v2(name, v):
        key_hash, value_key = dv.derive(v["secret"], v["storeId"], v["key"])
        expect(name, "keyHash", key_hash, v["keyHash"])
        expect(name, "valueKey", value_key.hex(), v["valueKeyHex"])
        expect(name, "aad", dv.aad_v2(v["storeId"], key_hash, v["version"], v["context"]).hex(), v["aadHex"])
        nonce = bytes.fromhex(v["nonceHex"])
        ct = dv.encrypt_v2(value_key, v["storeId"], key_hash, v["version"], v["context"], v["value"].encode("utf-8"), nonce)
        expect(name, "ciphertext", ct, v["ciphertext"])
        expect(name, "decrypted", dv.decrypt(value_key, v["storeId"], key_hash, v["version"], v["context"], v["ciphertext"], accept_v1=False), v["value"])

    def check_generation(name, v):
        salt = dv.lp(dv.GENERATION_LABEL) + dv.lp(v["storeId"])
        expect(name, "salt", salt.hex(), v["saltHex"])
        expect(name, "generation", dv.generation_id(v["secret"], v["storeId"]), v["generation"])

    def check_failure(name, f):
        try:
            dv.decrypt(bytes.fromhex(f["valueKeyHex"]), f["storeId"], f["keyHash"], f["version"], f["context"], f["ciphertext"], f["acceptV1"])
            got = "accepted"
        except dv.DecryptionFailed:
            got = "DECRYPTION_FAILED"
        except dv.RollbackDetected:
            got = "ROLLBACK_DETECTED"
        expect(name, "outcome", got, f["expected"])

    for v in data["vectors"]:
        attempt("v1 " + v["name"], check_v1, v)
    for v in data["v2Vectors"]:
        attempt("v2 " + v["name"], check_v2, v)
    for v in data["generationVectors"]:
        attempt("generation " + v["name"], check_generation, v)
    for f in data["failureVectors"]:
        attempt("failure " + f["name"], check_failure, f)

    counts = {k: len(data[k]) for k in ("vectors", "v2Vectors", "generationVectors", "failureVectors")}
    print(json.dumps({"ok": not problems, "counts": counts, "problems": problems}))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
