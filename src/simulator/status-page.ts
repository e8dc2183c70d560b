import { STATUS_CODES } from 'node:http';

/** Default texts of the Restlet status page the Classic API serves (jamf-pro-api.md §2.10). */
const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'The request could not be understood by the server due to malformed syntax',
  401: 'The request requires user authentication',
  403: 'The server understood the request, but is refusing to fulfill it',
  404: 'The server has not found anything matching the request URI',
  405: 'The method specified in the request is not allowed for the resource identified by the request URI',
  409: 'The request could not be completed due to a conflict with the current state of the resource',
  415: 'The server is refusing to service the request because the entity of the request is in a format not supported by the requested resource for the requested method',
  500: 'The server encountered an unexpected condition which prevented it from fulfilling the request',
  502: 'The server, while acting as a gateway or proxy, received an invalid response from the upstream server it accessed in attempting to fulfill the request',
  503: 'The server is currently unable to handle the request due to a temporary overloading or maintenance of the server',
  504: 'The server, while acting as a gateway or proxy, could not receive a timely response from the upstream server specified by the URI or some other auxiliary server',
};

export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown Status';
}

export function defaultMessage(status: number): string {
  return DEFAULT_MESSAGES[status] ?? reasonPhrase(status);
}

/** RFC 2616 §10.4.x / §10.5.x anchor the third paragraph links to. */
function rfcAnchor(status: number): string {
  if (status >= 400 && status <= 417) return `#sec10.4.${status - 399}`;
  if (status >= 500 && status <= 505) return `#sec10.5.${status - 499}`;
  return '';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The servlet container's HTML status page: title "Status page", first <p> the reason phrase,
 * second <p> the message (clients scrape it, §7.5), third <p> the links (§2.10).
 */
export function statusPage(status: number, message = defaultMessage(status)): string {
  return [
    '<html>',
    '<head>',
    '   <title>Status page</title>',
    '</head>',
    '<body style="font-family: sans-serif;">',
    `<p style="font-size: 1.2em;font-weight: bold;margin: 1em 0px;">${escapeHtml(reasonPhrase(status))}</p>`,
    `<p>${escapeHtml(message)}</p>`,
    `<p>You can get technical details <a href="http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html${rfcAnchor(status)}">here</a>.<br>`,
    'Please continue your visit at our <a href="/">home page</a>.',
    '</p>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
