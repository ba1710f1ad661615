"""Users, roles, passwords and PINs, sign-in sessions and authority."""
