/**
 * The OAuth 2 sign-in page (`oauth2/authorize`): a plain HTML form in English, with labels,
 * no script and nothing loaded from elsewhere, so it works under the server's
 * `default-src 'self'` policy and with any assistive technology. The app's parameters travel
 * in hidden fields and are checked again when the form comes back.
 */

const escapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
  body { margin: 0; padding: 2rem 1rem; }
  main { max-inline-size: 26rem; margin-inline: auto; }
  h1 { font-size: 1.5rem; margin-block: 0 1rem; }
  .field { display: flex; flex-direction: column; gap: 0.25rem; margin-block-end: 1rem; }
  input { font: inherit; padding: 0.5rem; border: 1px solid; border-radius: 4px; }
  input[aria-invalid='true'] { border-width: 2px; }
  .actions { display: flex; gap: 0.75rem; }
  button { font: inherit; padding: 0.5rem 1.25rem; border-radius: 4px; cursor: pointer; }
  .problem { border-inline-start: 4px solid; padding: 0.5rem 0.75rem; font-weight: 600; }
  .fine { font-size: 0.875rem; }
  :focus-visible { outline: 3px solid; outline-offset: 2px; }
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} – Community Camera Registry</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface SignInPageOptions {
  /** Where the form posts: the authorize URL's path (parameters travel in hidden fields). */
  readonly action: string;
  /** The registered app asking for the sign-in. */
  readonly appName: string;
  /** Where the officer returns afterwards (its origin is shown). */
  readonly redirectUri: string;
  /** The app's authorize parameters, sent back unchanged. */
  readonly hidden: Readonly<Record<string, string>>;
  /** The name to fill in again after a failed attempt. */
  readonly username?: string;
  /** Why the last attempt failed, announced as an alert. */
  readonly problem?: string;
}

export function signInPage(options: SignInPageOptions): string {
  const problem = options.problem;
  const invalid = problem ? ' aria-invalid="true" aria-describedby="sign-in-problem"' : '';
  const hidden = Object.entries(options.hidden)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n');
  const username = options.username ?? '';
  const returnTo = new URL(options.redirectUri).origin;
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p id="sign-in-intro"><strong>${escapeHtml(options.appName)}</strong> asks you to sign in to the Community Camera Registry.</p>
${problem ? `<p id="sign-in-problem" class="problem" role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="${escapeHtml(options.action)}" aria-describedby="sign-in-intro">
${hidden}
<div class="field">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(username)}"${invalid}${username ? '' : ' autofocus'}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}${username ? ' autofocus' : ''}>
</div>
<div class="actions">
<button type="submit" name="action" value="sign-in">Sign in</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</div>
</form>
<p class="fine">After signing in you return to ${escapeHtml(returnTo)}.</p>`,
  );
}

/** Refusals that must not be sent back to the app (an unknown app or return address). */
export function signInErrorPage(message: string): string {
  return layout(
    'Sign-in error',
    `<h1>Sign-in error</h1>
<p class="problem" role="alert">${escapeHtml(message)}</p>
<p>Error: 400. The app that sent you here is not registered to sign in with this address. Close this window and contact the app's administrator.</p>`,
  );
}
