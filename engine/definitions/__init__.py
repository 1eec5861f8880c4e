"""Definitions: reading, checking and bundling what designers deploy (BPMN, DMN, forms), and the
durations and cycles timers are written in."""
