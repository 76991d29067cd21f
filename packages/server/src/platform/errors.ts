import { type ErrorCode, errorCodes } from "@slipway/contracts";

/** The one error type domain code throws; the HTTP layer maps `code` to a status. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorCodes[this.code];
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);
export const conflict = (message: string, details?: unknown) => new AppError("conflict", message, details);
export const badRequest = (message: string, details?: unknown) => new AppError("bad_request", message, details);
export const forbidden = (message: string, details?: unknown) => new AppError("forbidden", message, details);
