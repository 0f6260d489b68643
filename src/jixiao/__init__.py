"""jixiao (绩效): YAML data + Markdown narrative → computed, checked HTML site and PDFs."""

__version__ = "0.1.0"
