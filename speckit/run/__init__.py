"""Executing a plan from Python: ``speckit run`` (runner.py), with the evidence layout of run.sh
(evidence.py)."""
