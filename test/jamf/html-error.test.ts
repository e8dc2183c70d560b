import { describe, expect, it } from 'vitest';
import { decodeEntities, errorFromResponse, errorMessage, kindForStatus, parseStatusPage } from '../../src/jamf/html-error.js';

const page = (reason: string, message: string): string =>
  '<html>\n<head>\n   <title>Status page</title>\n</head>\n<body style="font-family: sans-serif;">\n' +
  `<p style="font-size: 1.2em;font-weight: bold;margin: 1em 0px;">${reason}</p>\n` +
  `<p>${message}</p>\n` +
  '<p>You can get technical details <a href="http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.10">here</a>.<br>\n' +
  'Please continue your visit at our <a href="/">home page</a>.\n</p>\n</body>\n</html>\n';

describe('Classic HTML status pages', () => {
  it('takes the message from the second <p>', () => {
    const err = errorFromResponse(409, page('Conflict', 'Error: Duplicate name'), 'POST /JSSResource/users/id/0');
    expect(err.kind).toBe('conflict');
    expect(err.message).toBe('Error: Duplicate name');
    expect(err.status).toBe(409);
    expect(err.route).toBe('POST /JSSResource/users/id/0');
  });

  it('decodes entities and strips inner markup', () => {
    expect(parseStatusPage(page('Conflict', 'Error: name &quot;a&amp;b&quot; <b>taken</b> &#233;')).paragraphs[1]).toBe(
      'Error: name "a&b" taken é',
    );
    expect(decodeEntities('&lt;x&gt; &apos; &#x4E2D; &unknown;')).toBe("<x> ' 中 &unknown;");
  });

  it('falls back to the first paragraph, the title, then the status', () => {
    expect(errorMessage(404, '<html><p>Not Found</p></html>')).toBe('Not Found');
    expect(errorMessage(500, '<html><head><title>Oops</title></head><body></body></html>')).toBe('Oops');
    expect(errorMessage(502, '')).toBe('HTTP 502');
    expect(errorMessage(502, 'Bad gateway from the proxy')).toBe('HTTP 502');
  });

  it('reads Jamf Pro ApiError JSON and OAuth errors', () => {
    const body = JSON.stringify({ httpStatus: 401, errors: [{ code: 'INVALID_TOKEN', description: 'Unauthorized', id: '0', field: null }] });
    expect(errorMessage(401, body)).toBe('INVALID_TOKEN: Unauthorized');
    expect(errorMessage(400, '{"error":"invalid_client"}')).toBe('invalid_client');
  });

  it('maps statuses to kinds', () => {
    expect([400, 401, 403, 404, 409, 415, 429, 500, 502, 503, 504, 507].map(kindForStatus)).toEqual([
      'bad_request',
      'unauthorized',
      'forbidden',
      'not_found',
      'conflict',
      'bad_request',
      'unavailable',
      'server',
      'unavailable',
      'unavailable',
      'unavailable',
      'server',
    ]);
    expect(errorFromResponse(502, '', 'GET /x').unclear).toBe(true);
    expect(errorFromResponse(503, '', 'GET /x').unclear).toBe(false);
  });

  it('caps very long messages', () => {
    expect(errorMessage(409, page('Conflict', 'x'.repeat(1000))).length).toBeLessThan(310);
  });
});
