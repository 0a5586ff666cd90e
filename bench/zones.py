"""The ten time zones the synthetic patients live in, shared by the seeding and by the
job-per-schedule comparison (a module of its own, so that comparison imports nothing else)."""

ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Madrid",
    "Australia/Sydney",
    "Pacific/Auckland",
)
