import { describe, expect, it } from 'vitest';
import { ERROR_SCHEMA, ScimError, badRequest, conflict, isScimError, notFound, unauthorized } from '../../src/scim/index.js';

describe('ScimError (RFC 7644 §3.12)', () => {
  it('renders status as a string with scimType and detail', () => {
    expect(badRequest('invalidFilter', 'Unknown attribute "x" in filter.').toBody()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'Unknown attribute "x" in filter.',
    });
  });

  it('omits scimType rather than sending null', () => {
    expect(notFound('User 5 not found').toBody()).toEqual({ schemas: [ERROR_SCHEMA], status: '404', detail: 'User 5 not found' });
    expect(unauthorized().toBody()).toMatchObject({ status: '401' });
  });

  it('helpers set the status and scimType IdPs act on', () => {
    expect(conflict('userName taken')).toMatchObject({ status: 409, scimType: 'uniqueness' });
    const error = new ScimError(429, 'slow down');
    error.retryAfterSeconds = 30;
    expect(isScimError(error)).toBe(true);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('slow down');
  });
});
