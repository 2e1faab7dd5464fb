"""Email: what a notification says (content), how it looks (templates), how it leaves (SMTP)."""
