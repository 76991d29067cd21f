// The fast path's request-head parser. It only has to be right about the requests it accepts:
// everything else goes, untouched, to node:http (llhttp), which stays the judge of the rest.

// Any byte outside tab and visible ASCII, or a CR or LF that is not part of a CRLF.
const unusualHead = /[^\t\r\n\x20-\x7e]|\r(?!\n)|(?<!\r)\n/;
const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The parts of a GET or HEAD request the fast path answers from. */
export type FastRequest = {
  head: boolean;
  target: string;
  host?: string;
  accept?: string;
  acceptEncoding?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
};

/**
 * Parses a request head (without its final CRLFCRLF) strictly: `GET` or `HEAD`, origin-form
 * target, HTTP/1.1, token header names, CRLF line ends, one Host, no body, no Range, at most
 * `Connection: keep-alive`. null when anything about it is for node:http to judge.
 */
export function parseHead(text: string): FastRequest | null {
  if (unusualHead.test(text)) return null;
  const lineEnd = text.indexOf("\r\n");
  const requestLine = lineEnd === -1 ? text : text.slice(0, lineEnd);
  const head = requestLine.startsWith("HEAD ");
  if (!head && !requestLine.startsWith("GET ")) return null;
  const targetEnd = requestLine.indexOf(" ", head ? 5 : 4);
  if (targetEnd === -1 || requestLine.slice(targetEnd) !== " HTTP/1.1") return null;
  const request: FastRequest = { head, target: requestLine.slice(head ? 5 : 4, targetEnd) };
  if (request.target[0] !== "/") return null;
  let start = lineEnd;
  while (start !== -1) {
    const end = text.indexOf("\r\n", start + 2);
    const line = text.slice(start + 2, end === -1 ? undefined : end);
    start = end;
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    if (colon < 1 || !token.test(name)) return null;
    const value = line.slice(colon + 1).trim();
    switch (name.toLowerCase()) {
      case "host":
        if (request.host !== undefined) return null;
        request.host = value;
        break;
      case "accept":
        if (request.accept !== undefined) return null;
        request.accept = value;
        break;
      case "accept-encoding":
        if (request.acceptEncoding !== undefined) return null;
        request.acceptEncoding = value;
        break;
      case "if-none-match":
        if (request.ifNoneMatch !== undefined) return null;
        request.ifNoneMatch = value;
        break;
      case "if-modified-since":
        if (request.ifModifiedSince !== undefined) return null;
        request.ifModifiedSince = value;
        break;
      case "connection":
        if (value.toLowerCase() !== "keep-alive") return null;
        break;
      case "content-length":
      case "transfer-encoding":
      case "expect":
      case "upgrade":
      case "range":
      case "if-range":
        return null;
    }
  }
  return request.host === undefined ? null : request;
}
