/**
 * SSLContext and createDefaultContext: TLS settings for connections and servers.
 * Mirrors the parts of CPython 3.13's ssl module (SSLContext, create_default_context, CERT_*,
 * Purpose) that asyncio code uses, on top of Node's tls options.
 *
 * A context holds Node `tls` options; certificate verification and host-name checking are on by
 * default for clients, as Python's `create_default_context()`.
 */
import { readFileSync } from "node:fs";
import { OSError, fromNodeError } from "@aio/core";
import type { ConnectionOptions, SecureContextOptions, TlsOptions } from "node:tls";

/** Do not verify the peer's certificate. */
export const CERT_NONE = 0 as const;
/** Verify the certificate if the peer sends one. */
export const CERT_OPTIONAL = 1 as const;
/** Require and verify the peer's certificate (the default for clients). */
export const CERT_REQUIRED = 2 as const;

/** Python's ssl.Purpose: which side a default context is for. */
export const Purpose = { SERVER_AUTH: "SERVER_AUTH", CLIENT_AUTH: "CLIENT_AUTH" } as const;

/** Options of {@link createDefaultContext}. */
export interface CreateDefaultContextOptions {
  /** PEM file(s) of CA certificates to trust instead of Node's bundled ones. */
  cafile?: string | null;
  /** A directory of CA certificates is not supported by Node; use cafile or cadata. */
  cadata?: string | Buffer | null;
}

/**
 * TLS settings (Python's ssl.SSLContext).
 * @see https://docs.python.org/3/library/ssl.html#ssl.SSLContext
 */
export class SSLContext {
  /** Verify that the peer's certificate matches the host name (clients). */
  checkHostname: boolean;
  /** CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED. */
  verifyMode: typeof CERT_NONE | typeof CERT_OPTIONAL | typeof CERT_REQUIRED;
  /** The Node options that make up this context. @internal */
  _options: SecureContextOptions & { ALPNProtocols?: string[] };
  /** Which side the context is for. */
  readonly purpose: keyof typeof Purpose;

  constructor(purpose: keyof typeof Purpose = "SERVER_AUTH") {
    this.purpose = purpose;
    this.checkHostname = purpose === "SERVER_AUTH";
    this.verifyMode = purpose === "SERVER_AUTH" ? CERT_REQUIRED : CERT_NONE;
    this._options = {};
  }

  /** Loads the certificate chain (and key) this side presents; PEM file paths or PEM text. */
  loadCertChain(certfile: string | Buffer, keyfile?: string | Buffer | null, password?: string | null): void {
    this._options.cert = readPem(certfile);
    this._options.key = readPem(keyfile ?? certfile);
    if (password !== null && password !== undefined) this._options.passphrase = password;
  }

  /** Trusts the CA certificates in `cafile` (a PEM path) or `cadata` (PEM text). */
  loadVerifyLocations(cafile?: string | null, capath?: string | null, cadata?: string | Buffer | null): void {
    if (capath !== null && capath !== undefined) {
      throw new TypeError("capath is not supported: pass cafile or cadata");
    }
    const certificates: (string | Buffer)[] = [];
    if (cafile !== null && cafile !== undefined) certificates.push(readFileSync(cafile));
    if (cadata !== null && cadata !== undefined) certificates.push(cadata);
    if (certificates.length === 0) throw new TypeError("cafile, capath and cadata cannot be all omitted");
    const existing = this._options.ca;
    const previous = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    this._options.ca = [...previous, ...certificates];
  }

  /** Offers these ALPN protocols. */
  setAlpnProtocols(protocols: string[]): void {
    this._options.ALPNProtocols = [...protocols];
  }

  /** Node `tls.connect` options for a client connection. @internal */
  _clientOptions(serverHostname: string | null): ConnectionOptions {
    const options: ConnectionOptions = { ...this._options, rejectUnauthorized: this.verifyMode !== CERT_NONE };
    if (serverHostname !== null && serverHostname !== "") options.servername = serverHostname;
    if (!this.checkHostname) options.checkServerIdentity = () => undefined;
    return options;
  }

  /** Node `tls` server options. @internal */
  _serverOptions(): TlsOptions {
    return {
      ...this._options,
      requestCert: this.verifyMode !== CERT_NONE,
      rejectUnauthorized: this.verifyMode === CERT_REQUIRED,
    };
  }
}

function readPem(value: string | Buffer): string | Buffer {
  if (Buffer.isBuffer(value)) return value;
  return value.includes("-----BEGIN") ? value : readFileSync(value);
}

/**
 * A context with secure defaults: for clients (the default purpose), certificates are verified
 * and host names checked.
 * @see https://docs.python.org/3/library/ssl.html#ssl.create_default_context
 */
export function createDefaultContext(
  purpose: keyof typeof Purpose = "SERVER_AUTH",
  options: CreateDefaultContextOptions = {},
): SSLContext {
  const context = new SSLContext(purpose);
  if (options.cafile || options.cadata) context.loadVerifyLocations(options.cafile ?? null, null, options.cadata ?? null);
  return context;
}

/** What an `ssl` option may be: true (default context), an SSLContext, or Node tls options. */
export type SSLOption = boolean | SSLContext | ConnectionOptions | TlsOptions | null | undefined;

/** Resolves the `ssl` option for a client: null when not TLS. @internal */
export function clientTlsOptions(ssl: SSLOption, serverHostname: string | null): [ConnectionOptions, SSLContext | null] | null {
  if (ssl === null || ssl === undefined || ssl === false) return null;
  if (ssl === true) {
    const context = createDefaultContext();
    return [context._clientOptions(serverHostname), context];
  }
  if (ssl instanceof SSLContext) return [ssl._clientOptions(serverHostname), ssl];
  const options: ConnectionOptions = { ...(ssl as ConnectionOptions) };
  if (serverHostname !== null && serverHostname !== "" && options.servername === undefined) options.servername = serverHostname;
  return [options, null];
}

/** Resolves the `ssl` option for a server: null when not TLS. @internal */
export function serverTlsOptions(ssl: SSLOption): [TlsOptions, SSLContext | null] | null {
  if (ssl === null || ssl === undefined || ssl === false) return null;
  if (ssl === true) throw new TypeError("ssl=True is only meaningful for clients: pass an SSLContext with loadCertChain()");
  if (ssl instanceof SSLContext) return [ssl._serverOptions(), ssl];
  return [ssl as TlsOptions, null];
}

/** Python's ssl.SSLError (an OSError). `reason` is OpenSSL's reason, e.g. "CERTIFICATE_VERIFY_FAILED". */
export class SSLError extends OSError {
  override name = "SSLError";
  /** OpenSSL's reason mnemonic (Python's `SSLError.reason`), or null. */
  reason: string | null;
  constructor(message: string, options: { code?: string; cause?: unknown; reason?: string | null } = {}) {
    super(message, options);
    this.reason = options.reason ?? null;
  }
}

/** Python's ssl.SSLCertVerificationError: the peer's certificate or host name did not verify. */
export class SSLCertVerificationError extends SSLError {
  override name = "SSLCertVerificationError";
  /** Node's verification code, e.g. "DEPTH_ZERO_SELF_SIGNED_CERT". */
  verifyMessage: string;
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { ...options, reason: "CERTIFICATE_VERIFY_FAILED" });
    this.verifyMessage = options.code ?? "";
  }
}

const VERIFY_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "HOSTNAME_MISMATCH",
]);

/** Translates a Node TLS error into SSLCertVerificationError / SSLError; other errors as fromNodeError. @internal */
export function fromTlsError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === "string" && VERIFY_CODES.has(code)) {
    return new SSLCertVerificationError(`[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${error.message}`, { code, cause: error });
  }
  if (typeof code === "string" && (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_"))) {
    const reason = code.replace(/^ERR_(SSL|TLS)_/, "");
    return new SSLError(`[SSL: ${reason}] ${error.message}`, { code, cause: error, reason });
  }
  return fromNodeError(error);
}
