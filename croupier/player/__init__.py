"""Players and their channel identities."""
