import { createSecureContext, type SecureContext } from "node:tls";
import { normalizeHost } from "./route-table.ts";

/** A certificate the edge can serve: its names, chain and key (PEM, opened). */
export type ServedCertificate = {
  id: string;
  hostnames: string[];
  certificatePem: string;
  keyPem: string;
  fingerprint: string;
  notAfter: Date;
};

/** What the HTTPS listener asks for during a handshake. */
export type CertificateLookup = {
  /** The context for an SNI name: exact host, then `*.parent`, then the default; undefined: none. */
  contextFor(servername: string): SecureContext | undefined;
  /** The default certificate, for clients that send no SNI name. */
  defaultCredentials(): { cert: string; key: string } | undefined;
  /** Called after the default certificate changed. */
  onDefaultChange(listener: () => void): void;
};

const tlsOptions = { minVersion: "TLSv1.2" } as const;

/**
 * The edge's hostname → certificate map, in memory like the route table: the control plane
 * replaces it whole when certificates change; handshakes only read it. Secure contexts are
 * built on first use and kept while the certificate (by id and fingerprint) stays the same.
 */
export class CertificateTable implements CertificateLookup {
  #byName = new Map<string, ServedCertificate>();
  #default: ServedCertificate | null = null;
  #contexts = new Map<string, SecureContext>();
  #listeners: (() => void)[] = [];

  /**
   * Swaps in every certificate at once. Where several cover a name, the one still valid that
   * lasts longest wins; an expired one is served only when nothing else covers the name.
   */
  replaceAll(entries: ServedCertificate[], fallback: ServedCertificate | null, now = new Date()): void {
    const ranked = [...entries].sort((a, b) => rank(b, now) - rank(a, now));
    const byName = new Map<string, ServedCertificate>();
    for (const entry of ranked) {
      for (const name of entry.hostnames) {
        const key = normalizeHost(name);
        if (!byName.has(key)) byName.set(key, entry);
      }
    }
    const keep = new Set([...ranked, ...(fallback ? [fallback] : [])].map(contextKey));
    for (const key of this.#contexts.keys()) if (!keep.has(key)) this.#contexts.delete(key);
    const isNewDefault = (fallback && contextKey(fallback)) !== (this.#default && contextKey(this.#default));
    this.#byName = byName;
    this.#default = fallback;
    if (isNewDefault) for (const listener of this.#listeners) listener();
  }

  /** The certificate that answers a name, without building its context. */
  certificateFor(servername: string): ServedCertificate | null {
    const name = normalizeHost(servername);
    const exact = this.#byName.get(name);
    if (exact) return exact;
    const dot = name.indexOf(".");
    const wildcard = dot > 0 ? this.#byName.get(`*${name.slice(dot)}`) : undefined;
    return wildcard ?? this.#default;
  }

  contextFor(servername: string): SecureContext | undefined {
    const entry = this.certificateFor(servername);
    return entry ? this.#contextOf(entry) : undefined;
  }

  defaultCredentials(): { cert: string; key: string } | undefined {
    return this.#default ? { cert: this.#default.certificatePem, key: this.#default.keyPem } : undefined;
  }

  onDefaultChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  get size(): number {
    return new Set(this.#byName.values()).size;
  }

  #contextOf(entry: ServedCertificate): SecureContext {
    const key = contextKey(entry);
    let context = this.#contexts.get(key);
    if (!context) {
      context = createSecureContext({ ...tlsOptions, cert: entry.certificatePem, key: entry.keyPem });
      this.#contexts.set(key, context);
    }
    return context;
  }
}

const contextKey = (entry: ServedCertificate) => `${entry.id}:${entry.fingerprint}`;

/** Valid certificates first (longest-lasting first), then expired ones. */
function rank(entry: ServedCertificate, now: Date): number {
  const left = entry.notAfter.getTime() - now.getTime();
  return left > 0 ? left : left / 1e6 - 1e15;
}
