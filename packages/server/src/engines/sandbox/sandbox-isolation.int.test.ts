import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testLogger } from "../../testing/test-store.ts";
import { createSandbox } from "./sandbox.ts";
import { openTestSandbox } from "./sandbox-fixtures.ts";

describe("sandbox isolation", () => {
  let box: Awaited<ReturnType<typeof openTestSandbox>>;
  let dataDir: string;

  beforeAll(async () => {
    box = await openTestSandbox();
    // Stands in for the platform's .slipway/: world-traversable, like a data dir made with the default umask.
    dataDir = await mkdtemp(join(tmpdir(), "slipway-fake-data-"));
    await chmod(dataDir, 0o755);
    await writeFile(join(dataDir, "master.key"), "THE-MASTER-KEY-CONTENT", { mode: 0o644 });
  });
  afterAll(async () => {
    await box?.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("says it runs under bubblewrap with its own namespaces, cgroup limits and an unprivileged host user", async () => {
    const report = await box.sandbox.isolation({ memoryMb: 512, cpus: 1, pids: 128, timeoutSeconds: 90 });
    expect(report).toMatchObject({ sandbox: "bubblewrap", wallClockLimitSeconds: 90 });
    expect(report.namespaces).toEqual(expect.arrayContaining(["user", "mount", "pid", "ipc", "uts"]));
    expect(report.namespaces).not.toContain("net");
    // This machine's cgroup v1 hierarchies are writable (see ARCHITECTURE "Sandboxes").
    expect(report).toMatchObject({ memoryLimit: "cgroup", pidsLimit: "cgroup", cpuLimit: "cgroup" });
    expect(report.hostUid).not.toBe(0);
  });

  it("cannot read the data dir, the repository or another workspace", async () => {
    const other = await box.sandbox.createWorkspace("other");
    await writeFile(join(other.dir, "secret.txt"), "OTHER-WORKSPACE-CONTENT");
    const result = await box.run(
      [
        `cat ${join(dataDir, "master.key")}`,
        `cat ${join(other.dir, "secret.txt")}`,
        `ls ${box.workRoot}`,
        `ls ${process.cwd()}`,
        "ls /root",
        "cat /etc/shadow",
        "ls /etc/ssl/private",
        "echo done",
      ].join("; "),
    );
    await other.remove();
    const output = result.lines.map((line) => line.text).join("\n");
    expect(output).not.toContain("THE-MASTER-KEY-CONTENT");
    expect(output).not.toContain("OTHER-WORKSPACE-CONTENT");
    expect(result.lines.filter((line) => line.stream === "stderr")).toHaveLength(7);
    expect(result.stdout).toEqual(["done"]);
  });

  it("sees only the variables it was given, never the platform's", async () => {
    process.env.SLIPWAY_MASTER_KEY = "platform-master-key-value";
    try {
      const result = await box.run("env", { env: { API_URL: "https://api.example.test", NODE_ENV: "production" } });
      const names = result.stdout.map((line) => line.slice(0, line.indexOf("="))).sort();
      // PWD is the shell's own.
      expect(names).toEqual(["API_URL", "CI", "HOME", "LANG", "NODE_ENV", "PATH", "PWD"]);
      expect(result.stdout).toContain("API_URL=https://api.example.test");
      expect(result.stdout.join("\n")).not.toContain("platform-master-key-value");
    } finally {
      delete process.env.SLIPWAY_MASTER_KEY;
    }
  });

  it("has a private /tmp: it neither sees the host's files there nor leaves its own", async () => {
    const hostFile = join("/tmp", `slipway-host-file-${process.pid}-${Date.now()}`);
    await writeFile(hostFile, "HOST-TMP-CONTENT");
    const sandboxFile = `/tmp/slipway-sandbox-file-${process.pid}-${Date.now()}`;
    try {
      const result = await box.run(`cat ${hostFile}; echo mine > ${sandboxFile} && cat ${sandboxFile}`);
      expect(result.stdout).toEqual(["mine"]);
      expect(result.lines.map((line) => line.text).join("\n")).not.toContain("HOST-TMP-CONTENT");
      await expect(stat(sandboxFile)).rejects.toThrow();
    } finally {
      await rm(hostFile, { force: true });
    }
  });

  it("writes its workspace, as the unprivileged sandbox user, and nothing of the system", async () => {
    const result = await box.run("echo built > out.txt && touch /usr/bin/evil; touch /etc/hosts; echo $?");
    expect(result.stdout).toEqual(["1"]);
    expect(await readFile(join(box.workspace.dir, "out.txt"), "utf8")).toBe("built\n");
    const owner = (await stat(join(box.workspace.dir, "out.txt"))).uid;
    expect(owner).toBe((await box.sandbox.isolation()).hostUid);
    await expect(stat("/usr/bin/evil")).rejects.toThrow();
  });

  it("passes exit codes and stdout and stderr lines through in order", async () => {
    const result = await box.run(
      "echo one; echo warn-1 >&2; printf 'two\\nthree'; sleep 0.05; echo ' and more'; echo warn-2 >&2; exit 7",
    );
    expect(result.exitCode).toBe(7);
    expect(result.stdout).toEqual(["one", "two", "three and more"]);
    expect(result.lines.filter((line) => line.stream === "stderr").map((line) => line.text)).toEqual([
      "warn-1",
      "warn-2",
    ]);
  });

  it("runs node, npm and git from inside", async () => {
    const result = await box.run("node -e 'console.log(process.version)' && npm --version && git --version");
    expect(result.exitCode).toBe(0);
    expect(result.stdout[0]).toBe(process.version);
  });

  it("removes the workspaces a crashed platform process left behind, and only those", async () => {
    const workRoot = await mkdtemp(join(tmpdir(), "slipway-orphans-test-"));
    try {
      // 4194305 is above the kernel's largest pid: no process has it.
      const orphan = join(workRoot, "4194305-build-crashed-abc");
      const live = join(workRoot, `${process.pid}-build-running-def`);
      await mkdir(orphan);
      await mkdir(live);
      await createSandbox({ logger: testLogger, workRoot }).isolation();
      await expect(stat(orphan)).rejects.toThrow();
      expect((await stat(live)).isDirectory()).toBe(true);
    } finally {
      await rm(workRoot, { recursive: true, force: true });
    }
  });
});
