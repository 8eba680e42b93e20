"""Background jobs: CPU-heavy document work (3,000 passes, a handbook) in a separate process.

See :mod:`conference.jobs.registry` for how a domain adds a job kind.
"""
