"""faredesk: customer services for a public transit agency."""
