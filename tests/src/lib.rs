//! Helpers for the end-to-end tests: start the worker, mint tokens, call the API.
