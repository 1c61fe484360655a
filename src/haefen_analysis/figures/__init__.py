"""Figures: one function per figure, one theme, rendering without network."""
