import { describe, expect, it } from "vitest";
import { dnsRecordsFor, isApexHost, platformHostProblem } from "./domain-records.ts";

const targets = { edge: { domain: "apps.example.net", port: 80 }, publicIp: null, cnameTarget: null };
const domain = (hostname: string) => ({ hostname, verificationToken: "tok" });

describe("dnsRecordsFor", () => {
  it("asks an apex for an A record, naming the server's IP only when it is configured", () => {
    expect(dnsRecordsFor(domain("shop.test"), "shop", targets)[1]).toEqual({
      type: "A",
      name: "shop.test",
      value: null,
      purpose: "routing",
      hint: "the public IP address of this server",
    });
    expect(dnsRecordsFor(domain("shop.test"), "shop", { ...targets, publicIp: "203.0.113.5" })[1]).toMatchObject({
      value: "203.0.113.5",
      hint: null,
    });
  });

  it("asks a subdomain for a CNAME to the production host, or to the configured target", () => {
    expect(dnsRecordsFor(domain("www.shop.test"), "shop", targets)[1]).toMatchObject({
      type: "CNAME",
      value: "shop.apps.example.net",
    });
    expect(
      dnsRecordsFor(domain("www.shop.test"), "shop", { ...targets, cnameTarget: "edge.example.net" })[1],
    ).toMatchObject({ value: "edge.example.net" });
  });

  it("proves a wildcard on its base name", () => {
    expect(dnsRecordsFor(domain("*.shop.test"), "shop", targets)).toEqual([
      expect.objectContaining({ type: "TXT", name: "_slipway-challenge.shop.test", value: "slipway-verify=tok" }),
      expect.objectContaining({ type: "CNAME", name: "*.shop.test" }),
    ]);
    expect(isApexHost("*.shop.test")).toBe(false);
  });
});

describe("platformHostProblem", () => {
  it.each([
    ["apps.example.net", true],
    ["shop.apps.example.net", true],
    ["*.apps.example.net", true],
    ["*.example.net", true],
    ["example.net", false],
    ["www.example.net", false],
    ["apps.example.net.evil.test", false],
    ["myapps.example.net", false],
  ])("%s belongs to the instance: %s", (hostname, isRefused) => {
    expect(platformHostProblem(hostname, targets) !== null).toBe(isRefused);
  });
});
