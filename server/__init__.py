"""The web server around the dashboard: settings, logging, sign-in, /healthz, the HTTP API, error paths."""
