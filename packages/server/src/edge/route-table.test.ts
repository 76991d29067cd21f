import { describe, expect, it } from "vitest";
import { normalizeHost, RouteTable, type StaticTarget } from "./route-table.ts";

const target = (deploymentId: string): StaticTarget => ({
  kind: "static",
  deploymentId,
  artifactDir: `/srv/artifacts/${deploymentId}`,
  spaFallback: false,
});

describe("normalizeHost", () => {
  it.each([
    ["Shop.Example.COM", "shop.example.com"],
    ["shop.example.com:8080", "shop.example.com"],
    ["shop.example.com.", "shop.example.com"],
    ["[::1]:8080", "[::1]"],
    ["[::1]", "[::1]"],
    ["  dpl-1--shop.slipway.test  ", "dpl-1--shop.slipway.test"],
  ])("%s → %s", (raw, host) => expect(normalizeHost(raw)).toBe(host));
});

describe("RouteTable", () => {
  it("looks hosts up in any case, with or without port", () => {
    const routes = new RouteTable();
    routes.set("Shop.slipway.test", target("a"));
    expect(routes.lookup("shop.slipway.test")?.deploymentId).toBe("a");
    expect(routes.lookup("SHOP.slipway.test:8080")?.deploymentId).toBe("a");
    expect(routes.lookup("other.slipway.test")).toBeUndefined();
    expect(routes.lookup(undefined)).toBeUndefined();
  });

  it("sets, replaces and removes single hosts", () => {
    const routes = new RouteTable();
    routes.set("shop.slipway.test", target("a"));
    routes.set("shop.slipway.test", target("b"));
    expect(routes.lookup("shop.slipway.test")?.deploymentId).toBe("b");
    expect(routes.remove("SHOP.slipway.test")).toBe(true);
    expect(routes.remove("shop.slipway.test")).toBe(false);
    expect(routes.size).toBe(0);
  });

  it("replaces the whole table at once", () => {
    const routes = new RouteTable();
    routes.set("old.slipway.test", target("old"));
    routes.replaceAll([
      { host: "dpl-2--shop.slipway.test", target: target("2") },
      { host: "shop.slipway.test", target: target("2") },
      { host: "shop-git-feature-x.slipway.test", target: target("3") },
    ]);
    expect(routes.lookup("old.slipway.test")).toBeUndefined();
    expect(routes.lookup("shop-git-feature-x.slipway.test")?.deploymentId).toBe("3");
    expect(routes.entries().map((e) => e.host)).toEqual([
      "dpl-2--shop.slipway.test",
      "shop.slipway.test",
      "shop-git-feature-x.slipway.test",
    ]);
  });

  it("refuses a deployment id that cannot go into a header", () => {
    const routes = new RouteTable();
    expect(() => routes.set("a.test", { ...target("a"), deploymentId: "a\r\nx-evil: 1" })).toThrow(/deploymentId/);
    expect(() => routes.set("a.test", { ...target("a"), deploymentId: "" })).toThrow(/deploymentId/);
  });

  it("refuses a relative artifact directory and normalises an absolute one", () => {
    const routes = new RouteTable();
    expect(() => routes.set("a.test", { ...target("a"), artifactDir: "artifacts/a" })).toThrow(/absolute/);
    routes.set("a.test", { ...target("a"), artifactDir: "/srv/artifacts/a/" });
    expect(routes.lookup("a.test")).toMatchObject({ artifactDir: "/srv/artifacts/a" });
  });

  it("falls back to a wildcard one label up when a host has no route of its own", () => {
    const routes = new RouteTable();
    routes.set("*.example.com", target("wild"));
    routes.set("www.example.com", target("www"));
    expect(routes.lookup("shop.example.com")?.deploymentId).toBe("wild");
    expect(routes.lookup("Shop.Example.com:8080")?.deploymentId).toBe("wild");
    expect(routes.lookup("www.example.com")?.deploymentId).toBe("www");
    // One label only: neither the apex nor a deeper name.
    expect(routes.lookup("example.com")).toBeUndefined();
    expect(routes.lookup("a.b.example.com")).toBeUndefined();
    expect(routes.lookup("localhost")).toBeUndefined();
  });

  it("holds redirect targets and refuses a location that is not a hostname", () => {
    const routes = new RouteTable();
    routes.set("www.example.com", { kind: "redirect", deploymentId: "redirect", location: "example.com", status: 308 });
    expect(routes.lookup("www.example.com")).toMatchObject({ kind: "redirect", location: "example.com" });
    expect(() =>
      routes.set("a.test", { kind: "redirect", deploymentId: "redirect", location: "evil.test/\r\nx: 1", status: 301 }),
    ).toThrow(/location/);
  });
});
