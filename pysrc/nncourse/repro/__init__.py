"""What the lecture printed and what this machine computes: the ledger (the printed
record), the computed outputs, the errata with their evidence, and the report."""
