/** Calls the local host's API at `url` as an administrator, with a JSON body when one is given. */
export function adminCall(url: string) {
  return (method: string, path: string, body?: unknown) =>
    fetch(`${url}/api/${path}`, {
      method,
      headers: {
        'x-sms-user': 'admin',
        'x-sms-roles': 'admin',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}
