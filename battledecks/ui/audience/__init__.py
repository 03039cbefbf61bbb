"""The audience screen in a terminal: what the room sees, following the host's app."""
