"""Prachakhom (ประชาคม): real-time voting for large town meetings."""

__version__ = "0.1.0"
