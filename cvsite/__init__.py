"""cvsite: one YAML profile, tailored landing pages and PDF CVs for every job application."""

__version__ = "0.1.0"
