import { z } from "zod";

/**
 * Zod's default messages read like a type checker ("expected string to have >=1
 * characters"); forms show these instead. A message a contract schema sets itself wins.
 */
export function configureZodMessages(): void {
  z.config({
    customError: (issue) => {
      if (issue.code === "too_small" && issue.origin === "string") {
        return Number(issue.minimum) <= 1 ? "this can't be empty" : `use at least ${issue.minimum} characters`;
      }
      if (issue.code === "too_small" && issue.origin === "array") return `choose at least ${issue.minimum}`;
      if (issue.code === "too_big" && issue.origin === "string") return `use at most ${issue.maximum} characters`;
      if (issue.code === "too_small" && issue.origin === "number") return `use at least ${issue.minimum}`;
      if (issue.code === "too_big" && issue.origin === "number") return `use at most ${issue.maximum}`;
      if (issue.code === "invalid_type" && issue.expected === "number") return "enter a number";
      if (issue.code === "invalid_type" && issue.expected === "int") return "enter a whole number";
      if (issue.code === "invalid_format") {
        return issue.format === "email" ? "enter a valid email address" : "this doesn't have the expected format";
      }
      return undefined;
    },
  });
}
