"""Pages for riders (no sign-in): read models behind app/routes/public.py."""
