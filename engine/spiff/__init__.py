"""The SpiffWorkflow adapter: the only code that imports SpiffWorkflow. Its parser, script engine, state
format, fixes, and every step Ravand takes that SpiffWorkflow has no public call for."""
