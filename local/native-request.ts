/**
 * What the local host hands `@azure/functions`' HttpRequest as its native request: the request as
 * node:http read it (bytes already in memory), with the part of the Fetch `Request` the functions
 * and the HttpRequest class use. The HttpRequest is still the real class (query, params, user,
 * the same getters); only the undici `Request` under it is left out. Building one (an abort
 * signal, a body stream) and reading the body back through a web stream cost the HTTP thread
 * more per request than routing and the function's own parsing did. Anything rarer (a stream of
 * the body, form data) goes through a Fetch `Response` made when asked for.
 */
export class LocalNativeRequest {
  private used = false;
  private builtHeaders: Headers | undefined;

  constructor(
    readonly url: string,
    readonly method: string,
    private readonly rawHeaders: Record<string, string>,
    private readonly bytes: Buffer | undefined,
  ) {}

  get headers(): Headers {
    this.builtHeaders ??= new Headers(this.rawHeaders);
    return this.builtHeaders;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  /** The body as a stream, as a Fetch request gives it (null without a body). */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.bytes === undefined) return null;
    return this.take(() => new Response(this.bytes).body);
  }

  /** Like a Fetch request, a body is read once. */
  private take<T>(read: () => T): T {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return read();
  }

  async text(): Promise<string> {
    return this.take(() => this.bytes?.toString('utf8') ?? '');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.take(() => {
      const bytes = this.bytes ?? Buffer.alloc(0);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    });
  }

  async blob(): Promise<Blob> {
    return this.take(() => new Blob(this.bytes ? [this.bytes] : []));
  }

  async formData(): Promise<FormData> {
    const response = this.take(
      () => new Response(this.bytes, { headers: { 'content-type': this.headers.get('content-type') ?? '' } }),
    );
    return response.formData();
  }

  clone(): LocalNativeRequest {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    return new LocalNativeRequest(this.url, this.method, { ...this.rawHeaders }, this.bytes);
  }
}
