"""Outputs built from an assessment: text for the terminal, SVG charts, PDF, exports."""
