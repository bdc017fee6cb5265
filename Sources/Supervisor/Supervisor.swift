// Supervisor: policy, verdicts, shutdown, receipts, replay verification.
