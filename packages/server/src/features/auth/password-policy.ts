import type { PasswordVerdict } from "@slipway/contracts";
import { zxcvbn, zxcvbnOptions } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";

// Ships with tens of thousands of leaked and common passwords: a breach check that needs no network.
zxcvbnOptions.setOptions({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });

const minimumScore = 3;

/** The parts of an email or name a guesser would try first. */
function personalWords(inputs: string[]): string[] {
  return inputs.flatMap((input) => input.toLowerCase().split(/[^a-z0-9]+/)).filter((w) => w.length >= 3);
}

/** Length, then how quickly the password falls to a guesser that knows common and leaked passwords. */
export function judgePassword(password: string, userInputs: string[] = []): PasswordVerdict {
  if (password.length < 10) return { isAcceptable: false, score: 0, warning: "Use at least 10 characters." };
  if (password.length > 128) return { isAcceptable: false, score: 0, warning: "Use at most 128 characters." };
  const words = personalWords(userInputs);
  let rest = password.toLowerCase();
  for (const word of words) rest = rest.replaceAll(word, "");
  if (rest.length < 8 && rest.length < password.length) {
    return { isAcceptable: false, score: 1, warning: "Do not build the password from your name or email." };
  }
  const result = zxcvbn(password.slice(0, 100), words);
  const isCommon = result.sequence.some((m) => m.pattern === "dictionary" && m.dictionaryName === "passwords");
  const isAcceptable = result.score >= minimumScore && !(isCommon && result.score < 4);
  const warning = isAcceptable
    ? null
    : result.feedback.warning ||
      (isCommon ? "This is a commonly used password." : "This password is too easy to guess; add more words.");
  return { isAcceptable, score: result.score, warning };
}
