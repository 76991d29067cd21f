// Pebble, Let's Encrypt's ACME test server (Debian package `pebble`), on loopback for the ACME
// tests: its HTTPS directory uses a certificate from a test CA the platform is told to trust,
// it validates HTTP-01 on the edge's HTTP port, and resolves names through a test DNS server.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDnsServer, type TestDnsServer } from "../../testing/dns-server.ts";
import { waitFor } from "../../testing/test-store.ts";
import { createTestAuthority, createTestLeaf } from "./test-certificates.ts";

export const pebbleBinary = "/usr/bin/pebble";

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function getOverTls(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    })
      .on("error", reject)
      .end();
  });
}

export type Pebble = {
  directoryUrl: string;
  /** The CA the directory's HTTPS certificate comes from: what SLIPWAY_ACME_CA_FILE holds. */
  directoryCa: string;
  dns: TestDnsServer;
  /** Starts pebble, validating HTTP-01 on `httpPort` (the edge's HTTP port). */
  start(httpPort: number): Promise<void>;
  /** The root pebble issues from (made fresh each start). */
  issuingRoot(): Promise<string>;
  stop(): Promise<void>;
};

/** Prepares pebble on free loopback ports; `start` runs it once the edge's port is known. */
export async function preparePebble(): Promise<Pebble> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-pebble-"));
  const ca = await createTestAuthority("Pebble Directory Test CA");
  const leaf = await createTestLeaf(ca, ["localhost"], { ips: ["127.0.0.1"] });
  writeFileSync(join(dir, "cert.pem"), leaf.pem);
  writeFileSync(join(dir, "key.pem"), leaf.keyPem);
  const [port, managementPort] = [await freePort(), await freePort()];
  const dns = await startDnsServer();
  let child: ChildProcess | null = null;
  let output = "";
  const directoryUrl = `https://127.0.0.1:${port}/dir`;

  return {
    directoryUrl,
    directoryCa: ca.pem,
    dns,
    async start(httpPort) {
      writeFileSync(
        join(dir, "config.json"),
        JSON.stringify({
          pebble: {
            listenAddress: `127.0.0.1:${port}`,
            managementListenAddress: `127.0.0.1:${managementPort}`,
            certificate: join(dir, "cert.pem"),
            privateKey: join(dir, "key.pem"),
            httpPort,
            tlsPort: await freePort(),
            ocspResponderURL: "",
            externalAccountBindingRequired: false,
          },
        }),
      );
      child = spawn(pebbleBinary, ["-config", join(dir, "config.json"), "-dnsserver", dns.address], {
        // No artificial sleep before validating; no nonces rejected at random; every
        // authorization validated for real (never PEBBLE_VA_ALWAYS_VALID here).
        env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0", PEBBLE_AUTHZREUSE: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      await waitFor(
        `pebble to listen (${output.slice(-500)})`,
        () =>
          getOverTls(directoryUrl, ca.pem).then(
            (r) => r.status === 200,
            () => false,
          ),
        { timeoutMs: 20_000, intervalMs: 100 },
      );
    },
    async issuingRoot() {
      const res = await getOverTls(`https://127.0.0.1:${managementPort}/roots/0`, ca.pem);
      return res.body;
    },
    async stop() {
      const running = child;
      if (running && running.exitCode === null) {
        const exited = new Promise((resolve) => running.once("exit", resolve));
        running.kill("SIGTERM");
        await exited;
      }
      await dns.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
