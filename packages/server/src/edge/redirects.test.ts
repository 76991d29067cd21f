import { once } from "node:events";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendRedirect } from "./redirects.ts";
import type { RedirectTarget } from "./route-table.ts";

const target: RedirectTarget = { kind: "redirect", deploymentId: "redirect", location: "example.com", status: 308 };

describe("sendRedirect", () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => sendRedirect(req, res, target)).listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  /** A raw request, so the Host header and request target go out exactly as written. */
  function send(method: string, path: string, host: string) {
    return new Promise<{ status: number; location: string | undefined; body: string }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method, path, headers: { host } }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("keeps path and query, and drops the default port", async () => {
    const res = await send("GET", "/docs/start?lang=en&x=1", "www.example.com");
    expect(res).toMatchObject({ status: 308, location: "http://example.com/docs/start?lang=en&x=1" });
    expect(res.body).toBe("Redirecting to http://example.com/docs/start?lang=en&x=1\n");
    expect((await send("GET", "/", "www.example.com:80")).location).toBe("http://example.com/");
  });

  it("keeps a port other than the scheme's default", async () => {
    expect((await send("POST", "/form", "www.example.com:8080")).location).toBe("http://example.com:8080/form");
    expect((await send("GET", "/", "www.example.com:443")).location).toBe("http://example.com:443/");
  });

  it("takes the path of an absolute-form request target", async () => {
    const res = await send("GET", "http://www.example.com/a?b=c", "www.example.com");
    expect(res.location).toBe("http://example.com/a?b=c");
  });

  it("answers HEAD without a body", async () => {
    const res = await send("HEAD", "/x", "www.example.com");
    expect(res).toMatchObject({ status: 308, location: "http://example.com/x", body: "" });
  });
});
