"""dealroom: a terminal deal room for iron-triangle sales teams."""

__version__ = "0.1.0"
