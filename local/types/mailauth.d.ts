// The part of mailauth 4.x (which ships no typings) that the local SMTP intake's verifying mode uses.
declare module 'mailauth' {
  interface Status {
    readonly result: string;
  }
  interface AuthenticateOptions {
    /** The envelope MAIL FROM. */
    sender?: string;
    ip?: string;
    helo?: string;
    /** The authserv-id written into Authentication-Results. */
    mta?: string;
    resolver?: (name: string, rrtype: string) => Promise<unknown>;
    disableArc?: boolean;
    disableBimi?: boolean;
  }
  interface AuthenticateResult {
    readonly dkim: { readonly results?: ReadonlyArray<{ readonly signingDomain?: string; readonly status: Status }> };
    readonly spf: { readonly status: Status; readonly domain?: string } | false | undefined;
    readonly dmarc: { readonly status: Status } | false;
    /** Received-SPF and Authentication-Results, CRLF-terminated, to prepend to the message. */
    readonly headers: string;
  }
  export function authenticate(input: Buffer, options: AuthenticateOptions): Promise<AuthenticateResult>;
}
