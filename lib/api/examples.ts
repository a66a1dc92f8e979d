// Examples for the OpenAPI document, from sdk/test-vectors.json: what the
// SDK really sends.
export const KEY_A = "zrKiD4JLBvfHVzPyW8MPwOMnUgPL20_sv3xptBbPqwE";
export const KEY_B = "Qm9vay1rZXktaGFzaC1leGFtcGxlLTAwMDAwMDAwMDE";
export const CIPHERTEXT = "v1.AAECAwQFBgcICQoLHTSRff7R2OoxgclZteLKeWSdswb5Tq10C0PmfHE9LfUHKxI9gTIDxWlRCzY_blYzTTyU9xSpwOE";
export const ENTRY_EXAMPLE = {
  value: CIPHERTEXT,
  version: 3,
  createdAt: "2030-01-01T00:00:00.000Z",
  updatedAt: "2030-01-02T08:30:00.000Z",
  expiresAt: null,
};
export const LEASE_TOKEN = "q5N2x9bV0kLmZ3rT8uWy1A";
