// The stand-in's HTML: the sign-in page (one button per demo user, in a plain form that works without JavaScript),
// a status page and an error page. Semantic, labelled markup so it can be driven by role in browser tests.
import type { DemoUser } from './users';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1b1f24; }
  main { max-width: 28rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 4px #0002; }
  h1 { font-size: 1.5rem; margin-top: 0; }
  ul { list-style: none; padding: 0; }
  li + li { margin-top: .5rem; }
  button, .button { display: block; width: 100%; padding: .75rem 1rem; font: inherit; text-align: left; border: 1px solid #c9ced6;
    border-radius: 8px; background: #fff; color: inherit; cursor: pointer; text-decoration: none; box-sizing: border-box; }
  button:hover, button:focus-visible, .button:hover { border-color: #6c47ff; outline: 2px solid #6c47ff55; }
  .email { display: block; color: #57606a; font-size: .9rem; }
  .note { font-size: .85rem; color: #57606a; border-left: 3px solid #f0b429; padding-left: .75rem; }
  .warning { color: #a40e26; }
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · local Clerk stand-in</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
<p class="note" role="note">Local stand-in for Clerk, for development and tests on this machine only: no passwords, no real
accounts. Signing in sets the same <code>__session</code> / <code>__client_uat</code> cookies Clerk would.</p>
</main>
</body>
</html>
`;
}

const userLabel = (u: DemoUser) => u.firstName ?? u.email;

export function renderSignInPage(options: { users: DemoUser[]; redirectUrl: string | null; redirectRefused: boolean }): string {
  const items = options.users
    .map(
      (u) => `<li><button type="submit" name="user_id" value="${escapeHtml(u.id)}">Continue as ${escapeHtml(userLabel(u))}` +
        `<span class="email">${escapeHtml(u.email)}</span></button></li>`,
    )
    .join('\n');
  const list = options.users.length ? `<ul>\n${items}\n</ul>` : '<p>No demo users are configured.</p>';
  const hidden = options.redirectUrl ? `<input type="hidden" name="redirect_url" value="${escapeHtml(options.redirectUrl)}">` : '';
  const refused = options.redirectRefused
    ? `<p class="warning" role="alert">The requested redirect URL is not on this machine; after signing in you will stay here.</p>`
    : '';
  return layout(
    'Sign in',
    `<h1 id="sign-in-title">Sign in</h1>
<p id="sign-in-hint">Choose a demo user.</p>
${refused}
<form method="post" action="/sign-in" aria-labelledby="sign-in-title" aria-describedby="sign-in-hint">
${hidden}
${list}
</form>`,
  );
}

export function renderStatusPage(options: { signedInAs: DemoUser | null; userId: string | null; refusedRedirect: string | null }): string {
  const who = options.signedInAs
    ? `<p>Signed in as <strong>${escapeHtml(userLabel(options.signedInAs))}</strong> (${escapeHtml(options.signedInAs.email)}).</p>`
    : options.userId
      ? `<p>Signed in as <strong>${escapeHtml(options.userId)}</strong>.</p>`
      : '<p>Not signed in.</p>';
  const refused = options.refusedRedirect
    ? `<p class="warning" role="alert">Did not follow the redirect to <code>${escapeHtml(options.refusedRedirect)}</code>: only localhost URLs are allowed.</p>`
    : '';
  return layout(
    'Account',
    `<h1>Local Clerk stand-in</h1>
${refused}
${who}
<ul>
<li><a class="button" href="/sign-in">Sign in as another user</a></li>
<li><a class="button" href="/sign-out">Sign out</a></li>
</ul>`,
  );
}

export function renderErrorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${escapeHtml(message)}</p>\n<p><a href="/sign-in">Back to sign in</a></p>`);
}
