import { describe, expect, it } from "vitest";
import { program } from "./commands/index.ts";
import { tokensCreate } from "./commands/tokens/create.ts";
import { tokensRevoke } from "./commands/tokens/revoke.ts";
import { isGroup, renderCommandHelp, renderGroupHelp, renderProgramHelp } from "./help.ts";

describe("help", () => {
  it("lists every command of the program with its summary", () => {
    const help = renderProgramHelp(program);
    expect(help).toContain("Usage: slipway <command> [options]");
    for (const line of [
      "login",
      "logout",
      "whoami",
      "teams ls",
      "teams switch",
      "tokens ls",
      "tokens create",
      "tokens revoke",
      "logs",
      "instances",
      "scale",
      "restart",
    ]) {
      expect(help).toMatch(new RegExp(`^  ${line} +\\S`, "m"));
    }
    expect(help).toContain("SLIPWAY_TOKEN");
  });

  it("shows required flags in the usage line and marks them in the options", () => {
    const help = renderCommandHelp("tokens create", tokensCreate);
    expect(help).toContain("Usage: slipway tokens create --name <name> --scope <permission>... [options]");
    expect(help).toMatch(/--scope <permission>\.\.\. +A permission the token carries \(required, repeatable\)/);
    expect(help).toContain("One of: team:read, team:update");
    expect(help).toMatch(/--expires-in-days <days> +Days until the token stops working \(default 90\)/);
    expect(help).toMatch(/--json +Print machine-readable JSON/);
    expect(help).toMatch(/-h, --help +Show help/);
  });

  it("shows positional arguments and short flags", () => {
    const help = renderCommandHelp("tokens revoke", tokensRevoke);
    expect(help).toContain("Usage: slipway tokens revoke <id> [options]");
    expect(help).toMatch(/Arguments:\n {2}<id> +The token's id/);
    expect(help).toMatch(/-y, --yes +Do not ask for confirmation/);
    expect(help).toContain("$ slipway tokens revoke tok_");
  });

  it("lists a group's commands", () => {
    const tokens = program.find((entry) => entry.name === "tokens");
    if (!tokens || !isGroup(tokens)) throw new Error("tokens group missing");
    const help = renderGroupHelp(tokens);
    expect(help).toContain("Usage: slipway tokens <command> [options]");
    expect(help).toMatch(/^ {2}create +Create an API token/m);
  });
});
