import { describe, expect, it } from "vitest";
import { COMMON_PASSWORD_MESSAGE, passwordProblem } from "./password-policy";

describe("new-password rules (finding 6: aaaaaaaaaa and ten spaces passed)", () => {
  it.each([
    ["aaaaaaaaaa", "Use at least 12 characters."],
    [" ".repeat(10), "Use at least 12 characters."],
    ["a".repeat(12), "Use more than one distinct character."],
    [" ".repeat(14), "Use more than one distinct character."],
    ["qazwsxedcrfv", COMMON_PASSWORD_MESSAGE],
    ["1q2w3e4r5t6y", COMMON_PASSWORD_MESSAGE],
    ["PASSWORD1234", COMMON_PASSWORD_MESSAGE],
    ["x".repeat(201), "At most 200 characters."],
  ])("refuses %j", async (password, message) => {
    expect(await passwordProblem(password)).toBe(message);
  });

  it("accepts a passphrase, and refuses the email as the password", async () => {
    expect(await passwordProblem("correct horse battery staple")).toBeNull();
    expect(await passwordProblem("me@example.com-x", "me@example.com-x")).toBe("Do not use your email address as the password.");
  });
});
