"""The kernel every app may use: small, dependency-free helpers that know no domain."""
