"""The email channel: IMAP polling (IDLE where offered) and a built-in SMTP listener in, SMTP out."""
