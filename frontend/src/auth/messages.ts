// Firebase Auth error codes → sentences.
const MESSAGES: Record<string, string> = {
  "auth/invalid-credential": "That email and password don't match an account.",
  "auth/wrong-password": "That email and password don't match an account.",
  "auth/user-not-found": "That email and password don't match an account.",
  "auth/invalid-email": "That doesn't look like an email address.",
  "auth/missing-password": "Enter your password.",
  "auth/email-already-in-use": "An account with this email already exists; sign in instead.",
  "auth/weak-password": "Choose a password of at least 6 characters.",
  "auth/too-many-requests": "Too many attempts; wait a minute and try again.",
  "auth/network-request-failed": "The sign-in service can't be reached; check your connection.",
  "auth/popup-closed-by-user": "The Google sign-in window was closed before it finished.",
  "auth/popup-blocked": "Your browser blocked the Google sign-in window; allow pop-ups for this site.",
  "auth/user-disabled": "This account has been disabled.",
};

export function authMessage(error: unknown): string {
  const code = (error as { code?: string })?.code;
  if (code && MESSAGES[code]) return MESSAGES[code];
  return "Signing in failed; please try again.";
}
