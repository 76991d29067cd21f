import { writeFile } from "node:fs/promises";
import { get } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { testLogger, waitFor } from "../../testing/test-store.ts";
import { findProcesses, openTestSandbox, uniqueSleepSeconds } from "../sandbox/sandbox-fixtures.ts";
import {
  createSupervisor,
  type SupervisedApp,
  type SuperviseOptions,
  type SupervisorOptions,
  type SupervisorState,
} from "./supervisor.ts";

/** Answers `hello <marker>`; /slow answers after 1.5 s; on SIGTERM it finishes what is in flight, then exits. */
const serverSource = `
const http = require("node:http");
const marker = process.argv[2];
const server = http.createServer((req, res) => {
  if (req.url === "/slow") {
    console.log("slow request started");
    setTimeout(() => res.end("slow done"), 1500);
    return;
  }
  res.end("hello " + marker);
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening on " + process.env.PORT));
process.on("SIGTERM", () => {
  console.log("terminating");
  server.close(() => process.exit(0));
});
`;

const limits = { memoryMb: 256, cpus: 1, pids: 64 };

describe("supervisor", () => {
  let box: Awaited<ReturnType<typeof openTestSandbox>>;
  const running: SupervisedApp[] = [];

  beforeAll(async () => {
    box = await openTestSandbox();
    await writeFile(join(box.workspace.dir, "server.js"), serverSource);
    await box.workspace.adopt();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop(0)));
  });
  afterAll(() => box?.destroy());

  const supervise = async (
    overrides: Partial<Omit<SuperviseOptions, "command">> & { command?: (marker: string) => string } = {},
    supervisorOptions: Partial<SupervisorOptions> = {},
  ) => {
    const marker = uniqueSleepSeconds();
    const port = await freePort();
    const states: { state: SupervisorState; reason?: string }[] = [];
    const output: string[] = [];
    const supervisor = createSupervisor({
      sandbox: box.sandbox,
      logger: testLogger,
      backoff: { initialMs: 50, maxMs: 200 },
      ...supervisorOptions,
    });
    const { command = (unique: string) => `node server.js ${unique}`, ...rest } = overrides;
    const app = supervisor.supervise({
      id: `test-${marker}`,
      command: command(marker),
      cwd: box.workspace.dir,
      env: {},
      port,
      limits,
      onOutput: (_stream, text) => output.push(text),
      onState: (state, reason) => states.push({ state, reason }),
      ...rest,
    });
    running.push(app);
    return { app, marker, port, states, output };
  };

  it("becomes healthy and serves through its port", async () => {
    const { app, marker, port, states } = await supervise({ healthPath: "/" });
    await app.ready();
    expect(app.state()).toBe("healthy");
    expect(states.map((entry) => entry.state)).toEqual(["healthy"]);
    expect(await fetchText(port, "/")).toBe(`hello ${marker}`);
  });

  it("restarts an app that was killed", async () => {
    const { app, marker, port, states } = await supervise();
    await app.ready();
    const firstPid = app.pid();
    expect(firstPid).toBeGreaterThan(0);
    process.kill(firstPid as number, "SIGKILL");
    await waitFor("a restarted instance", () => {
      const pid = app.pid();
      return app.state() === "healthy" && pid !== null && pid !== firstPid;
    });
    expect(states.map((entry) => entry.state)).toContain("restarting");
    expect(await fetchText(port, "/")).toBe(`hello ${marker}`);
  });

  it("gives up on a command that exits at once, with its output", async () => {
    const { app, marker, states } = await supervise(
      { command: (unique) => `echo "boom ${unique}"; exit 3` },
      { crashLoop: { exits: 3, windowMs: 60_000 } },
    );
    await expect(app.ready()).rejects.toThrow(/exited with code 3 before answering on port \d+[\s\S]*boom/);
    await waitFor("the crash-loop verdict", () => app.state() === "crash-loop");
    const verdict = states.find((entry) => entry.state === "crash-loop");
    expect(verdict?.reason).toContain(`boom ${marker}`);
    expect(verdict?.reason).toMatch(/3 exits within 60 s/);
    expect(states.filter((entry) => entry.state === "restarting")).toHaveLength(2);
  });

  it("lets an in-flight request finish on stop, then leaves nothing running", async () => {
    const { app, marker, port, output } = await supervise();
    await app.ready();
    const slow = fetchText(port, "/slow");
    await waitFor("the slow request to start", () => output.includes("slow request started"));
    await app.stop(20_000);
    expect(await slow).toBe("slow done");
    expect(output).toContain("terminating");
    expect(app.state()).toBe("stopped");
    expect(await findProcesses(marker)).toEqual([]);
  });

  it("kills an app that ignores SIGTERM once the grace period is over", async () => {
    const { app, marker } = await supervise({
      command: (unique) => `trap '' TERM; node server.js ${unique} & exec sleep ${unique}`,
    });
    await app.ready();
    await app.stop(500);
    expect(app.state()).toBe("stopped");
    expect(await findProcesses(marker)).toEqual([]);
  });

  it("fails ready() for an app that never opens its port", async () => {
    const { app, marker } = await supervise(
      { command: (unique) => `echo not listening; exec sleep ${unique}` },
      { readyTimeoutMs: 4_000 },
    );
    await expect(app.ready()).rejects.toThrow(/did not answer on port \d+ within 4 s/);
    await app.stop(1_000);
    expect(await findProcesses(marker)).toEqual([]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function fetchText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve(body));
    }).once("error", reject);
  });
}
