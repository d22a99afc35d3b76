/**
 * A peer broke HTTP/1.1 framing or a limit. `status` is what a server answers the client with
 * (400, 413, 431, 501, 505); on the client side the upstream's answer is unusable.
 */
export class HttpProtocolError extends Error {
  readonly code = 'LBSIM_HTTP_PROTOCOL';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpProtocolError';
  }
}
