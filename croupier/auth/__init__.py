"""Staff authentication, sessions, 2FA, API tokens and the acting principal."""
