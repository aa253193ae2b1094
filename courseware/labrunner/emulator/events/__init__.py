"""EventBridge as AWS runs it: buses and rules (`.bus`), the pattern language (`.patterns`),
target input (`.inputs`), delivery with retries and dead-letter queues (`.delivery`), and
schedules on the lab clock (`.schedules`, `.ticker`, `.scheduler`)."""
