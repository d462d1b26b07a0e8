// The one redactor every log line passes through, at every level: it blanks
// secret values it has been told about (passwords, session keys) and anything
// shaped like a secret (digests, `session_key`/`password` fields, `h=` query
// parameters, a proxy's user:password@ and Proxy-Authorization), so a log
// never holds something that signs a user in.

const MASK = '«redacted»';

const FIELD = /("(?:password|session_key|user_session_key|sessionKey|h|X-XSRFToken|_xsrf)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const QUERY = /([?&](?:h|password|session_key|key)=)[^&\s"']*/gi;
const HEX64 = /\b[0-9a-f]{64}\b/gi;
const COOKIE = /((?:user_session_key|_xsrf|im_user)=)[^;\s"']*/gi;
// A proxy's credentials: the user:password of a URL, and a Proxy-Authorization value.
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+@/gi;
const PROXY_AUTH = /(proxy-?authorization["']?\s*[:=]\s*["']?)[^"'\r\n]+/gi;

export class Redactor {
  readonly #secrets = new Set<string>();

  /** Remember a value to blank wherever it appears. Values shorter than 4 characters are too common to match safely and are covered by the patterns instead. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 4) this.#secrets.add(value);
  }

  forgetSecret(value: string | undefined): void {
    if (value) this.#secrets.delete(value);
  }

  redact(text: string): string {
    return this.blankSecrets(
      text
        .replace(FIELD, `$1"${MASK}"`)
        .replace(QUERY, `$1${MASK}`)
        .replace(COOKIE, `$1${MASK}`)
        .replace(HEX64, MASK)
        .replace(USERINFO, `$1${MASK}@`)
        .replace(PROXY_AUTH, `$1${MASK}`),
    );
  }

  /**
   * Blanks only the values it has been told about: for a message shown to the
   * user, whose advice may name shapes (http://user:password@host) that the
   * log patterns would blank.
   */
  blankSecrets(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return out;
  }
}
